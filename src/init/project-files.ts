import type { TemplateSpec } from './template.js'

/** Days of sample data a new project gets, oldest first (relative to `today`). */
export function sampleDays(today: Date, n = 3): string[] {
  const t = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())
  return Array.from({ length: n }, (_, i) => new Date(t - (n - i) * 86_400_000).toISOString().slice(0, 10))
}

/** Rows as CSV (values with commas, quotes or newlines quoted). */
export function toCsv(rows: readonly Record<string, string | number>[]): string {
  const first = rows[0]
  if (!first) return ''
  const cols = Object.keys(first)
  const cell = (v: string | number | undefined) => {
    const s = v === undefined ? '' : String(v)
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  return `${cols.join(',')}\n${rows.map((r) => cols.map((c) => cell(r[c])).join(',')).join('\n')}\n`
}

/** Every file of a new project except the sample data, by project-relative path. */
export function projectFiles(
  t: TemplateSpec,
  options: { name: string; cairnDependency: string; tsxVersion: string },
): Record<string, string> {
  const { name } = options
  const d = t.dataset
  const processed = `data/processed/${d}.parquet`
  const example = JSON.stringify(t.exampleRow)
  const metricDir = t.greaterIsBetter ? 'higher is better' : 'lower is better'
  const taskForMonitor = t.task === 'ranking' ? undefined : t.task
  return {
    'cairn.yaml': `# ${name}: a Cairn project (template: ${t.name} — ${t.summary}).
project: ${name}

# The pipeline: \`cairn run\` runs what changed; \`cairn dag\` draws it; \`cairn status\` says why a stage is stale.
# Each stage is a typed TypeScript function in src/stages/; outputs are cached in .cairn/ by content.
stages:
  ingest:
    run: src/stages/ingest.ts#ingest
    desc: read the daily raw files (data/raw/dt=YYYY-MM-DD/) and store a dataset version
    deps: [src/stages/ingest.ts, src/lib, config/data.yaml, data/raw]
    outs: [${processed}]
  validate:
    run: src/stages/validate.ts#validate
    desc: check the data against config/data.yaml's expectations; a failure stops the pipeline
    deps: [src/stages/validate.ts, src/lib, config/data.yaml, ${processed}]
    metrics: [metrics/validate.json]
  features:
    run: src/stages/features.ts#features
    desc: build model features (src/lib/features.ts) and split train/test
    deps: [src/stages/features.ts, src/lib, ${processed}, metrics/validate.json]
    params: [features]
    outs: [data/features/train.parquet, data/features/test.parquet]
  train:
    run: src/stages/train.ts#train
    desc: fit the model of src/lib/model.ts
    deps: [src/stages/train.ts, src/lib, data/features/train.parquet]
    params: [train]
    outs: [models/model]
    metrics: [metrics/train.json]
  evaluate:
    run: src/stages/evaluate.ts#evaluate
    desc: score on the test split; register the model when it beats the champion
    deps: [src/stages/evaluate.ts, src/lib, models/model, data/features/test.parquet]
    params: [evaluate, {config/model.yaml: [model]}]
    metrics: [metrics/evaluate.json]

# Monitoring of the served model (\`cairn monitor run ${t.model}\`, \`cairn monitor report ${t.model}\`).
monitors:
  ${t.model}:
    model: ${t.model}
    alias: champion${taskForMonitor ? `\n    task: ${taskForMonitor}` : ''}
    reference: data/features/train.parquet
    target: ${t.target}
    window: 1d
    alerts: config/monitoring.yaml${
      t.task === 'ranking'
        ? ''
        : `\n    retrain: { when: DataDrift, alias: champion, metric: ${t.metric}, heldOut: data/features/test.parquet }`
    }
`,
    'params.yaml': `# Parameters the stages read (ctx.params); \`cairn params diff\` and \`cairn exp run -S train.x=…\` use them.
${t.params}`,
    'config/data.yaml': `# Where the data comes from and what it must look like.
dataset: ${d}                  # the dataset name in the store (cairn data list)
raw: data/raw                  # daily folders dt=YYYY-MM-DD/ holding ${d}.csv
processed: ${processed}
id: ${t.id}
target: ${t.target}
validation:
  name: ${d}
  policy: fail                 # fail | warn | quarantine
  expectations:
${t.expectations.map((e) => `    - ${e}`).join('\n')}
`,
    'config/model.yaml': `# The registered model and how candidates are compared.
model:
  name: ${t.model}
  metric: ${t.metric}           # ${metricDir}
  greater_is_better: ${t.greaterIsBetter}
  alias: champion
`,
    'config/serving.yaml': `# cairn serve -c config/serving.yaml
port: 8080
pollIntervalSeconds: 10        # hot-reload when @champion moves
accessLog: errors
models:
  - uri: models:/${t.model}@champion
    name: ${t.model}
`,
    'config/monitoring.yaml': `# Alert rules of the ${t.model} monitor (cairn.yaml → monitors.${t.model}.alerts).
alerts:
  - name: DataDrift
    when: dataset_drift
    severity: warning
    notify: [log]
  - name: QualityFailures
    when: quality_failures > 0
    severity: warning
    notify: [log]
`,
    'package.json': `${JSON.stringify(
      {
        name,
        private: true,
        type: 'module',
        scripts: {
          pipeline: 'cairn run',
          test: 'node --import tsx --test tests/*.test.ts',
          serve: 'cairn serve -c config/serving.yaml',
          monitor: `cairn monitor run ${t.model}`,
        },
        dependencies: { cairn: options.cairnDependency },
        devDependencies: { tsx: options.tsxVersion },
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2023',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: true,
          noEmit: true,
          types: ['node'],
        },
        include: ['src', 'tests'],
      },
      null,
      2,
    )}\n`,
    '.gitignore': `# data and the local store stay out of git (cairn.lock and .cairn's cache track them)
data/raw/
data/processed/
data/features/
models/
.cairn/
node_modules/
`,
    'README.md': readme(t, name, example),
    'src/lib/project.ts': `import { Cairn } from 'cairn'
import { createDataService, type DataService } from 'cairn/data'

/** The project's stores: the SDK (tracking, registry) and the data service. */
export interface Project {
  cairn: Cairn
  data: DataService
  close(): Promise<void>
}

/**
 * Open the project's stores (cairn.yaml's \`store:\`, or .cairn/ by default). Stages run in a
 * sandbox that mirrors the project, so relative paths and the project itself are found from there.
 */
export async function openProject(): Promise<Project> {
  const cairn = await Cairn.open()
  const { metadata, artifacts } = cairn.context
  if (!metadata || !artifacts) {
    await cairn.close()
    throw new Error('These stages need the metadata store itself (sqlite:// or postgresql://), not a server URL')
  }
  const data = await createDataService({ metadata, artifacts })
  return {
    cairn,
    data,
    async close() {
      await data.close()
      await cairn.close()
    },
  }
}
`,
    'src/lib/io.ts': `import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { DataService, Frame } from 'cairn/data'

/** Read a Parquet or CSV file (or a folder of them) into a frame. */
export async function readFrame(data: DataService, path: string): Promise<Frame> {
  const table = await data.ingest(path)
  try {
    return await table.toFrame()
  } finally {
    await table.drop()
  }
}

/** Write a frame as one Parquet file. */
export async function writeFrame(data: DataService, frame: Frame, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const table = await data.fromFrame(frame)
  try {
    await data.engine.run("COPY " + table.relation + " TO '" + path.replace(/'/g, "''") + "' (FORMAT PARQUET)")
  } finally {
    await table.drop()
  }
}
`,
    'src/lib/settings.ts': `import { readFile } from 'node:fs/promises'
import { parseYaml } from 'cairn/core'

/** config/data.yaml */
export interface DataSettings {
  dataset: string
  raw: string
  processed: string
  id: string
  target: string
  validation: { name?: string; policy: 'fail' | 'warn' | 'quarantine'; expectations: unknown[] }
}

/** config/model.yaml's \`model\` section. */
export interface ModelSettings {
  name: string
  metric: string
  greater_is_better: boolean
  alias: string
}

/** Read a YAML settings file of the project. */
export async function readSettings<T>(path: string): Promise<T> {
  return parseYaml(await readFile(path, 'utf8')) as T
}
`,
    'src/lib/features.ts': t.featuresModule,
    'src/lib/model.ts': t.modelModule,
    'src/stages/ingest.ts': `import type { StageContext } from 'cairn/pipelines'
import { openProject } from '../lib/project.js'
import { type DataSettings, readSettings } from '../lib/settings.js'

/**
 * Read every daily raw file (data/raw/dt=YYYY-MM-DD/*.csv; the folder becomes a \`dt\` column),
 * store the rows as a new version of the dataset, and write them to data/processed/ for the
 * next stages.
 */
export async function ingest(ctx: StageContext): Promise<void> {
  const settings = await readSettings<DataSettings>(ctx.path('config/data.yaml'))
  const project = await openProject()
  try {
    const table = await project.data.ingest({ kind: 'file', path: ctx.path(settings.raw), format: 'csv' })
    try {
      const written = await project.data.write(settings.dataset, table, {
        description: 'ingested from ' + settings.raw,
      })
      await project.data.engine.run(
        "COPY " + table.relation + " TO '" + ctx.path(settings.processed).replace(/'/g, "''") + "' (FORMAT PARQUET)",
      )
      ctx.log('stored ' + table.rowCount + ' rows as ' + written.ref + (written.created ? '' : ' (unchanged)'))
    } finally {
      await table.drop()
    }
  } finally {
    await project.close()
  }
}
`,
    'src/stages/validate.ts': `import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { formatValidationReport } from 'cairn/data'
import type { StageContext } from 'cairn/pipelines'
import { openProject } from '../lib/project.js'
import { type DataSettings, readSettings } from '../lib/settings.js'

/** Check the processed rows against config/data.yaml's expectations; a failing check stops the pipeline. */
export async function validate(ctx: StageContext): Promise<void> {
  const settings = await readSettings<DataSettings>(ctx.path('config/data.yaml'))
  const project = await openProject()
  try {
    const table = await project.data.ingest(ctx.path(settings.processed))
    try {
      const { report } = await project.data.validate(table, settings.validation)
      const failed = report.results.filter((r) => r.status === 'failed').length
      const out = ctx.path('metrics/validate.json')
      await mkdir(dirname(out), { recursive: true })
      await writeFile(
        out,
        JSON.stringify({ rows: report.rowCount, expectations: report.results.length, failed }, null, 2) + '\\n',
      )
      ctx.log(formatValidationReport(report))
      if (!report.success) throw new Error(failed + ' expectation(s) failed; see the report above')
    } finally {
      await table.drop()
    }
  } finally {
    await project.close()
  }
}
`,
    'src/stages/features.ts': `import type { StageContext } from 'cairn/pipelines'
import { buildFeatures, splitTrainTest } from '../lib/features.js'
import { readFrame, writeFrame } from '../lib/io.js'
import { openProject } from '../lib/project.js'
import { type DataSettings, readSettings } from '../lib/settings.js'

/** Build the model features (src/lib/features.ts) and write the train and test splits. */
export async function features(ctx: StageContext): Promise<void> {
  const settings = await readSettings<DataSettings>(ctx.path('config/data.yaml'))
  const p = ctx.params.features as { test_size: number; seed: number }
  const project = await openProject()
  try {
    const frame = buildFeatures(await readFrame(project.data, ctx.path(settings.processed)))
    const { train, test } = splitTrainTest(frame, p)
    await writeFrame(project.data, train, ctx.path('data/features/train.parquet'))
    await writeFrame(project.data, test, ctx.path('data/features/test.parquet'))
    ctx.log('features: ' + frame.columns.map((c) => c.name).join(', ') + '; ' + train.rowCount + ' train / ' + test.rowCount + ' test rows')
  } finally {
    await project.close()
  }
}
`,
    'src/stages/train.ts': `import { mkdir, writeFile } from 'node:fs/promises'
import { toBundle, writeBundleDir } from 'cairn/ml'
import type { StageContext } from 'cairn/pipelines'
import { readFrame } from '../lib/io.js'
import { makeEstimator, TARGET, type TrainParams } from '../lib/model.js'
import { openProject } from '../lib/project.js'

/** Fit the model (src/lib/model.ts) on the train split and write its bundle to models/model. */
export async function train(ctx: StageContext): Promise<void> {
  const params = ctx.params.train as TrainParams
  const project = await openProject()
  try {
    const frame = await readFrame(project.data, ctx.path('data/features/train.parquet'))
    const started = performance.now()
    const model = await makeEstimator(params).fit(frame, { target: TARGET, seed: 7 })
    const seconds = (performance.now() - started) / 1000
    await writeBundleDir(ctx.path('models/model'), toBundle(model, { lineage: { trainRows: frame.rowCount } }))
    await mkdir(ctx.path('metrics'), { recursive: true })
    await writeFile(
      ctx.path('metrics/train.json'),
      JSON.stringify({ train_rows: frame.rowCount, fit_seconds: seconds }, null, 2) + '\\n',
    )
    ctx.log('fitted ' + model.family + ' on ' + frame.rowCount + ' rows in ' + seconds.toFixed(2) + ' s')
  } finally {
    await project.close()
  }
}
`,
    'src/stages/evaluate.ts': `import { mkdir, writeFile } from 'node:fs/promises'
import { readBundleDir, toBundle } from 'cairn/ml'
import type { StageContext } from 'cairn/pipelines'
import { readFrame } from '../lib/io.js'
import { score } from '../lib/model.js'
import { openProject } from '../lib/project.js'
import { type ModelSettings, readSettings } from '../lib/settings.js'

/**
 * Score the model on the test split. With evaluate.register, the model becomes a new version in
 * the registry, and takes the champion alias only when it beats the current champion's metric.
 */
export async function evaluate(ctx: StageContext): Promise<void> {
  const { model: settings } = await readSettings<{ model: ModelSettings }>(ctx.path('config/model.yaml'))
  const register = (ctx.params.evaluate as { register?: boolean } | undefined)?.register ?? false
  const project = await openProject()
  try {
    const test = await readFrame(project.data, ctx.path('data/features/test.parquet'))
    const { model } = await readBundleDir(ctx.path('models/model'))
    const metrics = score(model, test)
    const value = metrics[settings.metric] as number
    const out: Record<string, number | string | boolean> = { ...metrics, test_rows: test.rowCount }
    if (register) {
      const { cairn } = project
      let champion: number | undefined
      try {
        const v = await cairn.registry.getModelVersionByAlias(settings.name, settings.alias)
        champion = Number(v.tags?.[settings.metric])
      } catch {
        champion = undefined
      }
      const better =
        champion === undefined ||
        !Number.isFinite(champion) ||
        (settings.greater_is_better ? value > champion : value < champion)
      const runId =
        ctx.trackingRunId ?? (await cairn.tracking.startRun({ experiment: settings.name, runName: 'evaluate' })).id
      const version = await cairn.registry.logModel(settings.name, runId, toBundle(model, { metrics }), {
        aliases: better ? [settings.alias] : [],
        tags: { [settings.metric]: String(value) },
        description: settings.metric + ' ' + value.toFixed(4) + ' on ' + test.rowCount + ' test rows',
      })
      out.registered_version = version.version
      out.promoted = better
      ctx.log(
        'registered ' + settings.name + ' v' + version.version +
          (better ? ' as @' + settings.alias : ' (not better than the champion: ' + champion + ')'),
      )
    }
    await mkdir(ctx.path('metrics'), { recursive: true })
    await writeFile(ctx.path('metrics/evaluate.json'), JSON.stringify(out, null, 2) + '\\n')
  } finally {
    await project.close()
  }
}
`,
    'tests/features.test.ts': t.featuresTest,
  }
}

function readme(t: TemplateSpec, name: string, example: string): string {
  return `# ${name}

A Cairn project made with \`cairn init --template ${t.name}\`: ${t.summary}.

## Layout

| path | what it holds |
|---|---|
| \`cairn.yaml\` | the project: the pipeline's stages and the \`${t.model}\` monitor |
| \`params.yaml\` | parameters the stages read (\`features\`, \`train\`, \`evaluate\`) |
| \`config/data.yaml\` | the dataset, its raw folder and the expectations it must meet |
| \`config/model.yaml\` | the registered model, the metric and how candidates are compared |
| \`config/serving.yaml\` | what \`cairn serve\` serves |
| \`config/monitoring.yaml\` | the monitor's alert rules |
| \`data/raw/dt=YYYY-MM-DD/\` | raw daily files (git-ignored); the sample has ${t.dataset}.csv for 3 days |
| \`data/processed/\`, \`data/features/\` | what the stages produce (git-ignored, cached by content in \`.cairn/\`) |
| \`src/stages/\` | one typed TypeScript function per stage: ingest, validate, features, train, evaluate |
| \`src/lib/\` | \`features.ts\` (pure feature code), \`model.ts\` (estimator and metrics), store and file helpers |
| \`tests/\` | unit tests (\`npm test\`) |
| \`models/\`, \`metrics/\` | the model bundle and the metrics the stages write |
| \`.cairn/\` | the embedded store: SQLite metadata, artifacts, the stage cache (git-ignored) |

## Commands

\`\`\`sh
cairn run                       # run the pipeline; unchanged stages come from the cache
cairn run --track               # … and log every stage as a tracked run
cairn status                    # what is stale and why
cairn dag                       # the stage graph
cairn metrics show              # metrics/*.json
cairn params diff               # params against the last commit
cairn exp run -S train.${Object.keys(t.exampleRow)[0] === 'text' ? 'epochs=20' : t.name === 'ranking' ? 'factors=32' : 'max_depth=6'}       # try a parameter as a tracked experiment
npm test                        # the tests in tests/

cairn models list               # the registry (evaluate registers ${t.model})
cairn serve -c config/serving.yaml        # serve ${t.model}@champion on :8080
curl -s localhost:8080/v1/models/${t.model}/predict -H 'content-type: application/json' -d '${example}'

cairn monitor run ${t.model}       # drift, quality and performance of the served model
cairn monitor report ${t.model}    # an HTML report
cairn server                    # tracking UI and API on :5000
\`\`\`

New data: drop a folder \`data/raw/dt=YYYY-MM-DD/\` with \`${t.dataset}.csv\` and run \`cairn run\` again: only the
stages downstream of the change run, and evaluate promotes the new model only when its ${t.metric} is better.

## Depending on Cairn

\`package.json\` depends on \`cairn\` as a \`file:\` dependency on the Cairn checkout that made this project;
\`cairn init\` linked \`node_modules/cairn\` (and \`tsx\`, which runs the TypeScript stages) to that checkout,
so everything works offline right away. \`npm install\` sets up the same links again; point the dependency at a
published version of Cairn when there is one.
`
}
