import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CairnError, newId, shortId, toCairnError } from '../../core/index.js'
import type { ProjectPipelines } from '../definition/load-pipelines.js'
import { loadPipelines } from '../definition/load-pipelines.js'
import type { StageExecutor } from '../executor/executor.js'
import { LocalExecutor } from '../executor/local/local-executor.js'
import { HashCache } from '../hashing/hash-cache.js'
import { LOCK_FILE } from '../lock/lock-file.js'
import { readStageMetrics } from '../metrics/read-metrics.js'
import { allParams } from '../params/params-files.js'
import type { RunEvent } from '../run/events.js'
import { type RunResult, runPipeline } from '../run/run-pipeline.js'
import type { PipelineWorkspace } from '../workspace.js'
import { type ExperimentRecord, ExperimentRecords } from './exp-records.js'
import { createExperimentWorkspace } from './exp-workspace.js'
import { checkOverrides, expandOverrides, type OverrideSet, type ParamOverride } from './overrides.js'

export interface RunExperimentsOptions {
  workspace: PipelineWorkspace
  /** The `-S` overrides; several values make a grid of experiments. */
  overrides: ParamOverride[]
  /** Name (or name prefix for a sweep); default `exp-<random>`. */
  name?: string
  pipeline?: string
  targets?: string[]
  /** Stages (and experiments) at once (default: the core count). */
  jobs?: number
  /** Only queue them (run later with runQueuedExperiments). */
  queue?: boolean
  /** Tracking experiment to log under (default: the project name). */
  trackingExperiment?: string
  /** Keep each experiment's workspace folder (for debugging). */
  keepWorkspace?: boolean
  onEvent?: (experiment: string, event: RunEvent) => void
  /** Called when an experiment starts and ends. */
  onExperiment?: (record: ExperimentRecord, result?: RunResult) => void
  signal?: AbortSignal
}

/**
 * Run the pipeline with overridden params as tracked experiments, each in its own copy of the
 * workspace (the user's files are never touched). A sweep runs its experiments in parallel,
 * sharing one executor, the cache and the stage-key locks, so stages common to several
 * experiments run once.
 */
export async function runExperiments(options: RunExperimentsOptions): Promise<ExperimentRecord[]> {
  const ws = options.workspace
  checkOverrides(options.overrides, ws.project.params)
  const sets = expandOverrides(options.overrides)
  const metadata = await requireMetadata(ws)
  const records = new ExperimentRecords(metadata)
  const sweepId = sets.length > 1 ? newId() : null
  const baseline = await gitHead(ws.config.root)
  const created: { record: ExperimentRecord; set: OverrideSet }[] = []
  for (const [i, set] of sets.entries()) {
    const name = options.name
      ? sets.length > 1
        ? `${options.name}-${i + 1}`
        : options.name
      : `exp-${shortId(3)}`
    const expId = newId()
    await records.create({
      expId,
      name,
      project: ws.config.name,
      pipeline: options.pipeline ?? null,
      sweepId,
      status: options.queue ? 'queued' : 'running',
      overrides: set,
      baseline,
    })
    created.push({ record: await records.get(expId), set })
  }
  if (options.queue) return created.map((c) => c.record)
  return runMany(options, records, created)
}

/** Run the experiments queued with `queue: true` (claimed one by one, so several runners can share a queue). */
export async function runQueuedExperiments(
  options: Omit<RunExperimentsOptions, 'overrides' | 'name' | 'queue'>,
): Promise<ExperimentRecord[]> {
  const records = new ExperimentRecords(await requireMetadata(options.workspace))
  const queued = await records.list({ status: 'queued', project: options.workspace.config.name })
  const claimed: { record: ExperimentRecord; set: OverrideSet }[] = []
  for (const r of queued) if (await records.claim(r.expId)) claimed.push({ record: r, set: r.overrides })
  return runMany({ ...options, overrides: [] }, records, claimed)
}

async function runMany(
  options: RunExperimentsOptions,
  records: ExperimentRecords,
  todo: { record: ExperimentRecord; set: OverrideSet }[],
): Promise<ExperimentRecord[]> {
  const ws = options.workspace
  const hashCache = await HashCache.open(join(ws.stateDir, 'pipelines', 'hash-cache.json'))
  const executor = new LocalExecutor({
    stateDir: ws.stateDir,
    hashCache,
    ...(options.jobs ? { slots: options.jobs } : {}),
  })
  const out: ExperimentRecord[] = new Array(todo.length)
  let next = 0
  const worker = async () => {
    for (;;) {
      const i = next++
      const item = todo[i]
      if (!item) return
      out[i] = await runOne(options, records, executor, hashCache, item.record, item.set)
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(executor.slots, todo.length) }, worker))
  } finally {
    await executor.close()
    await hashCache.save().catch(() => {})
  }
  return out
}

async function runOne(
  options: RunExperimentsOptions,
  records: ExperimentRecords,
  executor: StageExecutor,
  hashCache: HashCache,
  record: ExperimentRecord,
  set: OverrideSet,
): Promise<ExperimentRecord> {
  const ws = options.workspace
  options.onExperiment?.({ ...record, status: 'running' })
  const expWs = await createExperimentWorkspace(ws.project, join(ws.stateDir, 'exps', record.expId), set)
  let result: RunResult | undefined
  let project: ProjectPipelines | undefined
  try {
    project = await loadPipelines({ root: expWs.root, file: ws.config.file })
    const tracking = await ws.tracking()
    result = await runPipeline({
      project,
      stateDir: ws.stateDir,
      ...(options.pipeline ? { pipeline: options.pipeline } : {}),
      ...(options.targets ? { targets: options.targets } : {}),
      executor,
      hashCache,
      artifacts: () => ws.artifacts(),
      metadata: async () => (await ws.metadata()) as NonNullable<Awaited<ReturnType<typeof ws.metadata>>>,
      ...(tracking
        ? {
            tracking: {
              client: tracking,
              experiment: options.trackingExperiment ?? ws.config.name,
              runName: record.name,
              tags: {
                'cairn.exp': record.name,
                'cairn.exp_id': record.expId,
                ...(record.sweepId ? { 'cairn.sweep_id': record.sweepId } : {}),
              },
            },
          }
        : {}),
      resolvers: ws.resolvers(),
      trigger: 'exp',
      experimentId: record.expId,
      projectName: ws.config.name,
      ...(options.onEvent ? { onEvent: (e: RunEvent) => options.onEvent?.(record.name, e) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    })
  } catch (err) {
    const e = toCairnError(err)
    await records.finish(record.expId, {
      status: 'failed',
      params: {},
      metrics: {},
      lock: null,
      runId: null,
      trackingRunId: null,
      error: e.message,
    })
    if (!options.keepWorkspace) await expWs.dispose()
    const failed = await records.get(record.expId)
    options.onExperiment?.(failed)
    return failed
  }
  const stages = [...project.pipelines.values()].flatMap((p) =>
    !options.pipeline || p.name === options.pipeline ? [...p.stages.values()] : [],
  )
  const params = allParams(project.params, stages)
  const metrics = await readStageMetrics(expWs.root, stages).catch(() => ({}))
  const lock = await readFile(join(expWs.root, LOCK_FILE), 'utf8').catch(() => null)
  await records.finish(record.expId, {
    status: result.ok ? 'succeeded' : result.error?.code === 'CAIRN_CANCELLED' ? 'cancelled' : 'failed',
    params,
    metrics,
    lock,
    runId: result.runId,
    trackingRunId: result.trackingRunId ?? null,
    error: result.error?.message ?? null,
  })
  if (!options.keepWorkspace) await expWs.dispose()
  const done = await records.get(record.expId)
  options.onExperiment?.(done, result)
  return done
}

async function requireMetadata(ws: PipelineWorkspace) {
  const m = await ws.metadata()
  if (!m) {
    throw new CairnError(
      'CAIRN_NOT_IMPLEMENTED',
      'Experiments are recorded in a metadata store; the tracking URI is a server',
      {
        hint: 'Point --tracking-uri at sqlite:/// or postgresql:// to run experiments',
      },
    )
  }
  return m
}

async function gitHead(root: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: root })
    return stdout.trim() || null
  } catch {
    return null
  }
}
