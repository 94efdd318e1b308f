import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { deflateSync } from 'node:zlib'
import {
  categoryColumn,
  createDataService,
  type Frame,
  frameFromRows,
  makeFrame,
  numericColumn,
} from '../../src/data/index.js'
import {
  linearRegression,
  logisticRegression,
  type Model,
  oneHotEncoder,
  pipeline,
  simpleImputer,
  toBundle,
  writeBundleToStore,
} from '../../src/ml/index.js'
import { createNotifiers, Monitor, MonitorStore, parseAlertRules } from '../../src/monitoring/index.js'
import { loadPipelines, runPipeline } from '../../src/pipelines/index.js'
import { Cairn } from '../../src/sdk/index.js'
import { openArtifactStore, openMetadataStore } from '../../src/store/index.js'

/** What the seeded project holds, for tests to look for. */
export interface SeededProject {
  dir: string
  trackingUri: string
  artifactsUri: string
  experiments: { housing: string; sweep: string; empty: string }
  runs: {
    best: string
    second: string
    long: string
    deleted: string
    sweepParent: string
    sweepChildren: string[]
  }
  models: { housing: string; churn: string }
  datasets: string[]
  monitor: string
}

/** mulberry32: a small seeded generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const OCEAN = ['INLAND', 'NEAR BAY', 'NEAR OCEAN', '<1H OCEAN'] as const

function housingRows(n: number, seed: number, shift = 0) {
  const r = rng(seed)
  return Array.from({ length: n }, () => {
    const income = 0.5 + r() * 14.5
    const age = 1 + Math.floor(r() * 52)
    const rooms = r() < 0.08 ? null : 200 + r() * 4800
    const ocean = OCEAN[Math.floor(r() * OCEAN.length)] as string
    const premium = ocean === 'INLAND' ? 0 : ocean === '<1H OCEAN' ? 12_000 : 25_000
    const value = shift + 40_000 * income + 900 * age + 4 * (rooms ?? 2500) + premium + (r() - 0.5) * 30_000
    return {
      median_income: income,
      housing_median_age: age,
      total_rooms: rooms,
      ocean_proximity: ocean,
      median_house_value: value,
    }
  })
}

const HOUSING_TYPES = {
  median_income: 'number',
  housing_median_age: 'integer',
  total_rooms: 'number',
  ocean_proximity: 'category',
  median_house_value: 'number',
} as const

function housingModel(seed: number): Promise<Model> {
  return pipeline(
    [simpleImputer({ columns: ['total_rooms'] }), oneHotEncoder({ columns: ['ocean_proximity'] })],
    linearRegression(),
  ).fit(frameFromRows(housingRows(600, seed), HOUSING_TYPES), { target: 'median_house_value' })
}

function churnRows(n: number, seed: number) {
  const r = rng(seed)
  const plans = ['basic', 'pro', 'team'] as const
  return Array.from({ length: n }, () => {
    const tenure = r() * 72
    const charges = 20 + r() * 100
    const plan = plans[Math.floor(r() * 3)] as string
    const p = 1 / (1 + Math.exp(-(-0.08 * tenure + 0.04 * charges - (plan === 'team' ? 1.5 : 0.5))))
    return { tenure, charges, plan, churn: r() < p ? 'yes' : 'no' }
  })
}

function churnModel(): Promise<Model> {
  return pipeline([oneHotEncoder({ columns: ['plan'] })], logisticRegression()).fit(
    frameFromRows(churnRows(800, 11), {
      tenure: 'number',
      charges: 'number',
      plan: 'category',
      churn: 'category',
    }),
    { target: 'churn' },
  )
}

/** A small PNG (RGB) drawn by `pixel`: enough to check that image previews render. */
export function makePng(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number],
): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (b: Buffer) => {
    let c = 0xffffffff
    for (const x of b) c = (crcTable[(c ^ x) & 0xff] as number) ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const c = Buffer.alloc(4)
    c.writeUInt32BE(crc(body))
    return Buffer.concat([len, body, c])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y)
      const o = y * (width * 3 + 1) + 1 + x * 3
      raw[o] = r
      raw[o + 1] = g
      raw[o + 2] = b
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** A residual plot as a PNG: points of (predicted, residual) on a white canvas. */
function residualPng(seed: number): Buffer {
  const r = rng(seed)
  const w = 320
  const h = 200
  const dots = new Set<number>()
  for (let i = 0; i < 400; i++) {
    const x = Math.floor(10 + r() * (w - 20))
    const y = Math.floor(h / 2 + (r() + r() + r() - 1.5) * 50)
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) dots.add((y + dy) * w + x + dx)
  }
  return makePng(w, h, (x, y) =>
    dots.has(y * w + x) ? [37, 99, 235] : y === h / 2 ? [180, 180, 180] : [255, 255, 255],
  )
}

const CAIRN_YAML = `name: ui-demo
stages:
  prepare:
    cmd: node -e "require('fs').mkdirSync('data',{recursive:true});require('fs').writeFileSync('data/prepared.csv','x,y\\n1,2\\n2,4\\n3,6\\n')"
    params: [prepare]
    outs: [data/prepared.csv]
  featurize:
    cmd: node -e "const fs=require('fs');fs.writeFileSync('data/features.csv',fs.readFileSync('data/prepared.csv','utf8').toUpperCase());console.log('featurized 3 rows')"
    deps: [data/prepared.csv]
    outs: [data/features.csv]
  train:
    cmd: node -e "const fs=require('fs');fs.mkdirSync('models',{recursive:true});fs.writeFileSync('models/model.json',JSON.stringify({w:2}));console.log('epoch 1 loss 0.52');console.log('epoch 2 loss 0.31');console.log('trained')"
    deps: [data/features.csv]
    params: [train]
    outs: [models/model.json]
  evaluate:
    cmd: node -e "const fs=require('fs');fs.mkdirSync('metrics',{recursive:true});fs.writeFileSync('metrics/eval.json',JSON.stringify({rmse:0.41,r2:0.93}));console.log('rmse 0.41')"
    deps: [models/model.json, data/features.csv]
    metrics: [metrics/eval.json]
`

/** Log a metric history into a run without the SDK's buffering (many steps at once). */
async function logHistory(
  cairn: Cairn,
  runId: string,
  key: string,
  steps: number,
  f: (step: number) => number,
  t0: number,
): Promise<void> {
  for (let s = 0; s < steps; s += 1000) {
    const metrics = []
    for (let i = s; i < Math.min(steps, s + 1000); i++)
      metrics.push({ key, value: f(i), step: i, timestamp: t0 + i * 50 })
    await cairn.tracking.logBatch(runId, { metrics })
  }
}

/**
 * A realistic project for the UI: a housing experiment with metric histories, artifacts of every
 * preview kind and a registered model; a tuning sweep (parent + children); an empty experiment;
 * a deleted run; two registered models with aliases, stage history and promotion-gate events; a
 * dataset with two versions, a profile and a validation report that quarantined rows; a pipeline
 * defined in cairn.yaml run three times (the last from the cache); and a monitor with ten hourly
 * windows, drift from the sixth on and firing alerts.
 */
export async function seedProject(options: { dir?: string } = {}): Promise<SeededProject> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'cairn-ui-')))
  await mkdir(join(dir, '.cairn'), { recursive: true })
  await writeFile(join(dir, 'cairn.yaml'), CAIRN_YAML)
  await writeFile(join(dir, 'params.yaml'), 'prepare:\n  split: 0.2\ntrain:\n  lr: 0.1\n  epochs: 2\n')
  const trackingUri = `sqlite:///${join(dir, '.cairn', 'cairn.db')}`
  const artifactsUri = pathToFileURL(join(dir, '.cairn', 'artifacts')).href
  const cairn = await Cairn.open({ trackingUri, artifactsUri, cwd: dir, flushIntervalMs: 60_000 })
  const t0 = Date.UTC(2026, 10, 20, 9)
  const git = {
    'mlflow.source.git.commit': '3f2c9e1a7b4d5e6f8091a2b3c4d5e6f708192a3b',
    'mlflow.source.git.branch': 'main',
    'mlflow.source.name': 'train.ts',
    'mlflow.source.type': 'LOCAL',
  }
  try {
    // Experiment 1: housing, models compared, with long histories and artifacts.
    const housing = await cairn.tracking.getOrCreateExperiment('housing-price', { team: 'pricing' })
    const housingRuns: { id: string; rmse: number }[] = []
    const configs = [
      { model: 'linear', alpha: 0, lr: 0.1, depth: 0, rmse: 68_200 },
      { model: 'ridge', alpha: 1, lr: 0.1, depth: 0, rmse: 61_950 },
      { model: 'ridge', alpha: 10, lr: 0.05, depth: 0, rmse: 60_410 },
      { model: 'gbdt', alpha: 0, lr: 0.1, depth: 6, rmse: 47_880 },
      { model: 'gbdt', alpha: 0, lr: 0.05, depth: 8, rmse: 46_120 },
      { model: 'forest', alpha: 0, lr: 0, depth: 12, rmse: 49_300 },
    ]
    const r = rng(3)
    for (const [i, c] of configs.entries()) {
      const run = await cairn.tracking.startRun({
        experiment: housing.name,
        runName: `${c.model}-${i + 1}`,
        tags: { ...git, team: 'pricing', framework: 'cairn' },
        captureSystemTags: false,
      })
      await run.logParams({
        model: c.model,
        alpha: c.alpha,
        learning_rate: c.lr,
        max_depth: c.depth,
        features: 4,
      })
      const steps = i === 4 ? 20_000 : 1500
      await logHistory(
        cairn,
        run.id,
        'train_loss',
        steps,
        (s) => 2.5 * Math.exp(-s / (steps / 5)) + 0.2 + (r() - 0.5) * 0.08,
        t0 + i * 3_600_000,
      )
      await logHistory(
        cairn,
        run.id,
        'val_rmse',
        150,
        (s) => c.rmse * (1 + 2 * Math.exp(-s / 25)) + (r() - 0.5) * 900,
        t0 + i * 3_600_000,
      )
      await cairn.tracking.logBatch(run.id, {
        metrics: [
          { key: 'rmse', value: c.rmse, step: 0, timestamp: t0 + i * 3_600_000 + 90_000 },
          { key: 'mae', value: c.rmse * 0.71, step: 0, timestamp: t0 + i * 3_600_000 + 90_000 },
          { key: 'r2', value: 1 - (c.rmse / 115_000) ** 2, step: 0, timestamp: t0 + i * 3_600_000 + 90_000 },
        ],
      })
      await run.logText(
        'notes/summary.md',
        `# ${c.model}\n\nValidation RMSE ${c.rmse}.\nTrained on 16,512 rows.\n`,
      )
      await run.logJson('metrics.json', {
        rmse: c.rmse,
        mae: c.rmse * 0.71,
        folds: [c.rmse * 1.02, c.rmse * 0.98],
      })
      const preds = housingRows(40, 100 + i).map(
        (row, j) =>
          `${j},${row.median_house_value.toFixed(1)},${(row.median_house_value + (r() - 0.5) * c.rmse).toFixed(1)}`,
      )
      await run.logText('predictions/sample.csv', `row,actual,predicted\n${preds.join('\n')}\n`)
      await run.logBytes('plots/residuals.png', residualPng(i + 1))
      await run.logDataset(
        {
          name: 'housing',
          digest: 'a41f9c0e2b7d3f15',
          sourceType: 'cairn-dataset',
          source: 'data:housing@latest',
        },
        'training',
      )
      await run.flush()
      await run.end()
      housingRuns.push({ id: run.id, rmse: c.rmse })
    }
    const byRmse = [...housingRuns].sort((a, b) => a.rmse - b.rmse)

    // Registered models: housing v1..v3 (from the ridge run, then the two best runs), churn v1..v2.
    for (const [i, source] of [housingRuns[1]!, byRmse[1]!, byRmse[0]!].entries()) {
      const runId = source.id
      const store = await cairn.tracking.runArtifacts(runId)
      const bundle = toBundle(await housingModel(20 + i), {
        metrics: { rmse: source.rmse },
        lineage: { runId, dataset: 'housing@v2' },
      })
      for (const input of bundle.manifest.signature.inputs) {
        if (input.name === 'median_income')
          Object.assign(input, { min: 0, max: 15, description: 'Median income (tens of thousands)' })
        if (input.name === 'housing_median_age') Object.assign(input, { min: 1, max: 52 })
      }
      await writeBundleToStore(store, 'model', bundle)
      await cairn.registry.registerModel('housing', runId, { description: `housing price model ${i + 1}` })
    }
    await cairn.registry.transitionModelVersionStage('housing', 1, 'Production', {
      comment: 'first model in production',
    })
    await cairn.registry.setAlias('housing', 'champion', 1)
    await cairn.registry.transitionModelVersionStage('housing', 2, 'Staging')
    await cairn.registry.recordEvent({
      name: 'housing',
      version: 2,
      kind: 'gate_promote',
      from: '1',
      to: '2',
      comment: 'rmse 47880 vs 61950 (margin 500): promote',
      payload: {
        metric: 'rmse',
        champion: { version: 1, metrics: { rmse: 61_950 } },
        challenger: { version: 2, metrics: { rmse: 47_880 } },
      },
    })
    await cairn.registry.setAlias('housing', 'champion', 2, { comment: 'retraining gate: rmse improved' })
    await cairn.registry.transitionModelVersionStage('housing', 2, 'Production', {
      archiveExistingVersions: true,
    })
    await cairn.registry.recordEvent({
      name: 'housing',
      version: 3,
      kind: 'gate_reject',
      from: '2',
      to: '2',
      comment: 'held-out data failed quality checks: missing values in total_rooms',
      payload: { metric: 'rmse', reasons: ['quality: not_null(total_rooms) failed'] },
    })
    await cairn.registry.setAlias('housing', 'challenger', 3)

    const churnExp = await cairn.tracking.getOrCreateExperiment('churn')
    const churnRun = await cairn.tracking.startRun({
      experiment: churnExp.name,
      runName: 'logreg',
      tags: git,
      captureSystemTags: false,
    })
    await churnRun.logParams({ model: 'logistic', C: 1 })
    churnRun.logMetrics({ auc: 0.83, accuracy: 0.78 })
    await churnRun.end()
    await cairn.registry.logModel('churn', churnRun.id, toBundle(await churnModel()), {
      aliases: ['production'],
    })
    await cairn.registry.logModel('churn', churnRun.id, toBundle(await churnModel()), {
      artifactPath: 'model-v2',
    })

    // A sweep: parent with 24 children.
    const sweep = await cairn.tracking.getOrCreateExperiment('churn-sweep')
    const parent = await cairn.tracking.startRun({
      experiment: sweep.name,
      runName: 'tpe-sweep',
      tags: git,
      captureSystemTags: false,
    })
    await parent.logParams({ sampler: 'tpe', trials: 24 })
    const children: string[] = []
    const rs = rng(9)
    for (let k = 0; k < 24; k++) {
      const lr = 0.01 + rs() * 0.29
      const depth = 2 + Math.floor(rs() * 9)
      const l2 = Math.round(rs() * 100) / 10
      const auc = 0.9 - (lr - 0.12) ** 2 * 2 - Math.abs(depth - 6) * 0.012 - l2 * 0.002 + (rs() - 0.5) * 0.01
      const child = await cairn.tracking.startRun({
        experiment: sweep.name,
        runName: `trial-${k}`,
        parentRunId: parent.id,
        captureSystemTags: false,
      })
      await child.logParams({ learning_rate: lr.toFixed(4), max_depth: depth, l2: l2 })
      for (let s = 0; s < 30; s++)
        child.logMetric('val_auc', auc - 0.2 * Math.exp(-s / 6) + (rs() - 0.5) * 0.004, { step: s })
      child.logMetrics({ auc, logloss: 0.7 - auc * 0.5 })
      await child.end()
      children.push(child.id)
    }
    parent.logMetric('best_auc', 0.9)
    await parent.end()

    await cairn.tracking.getOrCreateExperiment('empty-experiment')
    const doomed = await cairn.tracking.startRun({
      experiment: housing.name,
      runName: 'mistake',
      captureSystemTags: false,
    })
    await doomed.end('FAILED')
    await cairn.tracking.deleteRun(doomed.id)

    // Data: two versions of housing, the second validated with quarantined rows.
    const metadata = cairn.context.metadata!
    const artifacts = cairn.context.artifacts!
    const data = await createDataService({
      metadata,
      artifacts,
      cacheDir: join(dir, '.cairn', 'data-cache'),
      base: dir,
    })
    try {
      await data.ingestDataset(
        'housing',
        { kind: 'rows', rows: housingRows(1500, 1), label: 'housing-2026-11-01' },
        { write: { description: 'California-like housing sample' } },
      )
      const rows2 = housingRows(2000, 2).map((row, i) => (i % 97 === 0 ? { ...row, median_income: -1 } : row))
      await data.ingestDataset(
        'housing',
        { kind: 'rows', rows: rows2, label: 'housing-2026-11-15' },
        {
          expectations: {
            policy: 'quarantine',
            expectations: [
              { kind: 'between', column: 'median_income', min: 0, max: 15 },
              { kind: 'between', column: 'housing_median_age', min: 1, max: 52, policy: 'warn' },
            ],
          },
        },
      )
    } finally {
      await data.close()
    }
  } finally {
    await cairn.close()
  }

  // Pipelines: three runs; the third restores train and evaluate from the cache.
  const metadata = await openMetadataStore(trackingUri)
  const artifacts = openArtifactStore(artifactsUri)
  try {
    const { loadProjectConfig } = await import('../../src/core/index.js')
    const config = await loadProjectConfig({ cwd: dir })
    // Each run loads the project again, as `cairn run` does, so it sees the params as they are.
    const run = async () => {
      const project = await loadPipelines({ root: config.root, file: config.file })
      const result = await runPipeline({
        project,
        stateDir: join(dir, '.cairn'),
        artifacts,
        metadata,
        trigger: 'run',
        projectName: 'ui-demo',
        jobs: 2,
      })
      if (!result.ok) throw result.error ?? new Error('the seed pipeline failed')
      return result
    }
    await run()
    // train.lr changes: train and evaluate run again.
    await writeFile(join(dir, 'params.yaml'), 'prepare:\n  split: 0.2\ntrain:\n  lr: 0.05\n  epochs: 2\n')
    await run()
    // back to the first params: train and evaluate come from the cache.
    await writeFile(join(dir, 'params.yaml'), 'prepare:\n  split: 0.2\ntrain:\n  lr: 0.1\n  epochs: 2\n')
    await run()

    // Monitoring: ten hourly windows of a churn model; drift from hour 6.
    const store = new MonitorStore(metadata)
    const monitor = new Monitor({
      name: 'churn',
      config: {
        model: 'churn',
        window: '1h',
        target: 'churned',
        prediction: 'predicted',
        task: 'classification',
      },
      reference: { frame: monitorFrame(3000, 1, false) },
      store,
      rules: parseAlertRules([
        { name: 'DatasetDrift', when: 'dataset_drift for 2 windows', notify: ['log'] },
        { name: 'LowAccuracy', when: 'metric accuracy < 0.65', notify: ['log'] },
      ]),
      notifiers: createNotifiers(),
    })
    const hour = 3_600_000
    const start = Date.UTC(2026, 10, 22, 0)
    for (let h = 0; h < 10; h++)
      await monitor.runBatch(
        { frame: monitorFrame(1200, 50 + h, h >= 6) },
        `hour ${h}`,
        start + (h + 1) * hour,
      )
  } finally {
    await artifacts.close()
    await metadata.close()
  }

  const cairn2 = await Cairn.open({ trackingUri, artifactsUri, cwd: dir })
  try {
    const exps = await cairn2.tracking.searchExperiments({})
    const id = (n: string) => exps.items.find((e) => e.name === n)?.experimentId ?? ''
    const sweepRuns = await cairn2.tracking.searchRuns({
      experimentIds: [id('churn-sweep')],
      maxResults: 100,
    })
    const parentRun = sweepRuns.items.find((x) => x.info.runName === 'tpe-sweep')!
    const housingRuns = await cairn2.tracking.searchRuns({
      experimentIds: [id('housing-price')],
      orderBy: ['metrics.rmse ASC'],
      viewType: 'ALL',
    })
    const active = housingRuns.items.filter((x) => x.info.lifecycleStage === 'active')
    const deleted = housingRuns.items.find((x) => x.info.lifecycleStage === 'deleted')!
    return {
      dir,
      trackingUri,
      artifactsUri,
      experiments: { housing: id('housing-price'), sweep: id('churn-sweep'), empty: id('empty-experiment') },
      runs: {
        best: active[0]!.info.runId,
        second: active[1]!.info.runId,
        long: active.find((x) => x.info.runName === 'gbdt-5')!.info.runId,
        deleted: deleted.info.runId,
        sweepParent: parentRun.info.runId,
        sweepChildren: sweepRuns.items.filter((x) => x !== parentRun).map((x) => x.info.runId),
      },
      models: { housing: 'housing', churn: 'churn' },
      datasets: ['housing', 'housing.quarantine'],
      monitor: 'churn',
    }
  } finally {
    await cairn2.close()
  }
}

/** Monitoring data: customers with a churn model's output and the truth; `shifted` moves features. */
function monitorFrame(n: number, seed: number, shifted: boolean): Frame {
  const r = rng(seed)
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r())
  const age = new Float64Array(n)
  const income = new Float64Array(n)
  const visits = new Float64Array(n)
  const tenure = new Float64Array(n)
  const plans: string[] = []
  const regions: string[] = []
  const predicted: string[] = []
  const truth: string[] = []
  for (let i = 0; i < n; i++) {
    age[i] = Math.round(40 + 12 * gauss() + (shifted ? 9 : 0))
    income[i] = Math.exp(10.8 + 0.4 * gauss() + (shifted ? 0.35 : 0))
    visits[i] = Math.max(0, Math.round(6 + 3 * gauss() - (shifted ? 2 : 0)))
    tenure[i] = Math.max(0, Math.round(30 + 18 * gauss()))
    const u = r()
    plans.push(
      shifted
        ? u < 0.55
          ? 'basic'
          : u < 0.8
            ? 'pro'
            : 'team'
        : u < 0.35
          ? 'basic'
          : u < 0.75
            ? 'pro'
            : 'team',
    )
    regions.push(['north', 'south', 'east', 'west'][Math.floor(r() * 4)] as string)
    const score = -0.12 * ((tenure[i] as number) - 30) - 0.45 * ((visits[i] as number) - 6)
    const p = 1 / (1 + Math.exp(-score))
    predicted.push(p >= 0.5 ? 'churn' : 'stay')
    truth.push(r() < (shifted ? 0.5 : p) ? 'churn' : 'stay')
  }
  return makeFrame([
    numericColumn('age', age, 'integer'),
    numericColumn('income', income),
    numericColumn('visits', visits, 'integer'),
    numericColumn('tenure', tenure, 'integer'),
    categoryColumn('plan', plans, ['basic', 'pro', 'team']),
    categoryColumn('region', regions, ['north', 'south', 'east', 'west']),
    categoryColumn('predicted', predicted, ['stay', 'churn']),
    categoryColumn('churned', truth, ['stay', 'churn']),
  ])
}
