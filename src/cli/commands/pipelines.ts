import type { Command } from 'commander'
import pc from 'picocolors'
import type { RunResult, StageOutcome } from '../../pipelines/index.js'
import { formatCell, printJson, printRows } from '../output.js'
import type { CommandRegistrar } from '../program.js'
import { registerPipelineExperiments } from './pipelines-exp.js'
import { openWorkspace, positiveInt, splitTargets } from './pipelines-shared.js'

interface RunFlags {
  force?: boolean
  dryRun?: boolean
  jobs?: number
  single?: boolean
  downstream?: boolean
  keepGoing?: boolean
  retries?: number
  verbose?: boolean
  json?: boolean
  track?: boolean
  experiment?: string
  progress: boolean
  redis?: string
  queue?: string
}

async function runCommand(args: string[], flags: RunFlags, cmd: Command): Promise<void> {
  const ws = await openWorkspace(cmd)
  try {
    const { createRunProgress, describeReason, runPipeline } = await import('../../pipelines/index.js')
    const { pipeline, targets } = splitTargets(ws, args)
    const progress =
      flags.progress && !flags.json && !flags.dryRun
        ? createRunProgress({ verbose: flags.verbose === true })
        : undefined
    const controller = new AbortController()
    const onSigint = () => controller.abort(new Error('interrupted'))
    process.once('SIGINT', onSigint)
    process.once('SIGTERM', onSigint)
    let result: RunResult
    const redisUrl = flags.redis ?? process.env.CAIRN_REDIS_URL
    let remote:
      | {
          executor: import('../../pipelines/index.js').StageExecutor
          hashCache: import('../../pipelines/index.js').HashCache
        }
      | undefined
    try {
      if (redisUrl && !flags.dryRun) {
        const { createRedisExecutor, HashCache } = await import('../../pipelines/index.js')
        const { join } = await import('node:path')
        const hashCache = await HashCache.open(join(ws.stateDir, 'pipelines', 'hash-cache.json'))
        const executor = await createRedisExecutor({
          url: redisUrl,
          artifacts: await ws.artifacts(),
          hashCache,
          ...(flags.queue ? { queue: flags.queue } : {}),
          ...(flags.jobs ? { slots: flags.jobs } : {}),
        })
        remote = { executor, hashCache }
      }
      const tracking = flags.track || flags.experiment ? await ws.tracking() : undefined
      result = await runPipeline({
        project: ws.project,
        stateDir: ws.stateDir,
        ...(pipeline ? { pipeline } : {}),
        targets,
        force: flags.force === true,
        dryRun: flags.dryRun === true,
        single: flags.single === true,
        downstream: flags.downstream === true,
        keepGoing: flags.keepGoing === true,
        ...(flags.jobs ? { jobs: flags.jobs } : {}),
        ...(flags.retries !== undefined ? { retries: flags.retries } : {}),
        artifacts: () => ws.artifacts(),
        metadata: async () => {
          const m = await ws.metadata()
          if (!m)
            throw new Error('the tracking URI is a server; stage runs are recorded only in a metadata store')
          return m
        },
        ...(tracking
          ? { tracking: { client: tracking, experiment: flags.experiment ?? ws.config.name } }
          : {}),
        resolvers: ws.resolvers(),
        projectName: ws.config.name,
        trigger: 'run',
        signal: controller.signal,
        ...(remote ? { executor: remote.executor, hashCache: remote.hashCache } : {}),
        ...(progress ? { onEvent: progress.onEvent } : {}),
      })
    } finally {
      await remote?.executor.close()
      progress?.stop()
      process.off('SIGINT', onSigint)
      process.off('SIGTERM', onSigint)
    }
    if (flags.json) printJson(resultJson(result))
    else printSummary(result, flags.dryRun === true, describeReason)
    if (!result.ok) {
      if (result.error) throw result.error
      process.exitCode = 1
    }
  } finally {
    await ws.close()
  }
}

function resultJson(r: RunResult): unknown {
  return {
    runId: r.runId,
    ok: r.ok,
    durationMs: r.durationMs,
    ...(r.trackingRunId ? { trackingRunId: r.trackingRunId } : {}),
    stages: r.stages.map(stageJson),
    ...(r.error ? { error: r.error.toJSON() } : {}),
  }
}

function stageJson(s: StageOutcome): unknown {
  return {
    id: s.id,
    pipeline: s.pipeline,
    stage: s.stage,
    status: s.status,
    reasons: s.reasons,
    ...(s.key ? { key: s.key } : {}),
    ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
    ...(s.attempts !== undefined ? { attempts: s.attempts } : {}),
    ...(s.stageRunId ? { stageRunId: s.stageRunId } : {}),
    ...(s.trackingRunId ? { trackingRunId: s.trackingRunId } : {}),
    ...(s.logFile ? { logFile: s.logFile } : {}),
    ...(s.error ? { error: s.error.toJSON() } : {}),
  }
}

function printSummary(
  r: RunResult,
  dryRun: boolean,
  describeReason: (r: StageOutcome['reasons'][number]) => string,
): void {
  const count = (status: string) => r.stages.filter((s) => s.status === status).length
  const ran = count('ran')
  const restored = count('restored')
  const fresh = count('up-to-date')
  if (dryRun) {
    const will = r.stages.filter((s) => s.status === 'would-run' || s.status === 'would-restore')
    if (will.length === 0) process.stdout.write('Everything is up to date; nothing would run.\n')
    else {
      printRows(will, [
        { header: 'Stage', value: (s) => s.id },
        { header: 'Would', value: (s) => (s.status === 'would-restore' ? 'restore from cache' : 'run') },
        { header: 'Because', value: (s) => s.reasons.map(describeReason).join('; ') },
      ])
    }
    return
  }
  // the first failure is reported as the command's error; list the others here
  for (const s of r.stages.filter((x) => x.status === 'failed' && x.error && x.error !== r.error)) {
    const log = (s.error?.details?.log as string | undefined) ?? s.logFile
    process.stderr.write(
      `${pc.red('✗')} ${s.id}: ${s.error?.message}\n${s.error?.hint ? `  hint: ${s.error.hint}\n` : ''}${log ? pc.dim(`  log: ${log}\n`) : ''}`,
    )
  }
  const parts = [
    ran ? `${ran} ran` : '',
    restored ? `${restored} restored from cache` : '',
    fresh ? `${fresh} up to date` : '',
    count('failed') ? pc.red(`${count('failed')} failed`) : '',
    count('blocked') + count('not-run') ? `${count('blocked') + count('not-run')} not run` : '',
    count('frozen') ? `${count('frozen')} frozen` : '',
  ].filter(Boolean)
  const head = r.ok ? (ran + restored === 0 ? 'Up to date' : pc.green('Done')) : pc.red('Failed')
  process.stdout.write(
    `${head}: ${parts.join(', ') || 'no stages'} in ${formatCell(r.durationMs / 1000)} s\n`,
  )
}

interface WorkerFlags {
  redis?: string
  queue?: string
  concurrency?: number
  workDir?: string
}

async function workerCommand(flags: WorkerFlags, cmd: Command): Promise<void> {
  const url = flags.redis ?? process.env.CAIRN_REDIS_URL
  if (!url) {
    const { CairnError } = await import('../../core/index.js')
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'cairn worker needs a Redis URL', {
      hint: 'Pass --redis redis://host:6379 or set CAIRN_REDIS_URL',
    })
  }
  const g = cmd.optsWithGlobals<{ artifactsUri?: string }>()
  const { loadProjectConfig } = await import('../../core/index.js')
  const { openArtifactStore } = await import('../../store/index.js')
  const { startStageWorker } = await import('../../pipelines/index.js')
  const { mkdtemp } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const config = await loadProjectConfig(g.artifactsUri ? { artifactsUri: g.artifactsUri } : {})
  const artifacts = openArtifactStore(config.artifactsUri, { base: config.root })
  const workDir = flags.workDir ?? (await mkdtemp(join(tmpdir(), 'cairn-worker-')))
  const worker = await startStageWorker({
    url,
    artifacts,
    workDir,
    ...(flags.queue ? { queue: flags.queue } : {}),
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
    onJob: (e) =>
      process.stderr.write(
        `${e.state === 'started' ? pc.yellow('…') : e.ok ? pc.green('✓') : pc.red('✗')} ${e.stage} ${pc.dim(e.id)}\n`,
      ),
  })
  process.stderr.write(
    `worker ${worker.id} taking stages from ${flags.queue ?? 'cairn-stages'} on ${url.replace(/\/\/[^@]*@/, '//')}; artifacts ${artifacts.uri}\n`,
  )
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  process.stderr.write('stopping: running stages are cancelled (a second signal exits at once)\n')
  const force = () => process.exit(130)
  process.once('SIGINT', force)
  process.once('SIGTERM', force)
  const timer = setTimeout(force, 15_000)
  timer.unref()
  await worker.close()
  await artifacts.close()
}

async function statusCommand(args: string[], flags: { json?: boolean }, cmd: Command): Promise<void> {
  const ws = await openWorkspace(cmd)
  try {
    const { runPipeline, describeReason } = await import('../../pipelines/index.js')
    const { pipeline, targets } = splitTargets(ws, args)
    const result = await runPipeline({
      project: ws.project,
      stateDir: ws.stateDir,
      ...(pipeline ? { pipeline } : {}),
      targets,
      dryRun: true,
      artifacts: () => ws.artifacts(),
      resolvers: ws.resolvers(),
    })
    const rows = result.stages.map((s) => ({
      stage: s.id,
      state:
        s.status === 'up-to-date'
          ? 'up to date'
          : s.status === 'would-restore'
            ? 'stale (in cache)'
            : s.status === 'would-run'
              ? 'stale'
              : s.status,
      reasons: s.reasons.map(describeReason),
      status: s.status,
    }))
    if (flags.json) {
      printJson(
        result.stages.map((s) => ({
          id: s.id,
          pipeline: s.pipeline,
          stage: s.stage,
          status: s.status,
          reasons: s.reasons,
          reasonText: s.reasons.map(describeReason),
        })),
      )
      return
    }
    if (rows.length > 0 && rows.every((r) => r.status === 'up-to-date' || r.status === 'frozen')) {
      process.stdout.write('Everything is up to date.\n')
      return
    }
    for (const r of rows) {
      const mark =
        r.status === 'up-to-date' ? pc.green('✓') : r.status === 'frozen' ? pc.blue('*') : pc.yellow('✗')
      process.stdout.write(
        `${mark} ${pc.bold(r.stage)}  ${r.state === 'up to date' ? pc.dim(r.state) : pc.yellow(r.state)}\n`,
      )
      for (const reason of r.reasons) process.stdout.write(`    ${reason}\n`)
    }
    if (result.error) throw result.error
  } finally {
    await ws.close()
  }
}

async function dagCommand(
  args: string[],
  flags: { mermaid?: boolean; dot?: boolean; json?: boolean },
  cmd: Command,
): Promise<void> {
  const ws = await openWorkspace(cmd)
  try {
    const { buildGraph, pipelineGraph, drawDag, mermaidDag, dotDag } = await import(
      '../../pipelines/index.js'
    )
    const name = args[0]
    const pipelines = name ? [ws.project.pipelines.get(name)] : [...ws.project.pipelines.values()]
    if (name && !pipelines[0]) {
      const { CairnError } = await import('../../core/index.js')
      throw new CairnError('CAIRN_PIPELINE_NOT_FOUND', `No pipeline named '${name}'`, {
        hint: `Pipelines: ${[...ws.project.pipelines.keys()].join(', ')}`,
      })
    }
    const graphs = pipelines.flatMap((p) => (p ? [pipelineGraph(p)] : []))
    if (flags.json) {
      const g = buildGraph(
        graphs.flatMap((x) => [...x.stages.values()]),
        'The project',
      )
      printJson({
        stages: g.order.map((id) => ({
          id,
          upstream: g.upstream.get(id) ?? [],
          downstream: g.downstream.get(id) ?? [],
        })),
      })
      return
    }
    for (const g of graphs) {
      if (graphs.length > 1) process.stdout.write(`${pc.bold(g.label)}\n`)
      process.stdout.write(flags.mermaid ? mermaidDag(g) : flags.dot ? dotDag(g) : drawDag(g))
      if (graphs.length > 1) process.stdout.write('\n')
    }
  } finally {
    await ws.close()
  }
}

async function checkoutCommand(args: string[], flags: { json?: boolean }, cmd: Command): Promise<void> {
  const ws = await openWorkspace(cmd)
  try {
    const { checkoutOutputs } = await import('../../pipelines/index.js')
    const { pipeline, targets } = splitTargets(ws, args)
    const entries = await checkoutOutputs({
      project: ws.project,
      artifacts: await ws.artifacts(),
      stateDir: ws.stateDir,
      ...(pipeline ? { pipeline } : {}),
      targets,
    })
    printRows(
      entries.filter((e) => flags.json || e.status !== 'unchanged'),
      [
        { header: 'Stage', value: (e) => e.stage },
        { header: 'Output', value: (e) => e.path },
        { header: 'Status', value: (e) => e.status },
      ],
      { json: flags.json === true, empty: 'Every output already matches cairn.lock.' },
    )
    if (entries.some((e) => e.status === 'not-in-cache')) process.exitCode = 1
  } finally {
    await ws.close()
  }
}

/** `cairn run`, `status`, `dag`, `checkout`, `params`, `metrics`, `plots`, `exp`. */
export const registerPipelines: CommandRegistrar = (program) => {
  registerRunCommands(program)
  registerPipelineExperiments(program)
}

function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description('Run pipeline stages whose code, deps or params changed (others come from cache or stay)')
    .argument('[pipeline-and-stages...]', 'a pipeline name, then stages (default: every stage)')
    .option('-f, --force', 'run the selected stages even when up to date, without the cache')
    .option('--dry-run', 'show what would run and why, change nothing')
    .option('-j, --jobs <n>', 'stages to run at once (default: the core count)', positiveInt)
    .option('-s, --single', 'only the named stages, not what they depend on')
    .option('--downstream', 'the named stages and every stage after them')
    .option('-k, --keep-going', 'keep running independent stages after one fails')
    .option('--retries <n>', 'retries for stages that set none', (v) => positiveInt(v))
    .option('--verbose', "show the stages' output")
    .option('--track', 'log the run to experiment tracking (a parent run, one nested run per stage)')
    .option('--experiment <name>', 'tracking experiment (implies --track; default: the project name)')
    .option('--redis <url>', 'run stages on `cairn worker`s through Redis (or set CAIRN_REDIS_URL)')
    .option('--queue <name>', 'the worker queue (default cairn-stages)')
    .option('--json', 'print the result as JSON')
    .option('--no-progress', 'no live progress')
    .action((args: string[], flags: RunFlags, cmd: Command) => runCommand(args, flags, cmd))

  program
    .command('worker')
    .description('Run pipeline stages for `cairn run --redis` on other machines (BullMQ on Redis)')
    .option('--redis <url>', 'the Redis the runners use (or set CAIRN_REDIS_URL)')
    .option('--queue <name>', 'the queue to take stages from (default cairn-stages)')
    .option('-c, --concurrency <n>', 'stages at once (default 1)', positiveInt)
    .option('--work-dir <dir>', 'where job workspaces go (default: a temp folder)')
    .action((flags: WorkerFlags, cmd: Command) => workerCommand(flags, cmd))

  program
    .command('status')
    .description('Show which stages are stale and why (changed deps, params, code, missing outputs)')
    .argument('[pipeline-and-stages...]', 'a pipeline name, then stages')
    .option('--json', 'print as JSON')
    .action((args: string[], flags: { json?: boolean }, cmd: Command) => statusCommand(args, flags, cmd))

  program
    .command('dag')
    .description('Draw the pipeline graph')
    .argument('[pipeline]', 'one pipeline (default: all)')
    .option('--mermaid', 'as a Mermaid flowchart')
    .option('--dot', 'as Graphviz dot')
    .option('--json', 'stages and edges as JSON')
    .action(
      (args: string | undefined, flags: { mermaid?: boolean; dot?: boolean; json?: boolean }, cmd: Command) =>
        dagCommand(args ? [args] : [], flags, cmd),
    )

  program
    .command('checkout')
    .description('Restore outputs to what cairn.lock records, from the cache (no stage runs)')
    .argument('[pipeline-and-stages...]', 'a pipeline name, then stages')
    .option('--json', 'print as JSON')
    .action((args: string[], flags: { json?: boolean }, cmd: Command) => checkoutCommand(args, flags, cmd))
}
