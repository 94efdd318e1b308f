import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import pc from 'picocolors'
import { formatCell, formatTime, printJson, printRows } from '../output.js'
import type { CommandRegistrar } from '../program.js'
import { openWorkspace, positiveInt } from './pipelines-shared.js'

const collect = (v: string, prev: string[] = []) => [...prev, v]

interface ExpRunFlags {
  set?: string[]
  name?: string
  queue?: boolean
  runAll?: boolean
  jobs?: number
  pipeline?: string
  experiment?: string
  keep?: boolean
  json?: boolean
}

async function expRun(targets: string[], flags: ExpRunFlags, cmd: Command): Promise<void> {
  const ws = await openWorkspace(cmd)
  try {
    const p = await import('../../pipelines/index.js')
    const onExperiment = flags.json
      ? undefined
      : (r: { name: string; status: string; error: string | null }) => {
          const mark =
            r.status === 'running' ? pc.yellow('…') : r.status === 'succeeded' ? pc.green('✓') : pc.red('✗')
          process.stderr.write(
            `${mark} ${r.name} ${r.status}${r.error ? `: ${r.error.split('\n')[0]}` : ''}\n`,
          )
        }
    const common = {
      workspace: ws,
      ...(flags.pipeline ? { pipeline: flags.pipeline } : {}),
      ...(targets.length > 0 ? { targets } : {}),
      ...(flags.jobs ? { jobs: flags.jobs } : {}),
      ...(flags.experiment ? { trackingExperiment: flags.experiment } : {}),
      ...(flags.keep ? { keepWorkspace: true } : {}),
      ...(onExperiment ? { onExperiment } : {}),
    }
    const records = flags.runAll
      ? await p.runQueuedExperiments(common)
      : await p.runExperiments({
          ...common,
          overrides: (flags.set ?? []).map(p.parseOverride),
          ...(flags.name ? { name: flags.name } : {}),
          ...(flags.queue ? { queue: true } : {}),
        })
    if (flags.json) printJson(records)
    else if (flags.queue)
      process.stdout.write(
        `Queued ${records.length} experiment(s): ${records.map((r) => r.name).join(', ')}\nRun them: cairn exp run --run-all\n`,
      )
    else if (records.length === 0) process.stdout.write('No queued experiments.\n')
    else await printTable(ws, p, false)
    if (records.some((r) => r.status === 'failed')) process.exitCode = 1
  } finally {
    await ws.close()
  }
}

async function printTable(
  ws: Awaited<ReturnType<typeof openWorkspace>>,
  p: typeof import('../../pipelines/index.js'),
  allParams: boolean,
  json = false,
  sortBy?: string,
): Promise<void> {
  const { rows, paramColumns, metricColumns } = await p.compareExperiments(ws, { allParams })
  if (sortBy) {
    const [key, dir] = sortBy.split(':')
    const sign = dir === 'desc' ? -1 : 1
    const val = (r: (typeof rows)[number]) =>
      r.metrics[key as string] ?? (r.params[key as string] as number | undefined)
    rows.sort((a, b) =>
      a.isWorkspace ? -1 : b.isWorkspace ? 1 : sign * ((Number(val(a)) || 0) - (Number(val(b)) || 0)),
    )
  }
  if (json) {
    printJson(rows)
    return
  }
  printRows(rows, [
    { header: 'Experiment', value: (r) => (r.isWorkspace ? pc.bold('workspace') : r.name) },
    { header: 'Created', value: (r) => (r.created ? formatTime(r.created) : '') },
    { header: 'State', value: (r) => r.status },
    ...metricColumns.map((m) => ({
      header: m,
      value: (r: (typeof rows)[number]) => r.metrics[m],
      align: 'right' as const,
    })),
    ...paramColumns.map((k) => ({
      header: k,
      value: (r: (typeof rows)[number]) => r.params[k],
      align: 'right' as const,
    })),
  ])
}

async function expShow(
  flags: { allParams?: boolean; json?: boolean; sortBy?: string },
  cmd: Command,
): Promise<void> {
  const ws = await openWorkspace(cmd)
  try {
    const p = await import('../../pipelines/index.js')
    await printTable(ws, p, flags.allParams === true, flags.json === true, flags.sortBy)
  } finally {
    await ws.close()
  }
}

async function paramsDiff(
  a: string | undefined,
  b: string | undefined,
  flags: { all?: boolean; json?: boolean },
  cmd: Command,
) {
  const ws = await openWorkspace(cmd)
  try {
    const p = await import('../../pipelines/index.js')
    const [x, y] = await Promise.all([p.readSnapshot(ws, a ?? 'HEAD'), p.readSnapshot(ws, b ?? 'workspace')])
    const diffs = p.diffParams(x, y, flags.all === true)
    printRows(
      diffs,
      [
        { header: 'Path', value: (d) => d.file },
        { header: 'Param', value: (d) => d.key },
        { header: x.ref, value: (d) => d.old },
        { header: y.ref, value: (d) => d.new },
      ],
      { json: flags.json === true, empty: `No param changed between ${x.ref} and ${y.ref}.` },
    )
  } finally {
    await ws.close()
  }
}

async function metricsShow(refs: string[], flags: { json?: boolean }, cmd: Command) {
  const ws = await openWorkspace(cmd)
  try {
    const p = await import('../../pipelines/index.js')
    const snaps = await Promise.all(
      (refs.length > 0 ? refs : ['workspace']).map((r) => p.readSnapshot(ws, r)),
    )
    const keys = [
      ...new Set(
        snaps.flatMap((s) =>
          Object.entries(s.metrics).flatMap(([f, m]) => Object.keys(m).map((k) => `${f}\0${k}`)),
        ),
      ),
    ].sort()
    const rows = keys.map((fk) => {
      const [file, key] = fk.split('\0') as [string, string]
      return { file, key, values: snaps.map((s) => s.metrics[file]?.[key]) }
    })
    if (flags.json) {
      printJson(Object.fromEntries(snaps.map((s) => [s.ref, s.metrics])))
      return
    }
    printRows(
      rows,
      [
        { header: 'Path', value: (r) => r.file },
        { header: 'Metric', value: (r) => r.key },
        ...snaps.map((s, i) => ({
          header: s.ref,
          value: (r: (typeof rows)[number]) => r.values[i],
          align: 'right' as const,
        })),
      ],
      { empty: 'No metrics: declare metrics files under a stage’s metrics: in cairn.yaml.' },
    )
  } finally {
    await ws.close()
  }
}

async function metricsDiff(
  a: string | undefined,
  b: string | undefined,
  flags: { all?: boolean; json?: boolean },
  cmd: Command,
) {
  const ws = await openWorkspace(cmd)
  try {
    const p = await import('../../pipelines/index.js')
    const [x, y] = await Promise.all([p.readSnapshot(ws, a ?? 'HEAD'), p.readSnapshot(ws, b ?? 'workspace')])
    const diffs = p.diffMetrics(x, y, flags.all === true)
    printRows(
      diffs,
      [
        { header: 'Path', value: (d) => d.file },
        { header: 'Metric', value: (d) => d.key },
        { header: x.ref, value: (d) => d.old, align: 'right' },
        { header: y.ref, value: (d) => d.new, align: 'right' },
        {
          header: 'Change',
          value: (d) =>
            d.change === undefined ? undefined : `${d.change > 0 ? '+' : ''}${formatCell(d.change)}`,
          align: 'right',
        },
        {
          header: '%',
          value: (d) =>
            d.percent === undefined ? undefined : `${d.percent > 0 ? '+' : ''}${d.percent.toFixed(2)}%`,
          align: 'right',
        },
      ],
      { json: flags.json === true, empty: `No metric changed between ${x.ref} and ${y.ref}.` },
    )
  } finally {
    await ws.close()
  }
}

async function plots(
  refs: string[],
  flags: { out: string; experiments: boolean; json?: boolean },
  cmd: Command,
) {
  const ws = await openWorkspace(cmd)
  try {
    const p = await import('../../pipelines/index.js')
    const page = await p.renderPlotsPage(ws, { refs, experiments: flags.experiments })
    const out = resolve(flags.out)
    await writeFile(out, page.html)
    if (flags.json) printJson({ file: out, charts: page.charts, missing: page.missing })
    else {
      process.stdout.write(`Wrote ${page.charts} chart(s) to ${out}\n`)
      if (page.missing.length > 0) process.stderr.write(pc.dim(`not found: ${page.missing.join(', ')}\n`))
    }
  } finally {
    await ws.close()
  }
}

/** `cairn exp`, `cairn params`, `cairn metrics`, `cairn plots`. */
export const registerPipelineExperiments: CommandRegistrar = (program) => {
  const exp = program
    .command('exp')
    .description('Run and compare experiments: the pipeline with changed params, tracked')
  exp
    .command('run')
    .description('Run the pipeline with params overridden (-S), in a private copy of the workspace')
    .argument('[stages...]', 'stages to run (default: all)')
    .option(
      '-S, --set <key=value>',
      'override a param: train.lr=0.1, file.yaml:key=v, sweeps: lr=0.1,0.01 or depth=range(2,10,2)',
      collect,
    )
    .option('-n, --name <name>', 'experiment name (a sweep adds -1, -2…)')
    .option('--queue', 'queue the experiments instead of running them')
    .option('--run-all', 'run every queued experiment')
    .option('-j, --jobs <n>', 'stages and experiments at once (default: the core count)', positiveInt)
    .option('-p, --pipeline <name>', 'run one pipeline')
    .option('--experiment <name>', 'tracking experiment to log under (default: the project name)')
    .option('--keep', "keep each experiment's workspace folder under .cairn/exps")
    .option('--json', 'print the experiments as JSON')
    .action((targets: string[], flags: ExpRunFlags, cmd: Command) => expRun(targets, flags, cmd))
  exp
    .command('show')
    .description('Compare experiments: metrics and the params that differ')
    .option('-a, --all-params', 'show every param, not only those that differ')
    .option('--sort-by <metric[:desc]>', 'order by a metric or param')
    .option('--json', 'print as JSON')
    .action((flags: { allParams?: boolean; json?: boolean; sortBy?: string }, cmd: Command) =>
      expShow(flags, cmd),
    )
  exp
    .command('apply')
    .description("Bring an experiment's params, lock and outputs into the workspace (from the cache)")
    .argument('<experiment>')
    .action(async (name: string, _flags: unknown, cmd: Command) => {
      const ws = await openWorkspace(cmd)
      try {
        const { applyExperiment } = await import('../../pipelines/index.js')
        const { experiment, outputs } = await applyExperiment(ws, name)
        const restored = outputs.filter((o) => o.status === 'restored').length
        process.stdout.write(
          `Applied ${experiment.name}: params updated, ${restored} output(s) restored from the cache\n`,
        )
      } finally {
        await ws.close()
      }
    })
  exp
    .command('remove')
    .description('Delete experiments (their cached outputs stay)')
    .argument('<experiments...>')
    .action(async (names: string[], _flags: unknown, cmd: Command) => {
      const ws = await openWorkspace(cmd)
      try {
        const { ExperimentRecords } = await import('../../pipelines/index.js')
        const m = await ws.metadata()
        if (!m) throw new Error('experiments live in a metadata store')
        for (const n of names) await new ExperimentRecords(m).remove(n)
        process.stdout.write(`Removed ${names.length} experiment(s)\n`)
      } finally {
        await ws.close()
      }
    })

  const params = program.command('params').description('Pipeline params')
  params
    .command('diff')
    .description('Params that changed between two revisions (default: HEAD and the workspace)')
    .argument('[a]', 'workspace, an experiment or a git revision (default HEAD)')
    .argument('[b]', 'the same (default workspace)')
    .option('--all', 'show unchanged params too')
    .option('--json', 'print as JSON')
    .action(
      (
        a: string | undefined,
        b: string | undefined,
        flags: { all?: boolean; json?: boolean },
        cmd: Command,
      ) => paramsDiff(a, b, flags, cmd),
    )

  const metrics = program.command('metrics').description('Pipeline metrics (the stages’ metrics files)')
  metrics
    .command('show')
    .description('Show metrics (of the workspace, or of experiments / git revisions side by side)')
    .argument('[refs...]', 'workspace, experiments or git revisions')
    .option('--json', 'print as JSON')
    .action((refs: string[], flags: { json?: boolean }, cmd: Command) => metricsShow(refs, flags, cmd))
  metrics
    .command('diff')
    .description(
      'Metrics that changed between two revisions, with the change (default: HEAD and the workspace)',
    )
    .argument('[a]', 'workspace, an experiment or a git revision (default HEAD)')
    .argument('[b]', 'the same (default workspace)')
    .option('--all', 'show unchanged metrics too')
    .option('--json', 'print as JSON')
    .action(
      (
        a: string | undefined,
        b: string | undefined,
        flags: { all?: boolean; json?: boolean },
        cmd: Command,
      ) => metricsDiff(a, b, flags, cmd),
    )

  program
    .command('plots')
    .description("Write an HTML page with the stages' plots and the metrics across experiments")
    .argument('[refs...]', 'overlay these: workspace, experiments, git revisions (default workspace)')
    .option('-o, --out <file>', 'the HTML file to write', 'plots.html')
    .option('--no-experiments', 'leave out the comparison of experiments')
    .option('--json', 'print what was written as JSON')
    .action((refs: string[], flags: { out: string; experiments: boolean; json?: boolean }, cmd: Command) =>
      plots(refs, flags, cmd),
    )
}
