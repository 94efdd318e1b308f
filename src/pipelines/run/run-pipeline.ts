import { setMaxListeners } from 'node:events'
import { readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { CairnError, hashBytes, newId, shortId, stableStringify, toCairnError } from '../../core/index.js'
import type { ArtifactStore, MetadataStore } from '../../store/index.js'
import { type RunCacheEntry, StageCache } from '../cache/stage-cache.js'
import type { ProjectPipelines } from '../definition/load-pipelines.js'
import type { JobCommand, StageExecutor, StageJob, StageJobResult } from '../executor/executor.js'
import { LocalExecutor } from '../executor/local/local-executor.js'
import { cleanupStaleSandboxes } from '../executor/local/sandbox.js'
import {
  buildGraph,
  checkOutputs,
  type OutputIndex,
  type StageGraph,
  selectStages,
} from '../graph/build-graph.js'
import { HashCache } from '../hashing/hash-cache.js'
import { hashPath, type PathHash } from '../hashing/hash-path.js'
import { acquireMutex, type HeldMutex } from '../lock/file-mutex.js'
import {
  type LockState,
  readLockFile,
  readLockFileCached,
  type StageLock,
  updateLockFile,
} from '../lock/lock-file.js'
import { numericMetrics, parseMetricsText, readStageMetrics } from '../metrics/read-metrics.js'
import {
  DEFAULT_PIPELINE,
  type ExternalResolvers,
  type ResolvedExternal,
  type StageSpec,
  stageId,
} from '../model.js'
import { allParams, flattenParams, trackingParams } from '../params/params-files.js'
import { RunRecords } from '../records/run-records.js'
import {
  commandFields,
  type EvaluationContext,
  evaluateStage,
  type StageEvaluation,
} from '../state/evaluate-stage.js'
import type { StaleReason } from '../state/stale-reasons.js'
import type { RunEvent, StageOutcome, StageState, StageStatus } from './events.js'
import { placeOutputs } from './place-outputs.js'
import { Semaphore } from './semaphore.js'
import { TrackingLink, type TrackingOptions } from './tracking-link.js'

/** Options of runPipeline. */
export interface RunPipelineOptions {
  /** The loaded pipelines (see loadPipelines); their `root` is the workspace the run works in. */
  project: ProjectPipelines
  /** The project's state folder (default `<root>/.cairn`): locks, sandboxes, logs, hash cache. */
  stateDir?: string
  /** Run one pipeline (default: every pipeline of the project). */
  pipeline?: string
  /** Run these stages and what they depend on (default: all). */
  targets?: string[]
  /** Only the targets, not their upstream stages. */
  single?: boolean
  /** The targets and everything downstream of them. */
  downstream?: boolean
  /** Run the selected stages even when up to date, without using the cache. */
  force?: boolean
  /** Only report what would run. */
  dryRun?: boolean
  /** Keep running independent stages after one fails. */
  keepGoing?: boolean
  /** Stages at once (default: the core count); ignored when `executor` is given. */
  jobs?: number
  /** Retries for stages that set none. */
  retries?: number
  executor?: StageExecutor
  /** The hash cache (share the executor's when passing one); default: the project's, loaded from .cairn. */
  hashCache?: HashCache
  /** The artifact store holding the content-addressed cache (opened on first use); without one nothing is cached. */
  artifacts?: ArtifactStore | (() => Promise<ArtifactStore>)
  /** The metadata store runs are recorded in (opened only when a stage runs or is restored). */
  metadata?: MetadataStore | (() => Promise<MetadataStore>)
  /** Log runs to experiment tracking. */
  tracking?: TrackingOptions
  resolvers?: ExternalResolvers
  onEvent?: (event: RunEvent) => void
  signal?: AbortSignal
  /** What started the run (recorded): `run`, `exp` or `api`. */
  trigger?: string
  /**
   * Record the run in the metadata store even when every stage is up to date (runs started from
   * the web UI or the API, so the history shows them). `cairn run` leaves it off: a no-op run then
   * does not open the store.
   */
  recordUpToDate?: boolean
  experimentId?: string
  projectName?: string
  /** Give up waiting for another process's stage lock after this long (default: wait). */
  lockTimeoutMs?: number
}

/** What a run did. */
export interface RunResult {
  /** The pipeline run id (recorded in the metadata store when anything ran or was restored). */
  runId: string
  ok: boolean
  stages: StageOutcome[]
  /** The first failure. */
  error?: CairnError
  trackingRunId?: string
  durationMs: number
}

/**
 * Run pipelines: each selected stage whose command, deps or params changed since cairn.lock is
 * restored from the cache when a run with the same key was seen, or run by the executor;
 * independent stages run in parallel. Outputs are moved into place only when a stage succeeds,
 * then cached and recorded in cairn.lock. Other processes running the same stages are waited
 * for. Never throws for a failing stage: the result says what happened (`ok`, `error`).
 */
export async function runPipeline(options: RunPipelineOptions): Promise<RunResult> {
  const run = new PipelineRun(options)
  return run.execute()
}

interface Node {
  id: string
  stage: StageSpec
  waiting: number
  outcome?: StageOutcome
  changed: boolean
}

class PipelineRun {
  readonly runId = newId()
  readonly root: string
  readonly stateDir: string
  readonly opts: RunPipelineOptions
  readonly started = Date.now()
  readonly emit: (e: RunEvent) => void
  readonly controller = new AbortController()
  readonly graph: StageGraph
  readonly outputs: OutputIndex
  readonly selected: string[]
  readonly nodes = new Map<string, Node>()
  hashCache!: HashCache
  lock!: LockState
  executor!: StageExecutor
  ownsExecutor = false
  slots!: Semaphore
  #cache: Promise<StageCache | undefined> | undefined
  recordedRun = false
  tracking: TrackingLink | undefined
  externals = new Map<string, Promise<ResolvedExternal>>()
  stopScheduling = false
  firstError: CairnError | undefined
  pending = new Set<Promise<void>>()
  background = new Set<Promise<unknown>>()

  constructor(options: RunPipelineOptions) {
    this.opts = options
    this.root = options.project.root
    this.stateDir = options.stateDir ?? join(this.root, '.cairn')
    this.emit = options.onEvent ?? (() => {})
    // every stage waiting for an executor slot listens for cancellation
    setMaxListeners(0, this.controller.signal)
    if (options.signal) {
      if (options.signal.aborted) this.controller.abort(options.signal.reason)
      options.signal.addEventListener('abort', () => this.controller.abort(options.signal?.reason), {
        once: true,
      })
    }
    const all = [...options.project.pipelines.values()]
    this.outputs = checkOutputs(all)
    let stages: StageSpec[]
    if (options.pipeline) {
      const p = options.project.pipelines.get(options.pipeline)
      if (!p) {
        throw new CairnError('CAIRN_PIPELINE_NOT_FOUND', `No pipeline named '${options.pipeline}'`, {
          hint: `Pipelines: ${[...options.project.pipelines.keys()].join(', ') || '(none; add stages: to cairn.yaml)'}`,
        })
      }
      stages = [...p.stages.values()]
    } else stages = all.flatMap((p) => [...p.stages.values()])
    this.graph = buildGraph(
      stages,
      options.pipeline
        ? `Pipeline '${options.pipeline}'`
        : all.length === 1
          ? `Pipeline '${all[0]?.name}'`
          : 'The project',
    )
    const targets = (options.targets ?? []).map((t) =>
      options.pipeline && options.pipeline !== DEFAULT_PIPELINE && !t.includes(':')
        ? `${options.pipeline}:${t}`
        : t,
    )
    this.selected = selectStages(this.graph, targets, options)
    if (options.tracking) this.tracking = new TrackingLink(options.tracking)
  }

  async execute(): Promise<RunResult> {
    this.hashCache =
      this.opts.hashCache ?? (await HashCache.open(join(this.stateDir, 'pipelines', 'hash-cache.json')))
    this.lock = await readLockFile(this.root)
    await cleanupStaleSandboxes(join(this.stateDir, 'tmp'))
    if (this.opts.executor) this.executor = this.opts.executor
    else {
      this.executor = new LocalExecutor({
        stateDir: this.stateDir,
        hashCache: this.hashCache,
        ...(this.opts.jobs ? { slots: this.opts.jobs } : {}),
      })
      this.ownsExecutor = true
    }
    this.slots = new Semaphore(this.executor.slots)
    const picked = new Set(this.selected)
    for (const id of this.selected) {
      const stage = this.graph.stages.get(id) as StageSpec
      const ups = (this.graph.upstream.get(id) ?? []).filter((u) => picked.has(u))
      this.nodes.set(id, { id, stage, waiting: ups.length, changed: false })
    }
    this.emit({
      type: 'run-start',
      runId: this.runId,
      stages: this.selected,
      slots: this.executor.slots,
      dryRun: this.opts.dryRun === true,
    })
    if (this.opts.recordUpToDate && !this.opts.dryRun) await this.records()
    try {
      for (const node of this.nodes.values()) if (node.waiting === 0) this.launch(node)
      while (this.pending.size > 0) await Promise.race(this.pending)
      await Promise.allSettled([...this.background])
      for (const node of this.nodes.values()) {
        if (!node.outcome)
          this.finish(node, this.outcome(node, this.controller.signal.aborted ? 'cancelled' : 'not-run', []))
      }
    } finally {
      if (this.ownsExecutor) await this.executor.close()
      await this.hashCache.save().catch(() => {})
    }
    const stages = this.selected.map((id) => this.nodes.get(id)?.outcome as StageOutcome)
    const ok = stages.every((s) => !['failed', 'blocked', 'not-run', 'cancelled'].includes(s.status))
    let trackingRunId: string | undefined
    if (this.tracking && (this.tracking.started || (this.opts.trigger === 'exp' && !this.opts.dryRun)))
      trackingRunId = await this.finishTracking(ok).catch((err) =>
        this.warn(`tracking: ${(err as Error).message}`),
      )
    if (this.recordedRun) {
      const records = await this.records()
      await records
        ?.finishRun(this.runId, {
          status: ok ? 'succeeded' : this.controller.signal.aborted ? 'cancelled' : 'failed',
          stagesRan: stages.filter((s) => s.status === 'ran').length,
          stagesCached: stages.filter((s) => s.status === 'restored').length,
          stagesFailed: stages.filter((s) => s.status === 'failed').length,
          error: this.firstError?.message ?? null,
          trackingRunId: trackingRunId ?? null,
        })
        .catch((err) => this.warn(`could not record the run: ${(err as Error).message}`))
    }
    const durationMs = Date.now() - this.started
    this.emit({ type: 'run-end', ok, durationMs })
    const result: RunResult = { runId: this.runId, ok, stages, durationMs }
    if (this.firstError) result.error = this.firstError
    else if (!ok && this.controller.signal.aborted)
      result.error = new CairnError('CAIRN_CANCELLED', 'The run was cancelled')
    if (trackingRunId) result.trackingRunId = trackingRunId
    return result
  }

  launch(node: Node): void {
    if (this.stopScheduling || this.controller.signal.aborted) {
      this.finish(node, this.outcome(node, this.controller.signal.aborted ? 'cancelled' : 'not-run', []))
      return
    }
    const p = this.processStage(node)
      .catch((err) => {
        if (!node.outcome) this.fail(node, toCairnError(err), [])
      })
      .finally(() => this.pending.delete(p))
    this.pending.add(p)
  }

  /** Record a stage's outcome and start the stages waiting on it. */
  finish(node: Node, outcome: StageOutcome): void {
    if (node.outcome) return
    node.outcome = outcome
    this.stateEvent(node, outcome.status, { outcome })
    const okForDownstream = [
      'up-to-date',
      'ran',
      'restored',
      'frozen',
      'would-run',
      'would-restore',
    ].includes(outcome.status)
    node.changed =
      outcome.status === 'ran' ||
      outcome.status === 'restored' ||
      outcome.status === 'would-run' ||
      outcome.status === 'would-restore'
    for (const d of this.graph.downstream.get(node.id) ?? []) {
      const dn = this.nodes.get(d)
      if (!dn || dn.outcome) continue
      if (!okForDownstream) {
        this.block(dn, node.id)
        continue
      }
      dn.waiting--
      if (dn.waiting === 0) this.launch(dn)
    }
  }

  block(node: Node, because: string): void {
    if (node.outcome) return
    this.finish(node, {
      ...this.outcome(node, 'blocked', []),
      error: new CairnError(
        'CAIRN_STAGE_FAILED',
        `Stage '${node.id}' did not run: upstream stage '${because}' failed`,
      ),
    })
  }

  outcome(
    node: Node,
    status: StageStatus,
    reasons: StaleReason[],
    extra: Partial<StageOutcome> = {},
  ): StageOutcome {
    return { id: node.id, pipeline: node.stage.pipeline, stage: node.stage.name, status, reasons, ...extra }
  }

  stateEvent(
    node: Node,
    state: StageState,
    extra: { detail?: string; attempt?: number; outcome?: StageOutcome } = {},
  ): void {
    this.emit({ type: 'stage', id: node.id, state, at: Date.now(), ...extra })
  }

  warn(message: string): undefined {
    this.emit({ type: 'warning', message })
    return undefined
  }

  fail(node: Node, error: CairnError, reasons: StaleReason[], extra: Partial<StageOutcome> = {}): void {
    this.firstError ??= error
    if (!this.opts.keepGoing) this.stopScheduling = true
    this.finish(node, {
      ...this.outcome(node, error.code === 'CAIRN_CANCELLED' ? 'cancelled' : 'failed', reasons, extra),
      error,
    })
  }

  evalContext(): EvaluationContext {
    return {
      root: this.root,
      hashCache: this.hashCache,
      params: this.opts.project.params,
      ...(this.opts.resolvers ? { resolvers: this.opts.resolvers } : {}),
      externals: this.externals,
    }
  }

  /** The files a job needs: its deps, and the params files it reads (for remote workers). */
  async jobDeps(ev: StageEvaluation): Promise<StageJob['deps']> {
    const deps: StageJob['deps'] = []
    for (const d of ev.deps)
      if (d.kind === 'path' && d.hash)
        deps.push({ path: d.path, hash: d.hash.hash, size: d.hash.size, isDir: d.hash.isDir })
    for (const file of new Set(ev.stage.params.map((p) => p.file))) {
      if (deps.some((d) => d.path === file)) continue
      const h = await hashPath(join(this.root, file), this.hashCache)
      if (h) deps.push({ path: file, hash: h.hash, size: h.size, isDir: h.isDir })
    }
    return deps
  }

  /** The artifact store, opened on first use. */
  artifactStore(): Promise<ArtifactStore | undefined> {
    const a = this.opts.artifacts
    return Promise.resolve(typeof a === 'function' ? a() : a)
  }

  /** The stage cache, opened on first use (an up-to-date run never opens the artifact store). */
  stageCache(): Promise<StageCache | undefined> {
    this.#cache ??= this.artifactStore().then((a) => (a ? new StageCache(a) : undefined))
    return this.#cache
  }

  lockEntry(stage: StageSpec): StageLock | undefined {
    return this.lock.get(stage.pipeline)?.get(stage.name)
  }

  async processStage(node: Node): Promise<void> {
    const { stage } = node
    this.stateEvent(node, 'checking')
    let ev = await evaluateStage(stage, this.lockEntry(stage), this.evalContext())
    const reasons: StaleReason[] = [...ev.reasons]
    const upstreamChanged = (this.graph.upstream.get(node.id) ?? []).filter((u) => this.nodes.get(u)?.changed)
    if (stage.frozen) {
      if (ev.outs.some((o) => !o.hash)) this.warn(`Stage '${node.id}' is frozen but its outputs are missing`)
      this.finish(node, this.outcome(node, 'frozen', []))
      return
    }
    if (this.opts.force) reasons.unshift({ kind: 'forced' })
    if (reasons.length === 0) {
      if (!this.opts.dryRun || upstreamChanged.length === 0) {
        this.finish(node, this.outcome(node, 'up-to-date', [], ev.key ? { key: ev.key } : {}))
        return
      }
    }
    if (this.opts.dryRun) {
      for (const u of upstreamChanged) reasons.push({ kind: 'upstream', stage: u })
      const cached =
        !this.opts.force &&
        !stage.alwaysChanged &&
        ev.key &&
        upstreamChanged.length === 0 &&
        (await this.findCached(stage, ev.key))
      this.finish(
        node,
        this.outcome(node, cached ? 'would-restore' : 'would-run', reasons, ev.key ? { key: ev.key } : {}),
      )
      return
    }
    this.checkInputs(node, ev)

    const stageMutex = await this.acquire(
      node,
      join(this.stateDir, 'locks', `stage-${hashBytes(`${this.root}\0${node.id}`).slice(0, 24)}.lock`),
      `running stage ${node.id} in ${this.root}`,
    )
    try {
      // another process may have run it since we looked: look again
      const fresh = (await readLockFileCached(this.root)).get(stage.pipeline)?.get(stage.name)
      if (stageMutex.waited || stableStringify(fresh) !== stableStringify(ev.lock)) {
        ev = await evaluateStage(stage, fresh, this.evalContext())
        if (ev.upToDate && !this.opts.force) {
          this.setLock(stage, fresh)
          this.finish(node, this.outcome(node, 'up-to-date', [], ev.key ? { key: ev.key } : {}))
          return
        }
        this.checkInputs(node, ev)
      }
      const key = ev.key as string
      const reuse = !this.opts.force && !stage.alwaysChanged
      if (reuse && (await this.tryRestore(node, ev, reasons))) return
      const keyMutex = await this.acquire(
        node,
        join(this.stateDir, 'locks', 'keys', `${key.slice(0, 32)}.lock`),
        undefined,
      )
      try {
        if (keyMutex.waited && reuse && (await this.tryRestore(node, ev, reasons))) return
        await this.runStage(node, ev, reasons)
      } finally {
        keyMutex.release()
      }
    } finally {
      stageMutex.release()
    }
  }

  checkInputs(node: Node, ev: StageEvaluation): void {
    for (const d of ev.deps) {
      if (d.kind === 'path' && !d.hash) {
        const producer = this.outputs.producersOf(d.path).find((s) => s !== node.stage)
        throw new CairnError(
          'CAIRN_DEPENDENCY_MISSING',
          `Stage '${node.id}' depends on '${d.path}', which does not exist${producer ? ` (stage '${stageId(producer)}' writes it)` : ' and no stage writes it'}`,
          {
            details: { stage: node.id, path: d.path },
            hint: producer
              ? `Run '${stageId(producer)}' first: cairn run ${producer.pipeline === DEFAULT_PIPELINE ? '' : `${producer.pipeline} `}${producer.name}`
              : `Create '${d.path}' or fix the path in the stage's deps`,
          },
        )
      }
      if (d.kind === 'external' && !d.resolved) {
        throw new CairnError(
          'CAIRN_DEPENDENCY_MISSING',
          `Stage '${node.id}' depends on ${d.uri}, which cannot be resolved: ${d.error}`,
          {
            details: { stage: node.id, uri: d.uri },
          },
        )
      }
    }
    const p = ev.missingParams[0]
    if (p) {
      throw new CairnError(
        'CAIRN_PARAM_UNDEFINED',
        `Stage '${node.id}' reads param '${p.key ?? '(whole file)'}' from ${p.file}, which ${this.opts.project.params.read(p.file) === undefined ? 'does not exist' : 'does not define it'}`,
        {
          details: { stage: node.id, file: p.file, key: p.key },
          hint: `Add ${p.key ?? 'the file'} to ${p.file}, or remove it from the stage's params`,
        },
      )
    }
  }

  async acquire(
    node: Node,
    file: string,
    purpose: string | undefined,
  ): Promise<HeldMutex & { waited: boolean }> {
    let waited = false
    const held = await acquireMutex(file, {
      ...(purpose !== undefined ? { purpose } : {}),
      signal: this.controller.signal,
      ...(this.opts.lockTimeoutMs !== undefined ? { timeoutMs: this.opts.lockTimeoutMs } : {}),
      onWait: (owner) => {
        waited = true
        this.stateEvent(node, 'waiting', {
          detail: owner
            ? `held by process ${owner.pid}${owner.purpose ? ` (${owner.purpose})` : ''}`
            : 'held by another process',
        })
      },
    })
    return Object.assign(held, { waited })
  }

  setLock(stage: StageSpec, entry: StageLock | undefined): void {
    const m = this.lock.get(stage.pipeline) ?? new Map<string, StageLock>()
    if (entry) m.set(stage.name, entry)
    else m.delete(stage.name)
    this.lock.set(stage.pipeline, m)
  }

  async findCached(stage: StageSpec, key: string): Promise<RunCacheEntry | undefined> {
    const cache = stage.outs.some((o) => !o.cache) ? undefined : await this.stageCache()
    if (!cache) return undefined
    const entry = await cache
      .getRun(key)
      .catch((err) => this.warn(`cache lookup failed: ${(err as Error).message}`))
    if (!entry) return undefined
    const want = new Set(stage.outs.map((o) => o.path))
    if (entry.outs.length !== want.size || entry.outs.some((o) => !want.has(o.path))) return undefined
    return entry
  }

  async tryRestore(node: Node, ev: StageEvaluation, reasons: StaleReason[]): Promise<boolean> {
    const key = ev.key as string
    const entry = await this.findCached(node.stage, key)
    const cache = await this.stageCache()
    if (!entry || !cache) return false
    const started = Date.now()
    this.stateEvent(node, 'restoring')
    const staging = join(this.stateDir, 'tmp', `rs-${process.pid}-${shortId(6)}`)
    try {
      const current = new Map(ev.outs.map((o) => [o.spec.path, o.hash?.hash]))
      const toPlace: string[] = []
      for (const out of entry.outs) {
        if (current.get(out.path) === out.hash) continue
        await cache.restoreOutput(out, join(staging, out.path), this.hashCache)
        toPlace.push(out.path)
      }
      await placeOutputs(staging, this.root, toPlace)
    } catch (err) {
      this.warn(
        `Could not restore '${node.id}' from the cache (${(err as Error).message}); running it instead`,
      )
      await rm(staging, { recursive: true, force: true })
      return false
    }
    await rm(staging, { recursive: true, force: true })
    const ended = Date.now()
    const lockOuts = entry.outs.map((o) => ({
      path: o.path,
      hash: o.hash,
      size: o.size,
      ...(o.isDir ? { nfiles: o.nfiles ?? 0, isdir: true } : {}),
    }))
    const entryLock = buildLockEntry(node.stage, ev, key, lockOuts)
    this.setLock(node.stage, entryLock)
    await updateLockFile(
      this.root,
      this.stateDir,
      node.stage.pipeline,
      node.stage.name,
      entryLock,
      this.pipelineOrder(node.stage.pipeline),
    )
    const stageRunId = newId()
    const outcome = this.outcome(node, 'restored', reasons, {
      key,
      stageRunId,
      durationMs: ended - started,
      startedAt: started,
      endedAt: ended,
    })
    this.finish(node, outcome)
    this.recordStage(node, stageRunId, key, started, {
      status: 'cached',
      cacheHit: true,
      attempts: 0,
      startTime: started,
      endTime: ended,
      durationMs: ended - started,
    })
    return true
  }

  pipelineOrder(pipeline: string): string[] {
    const p = this.opts.project.pipelines.get(pipeline)
    return p ? [...p.stages.keys()] : []
  }

  async runStage(node: Node, ev: StageEvaluation, reasons: StaleReason[]): Promise<void> {
    const { stage } = node
    const key = ev.key as string
    const stageRunId = newId()
    const queuedAt = Date.now()
    const recording = this.recordStage(node, stageRunId, key, queuedAt, undefined)
    let trackingRunId: string | undefined
    const declaredParams: Record<string, unknown> = {}
    for (const values of Object.values(ev.params))
      for (const [k, v] of Object.entries(values)) setNested(declaredParams, k, v)
    if (this.tracking) {
      trackingRunId = await this.tracking
        .startStage(
          node.id,
          {
            'cairn.pipeline': stage.pipeline,
            'cairn.stage': stage.name,
            'cairn.stage_key': key,
            'cairn.pipeline_run_id': this.runId,
          },
          trackingParams(
            Object.fromEntries(Object.entries(ev.params).map(([f, v]) => [f, flattenParams(v)])),
          ),
        )
        .catch((err) => this.warn(`tracking: ${(err as Error).message}`))
    }
    const external: Record<string, ResolvedExternal> = {}
    for (const d of ev.deps) if (d.kind === 'external' && d.resolved) external[d.uri] = d.resolved
    const job: StageJob = {
      id: stageRunId,
      workspace: this.root,
      runId: this.runId,
      pipeline: stage.pipeline,
      stage: stage.name,
      key,
      command: jobCommand(stage),
      wdir: stage.wdir,
      deps: await this.jobDeps(ev),
      outs: stage.outs.map((o) => ({ path: o.path, cache: o.cache, persist: o.persist, role: o.role })),
      params: declaredParams,
      item: stage.item,
      external,
      env: stage.env,
      timeoutMs: stage.timeoutMs,
      attempt: 1,
      trackingRunId,
    }
    const executor = this.executor.accepts(job) ? this.executor : this.localFallback()
    const retries = stage.retries || this.opts.retries || 0
    let result: StageJobResult | undefined
    let attempt = 0
    let firstStart: number | undefined
    for (;;) {
      attempt++
      this.stateEvent(node, 'queued', { attempt })
      if (!(await this.slots.acquire(this.controller.signal))) break
      try {
        result = await executor.execute(
          { ...job, attempt },
          {
            signal: this.controller.signal,
            onStart: () => {
              firstStart ??= Date.now()
              this.stateEvent(node, 'running', { attempt })
            },
            onOutput: (text) => this.emit({ type: 'output', id: node.id, text }),
          },
        )
      } catch (err) {
        const e = toCairnError(err, 'CAIRN_STAGE_FAILED')
        result = {
          ok: false,
          error: { code: e.code, message: e.message },
          startedAt: Date.now(),
          endedAt: Date.now(),
          logTail: '',
          worker: executor.name,
          outs: [],
        }
      } finally {
        this.slots.release()
      }
      if (
        result.ok ||
        attempt > retries ||
        this.controller.signal.aborted ||
        result.error?.code === 'CAIRN_CANCELLED'
      )
        break
      const delay = Math.round(stage.retryDelayMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4))
      this.stateEvent(node, 'retrying', {
        attempt,
        detail: `${result.error?.message.split('\n')[0]}; retry in ${delay} ms`,
      })
      await sleep(delay, this.controller.signal)
    }
    const started = firstStart ?? result?.startedAt ?? queuedAt
    if (!result?.ok) {
      const error = result?.error
        ? new CairnError(result.error.code, result.error.message, {
            details: {
              stage: node.id,
              attempts: attempt,
              exitCode: result.exitCode ?? null,
              log: result.logFile,
              ...(result.error.cause ? { cause: result.error.cause } : {}),
              ...(result.error.stderrTail ? { stderrTail: result.error.stderrTail } : {}),
            },
            ...(result.error.hint ? { hint: result.error.hint } : {}),
          })
        : new CairnError('CAIRN_CANCELLED', `Stage '${node.id}' was cancelled`)
      const ended = Date.now()
      this.fail(node, error, reasons, {
        key,
        stageRunId,
        attempts: attempt,
        startedAt: started,
        endedAt: ended,
        durationMs: ended - started,
        ...(trackingRunId ? { trackingRunId } : {}),
        ...(result?.logFile ? { logFile: result.logFile } : {}),
      })
      if (trackingRunId)
        await this.tracking
          ?.end(trackingRunId, error.code === 'CAIRN_CANCELLED' ? 'killed' : false)
          .catch(() => {})
      await recording
      this.recordStageEnd(stageRunId, result, {
        status: error.code === 'CAIRN_CANCELLED' ? 'cancelled' : 'failed',
        attempts: attempt,
        startTime: started,
        errorCode: error.code,
        error: error.message,
        trackingRunId: trackingRunId ?? null,
      })
      return
    }

    // success: move the outputs into place and let dependents start; then cache them and
    // record the lock entry (the stage lock is held until both are done)
    this.stateEvent(node, 'committing')
    const outs = result.outs
    try {
      if (result.stagedRoot) {
        await placeOutputs(
          result.stagedRoot,
          this.root,
          outs.map((o) => o.path),
        )
        const stray = (result.stray ?? []).filter(
          (p) => this.outputs.producersOf(p).length === 0 && !p.startsWith('.cairn'),
        )
        await placeOutputs(result.stagedRoot, this.root, stray)
        // the sandbox holds only links now: remove it without holding up the dependents
        const discarding = executor.discard(result).catch(() => {})
        this.background.add(discarding)
        void discarding.finally(() => this.background.delete(discarding))
      } else {
        // a remote worker pushed the outputs to the cache
        const staging = join(this.stateDir, 'tmp', `rs-${process.pid}-${shortId(6)}`)
        const cache = await this.stageCache()
        if (!cache)
          throw new CairnError(
            'CAIRN_STAGE_FAILED',
            'A remote executor needs an artifact store to bring outputs back',
          )
        for (const o of outs) await cache.restoreOutput(o, join(staging, o.path), this.hashCache)
        await placeOutputs(
          staging,
          this.root,
          outs.map((o) => o.path),
        )
        await rm(staging, { recursive: true, force: true })
      }
    } catch (err) {
      if (result.stagedRoot) await executor.discard(result).catch(() => {})
      const e = toCairnError(err, 'CAIRN_STAGE_FAILED')
      this.fail(
        node,
        new CairnError(
          e.code,
          `Stage '${node.id}' succeeded but its outputs could not be stored: ${e.message}`,
          { cause: err },
        ),
        reasons,
        { key, stageRunId },
      )
      await recording
      this.recordStageEnd(stageRunId, result, {
        status: 'failed',
        attempts: attempt,
        startTime: started,
        errorCode: e.code,
        error: e.message,
      })
      return
    }
    const lockOuts = outs.map((o) => ({
      path: o.path,
      hash: o.hash,
      size: o.size,
      ...(o.isDir ? { nfiles: o.nfiles ?? 0, isdir: true } : {}),
    }))
    const entry = buildLockEntry(stage, ev, key, lockOuts)
    this.setLock(stage, entry)
    const ended = result.endedAt
    this.finish(
      node,
      this.outcome(node, 'ran', reasons, {
        key,
        stageRunId,
        attempts: attempt,
        startedAt: started,
        endedAt: ended,
        durationMs: ended - started,
        ...(trackingRunId ? { trackingRunId } : {}),
        ...(result.logFile ? { logFile: result.logFile } : {}),
      }),
    )
    if (result.stagedRoot) await this.saveToCache(node, key, outs)
    await updateLockFile(
      this.root,
      this.stateDir,
      stage.pipeline,
      stage.name,
      entry,
      this.pipelineOrder(stage.pipeline),
    )
    if (trackingRunId && this.tracking) {
      const link = this.tracking
      const metrics: Record<string, number> = {}
      for (const o of stage.outs.filter((s) => s.role === 'metrics')) {
        const text = await readFile(join(this.root, o.path), 'utf8').catch(() => undefined)
        if (text === undefined) continue
        try {
          Object.assign(metrics, numericMetrics(parseMetricsText(text, o.path)))
        } catch (err) {
          this.warn((err as Error).message)
        }
      }
      this.track(link.logMetrics(trackingRunId, metrics).then(() => link.end(trackingRunId as string, true)))
    }
    await recording
    this.recordStageEnd(stageRunId, result, {
      status: 'succeeded',
      attempts: attempt,
      startTime: started,
      trackingRunId: trackingRunId ?? null,
    })
  }

  /**
   * Store a stage's outputs (now in the workspace) in the cache and record the run under its key.
   * An output changed since it was hashed (size, mtime or inode differ) is not cached: the cache
   * never holds content under the wrong hash.
   */
  async saveToCache(node: Node, key: string, outs: StageJobResult['outs']): Promise<void> {
    const cache = await this.stageCache()
    if (!cache) return
    try {
      let complete = node.stage.outs.every((o) => o.cache)
      for (const o of outs) {
        if (!node.stage.outs.find((s) => s.path === o.path)?.cache) continue
        const abs = join(this.root, o.path)
        if (!(await this.unchanged(abs, o))) {
          complete = false
          this.warn(`Output '${o.path}' of '${node.id}' changed before it could be cached; it is not cached`)
          continue
        }
        await cache.saveOutput(abs, o)
        if (!(await this.unchanged(abs, o))) {
          complete = false
          this.warn(`Output '${o.path}' of '${node.id}' changed while it was cached; the run is not cached`)
        }
      }
      if (!complete) return
      await cache.putRun({
        version: 1,
        key,
        stage: node.id,
        outs: outs.map((o) => ({
          path: o.path,
          hash: o.hash,
          size: o.size,
          isDir: o.isDir,
          ...(o.nfiles !== undefined ? { nfiles: o.nfiles } : {}),
          ...(o.exec ? { exec: true } : {}),
        })),
        createdAt: Date.now(),
      })
    } catch (err) {
      this.warn(`Could not cache the outputs of '${node.id}': ${(err as Error).message}`)
    }
  }

  /** True when a file or folder still has the content it was hashed with (checked by stat). */
  async unchanged(abs: string, h: PathHash): Promise<boolean> {
    const files = h.isDir
      ? (h.files ?? []).map((f) => ({ abs: join(abs, ...f.path.split('/')), hash: f.hash }))
      : [{ abs, hash: h.hash }]
    for (const f of files) {
      const st = await stat(f.abs, { bigint: true }).catch(() => undefined)
      if (!st || this.hashCache.lookup(st) !== f.hash) return false
    }
    return true
  }

  #local: LocalExecutor | undefined
  localFallback(): StageExecutor {
    this.#local ??= new LocalExecutor({
      stateDir: this.stateDir,
      hashCache: this.hashCache,
      slots: this.executor.slots,
    })
    return this.#local
  }

  track(p: Promise<unknown>): void {
    const q = p
      .catch((err) => this.warn(`tracking: ${(err as Error).message}`))
      .finally(() => this.background.delete(q))
    this.background.add(q)
  }

  records(): Promise<RunRecords | undefined> {
    const m = this.opts.metadata
    if (!m) return Promise.resolve(undefined)
    this.recordsP ??= (async () => {
      const store = typeof m === 'function' ? await m() : m
      const records = new RunRecords(store)
      await records.startRun({
        runId: this.runId,
        project: this.opts.projectName ?? this.root.split('/').pop() ?? 'cairn',
        pipeline:
          this.opts.pipeline ??
          [...new Set(this.selected.map((id) => this.graph.stages.get(id)?.pipeline))].join(','),
        workspace: this.root,
        trigger: this.opts.trigger ?? 'api',
        experimentId: this.opts.experimentId ?? null,
        trackingRunId: null,
        startTime: this.started,
        stagesTotal: this.selected.length,
        options: {
          targets: this.opts.targets ?? [],
          force: this.opts.force === true,
          jobs: this.executor.slots,
          executor: this.executor.name,
        },
      })
      this.recordedRun = true
      return records
    })().catch((err) =>
      this.warn(`could not record the run in the metadata store: ${(err as Error).message}`),
    )
    return this.recordsP
  }
  recordsP: Promise<RunRecords | undefined> | undefined

  /** Insert the stage run row (in the background); resolves when it is written. */
  recordStage(
    node: Node,
    stageRunId: string,
    key: string,
    queuedAt: number,
    end: Parameters<RunRecords['finishStage']>[1] | undefined,
  ): Promise<void> {
    const p = (async () => {
      const records = await this.records()
      if (!records) return
      await records.startStage({
        stageRunId,
        runId: this.runId,
        pipeline: node.stage.pipeline,
        stage: node.stage.name,
        stageKey: key,
        executor: this.executor.name,
        queuedTime: queuedAt,
        status: end?.status ?? 'running',
        cacheHit: end?.cacheHit ?? false,
      })
      if (end) await records.finishStage(stageRunId, end)
    })().catch((err) => {
      this.warn(`could not record stage '${node.id}': ${(err as Error).message}`)
    })
    this.background.add(p)
    void p.finally(() => this.background.delete(p))
    return p
  }

  recordStageEnd(
    stageRunId: string,
    result: StageJobResult | undefined,
    fields: Parameters<RunRecords['finishStage']>[1],
  ): void {
    const p = (async () => {
      const records = await this.records()
      if (!records) return
      let logUri: string | null = result?.logUri ?? null
      const artifacts = result?.logFile ? await this.artifactStore().catch(() => undefined) : undefined
      if (result?.logFile && artifacts) {
        const path = `pipelines/logs/${this.runId}/${stageRunId}.log`
        await artifacts.putFile(path, result.logFile).then(
          () => {
            logUri = artifacts.uriFor(path)
          },
          () => {},
        )
      }
      const ended = result?.endedAt ?? Date.now()
      await records.finishStage(stageRunId, {
        ...fields,
        endTime: ended,
        durationMs: ended - (fields.startTime ?? ended),
        exitCode: result?.exitCode ?? null,
        worker: result?.worker ?? null,
        logTail: result?.logTail ?? null,
        logUri,
      })
    })().catch((err) => {
      this.warn(`could not record a stage run: ${(err as Error).message}`)
    })
    this.background.add(p)
    void p.finally(() => this.background.delete(p))
  }

  async finishTracking(ok: boolean): Promise<string | undefined> {
    const link = this.tracking
    if (!link) return undefined
    const parent = await link.parent({ 'cairn.pipeline_run_id': this.runId })
    const stages = this.selected.map((id) => this.graph.stages.get(id) as StageSpec)
    if (!link.options.parentRunId)
      await link.logParams(parent, trackingParams(allParams(this.opts.project.params, stages)))
    const metrics = await readStageMetrics(this.root, stages)
    const flat: Record<string, number> = {}
    for (const values of Object.values(metrics)) Object.assign(flat, values)
    await link.logMetrics(parent, flat)
    if (!link.options.parentRunId) await link.end(parent, this.controller.signal.aborted ? 'killed' : ok)
    return parent
  }
}

function buildLockEntry(
  stage: StageSpec,
  ev: StageEvaluation,
  key: string,
  outs: StageLock['outs'],
): StageLock {
  return {
    ...commandFields(stage),
    ...(stage.wdir ? { wdir: stage.wdir } : {}),
    key,
    deps: ev.deps.map((d) =>
      d.kind === 'path'
        ? {
            path: d.path,
            hash: d.hash?.hash ?? '',
            size: d.hash?.size ?? 0,
            ...(d.hash?.isDir ? { nfiles: d.hash.nfiles ?? 0, isdir: true } : {}),
          }
        : {
            uri: d.uri,
            hash: d.resolved?.hash ?? '',
            ...(d.resolved?.version ? { version: d.resolved.version } : {}),
          },
    ),
    params: ev.params,
    outs,
  }
}

function jobCommand(stage: StageSpec): JobCommand {
  const c = stage.command
  if (c.kind === 'cmd') return { kind: 'cmd', cmd: c.cmd }
  if (c.kind === 'module') return { kind: 'module', module: c.module, export: c.export }
  return { kind: 'function', fn: c.fn }
}

function setNested(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.')
  let cur = obj
  for (const p of parts.slice(0, -1)) {
    if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = {}
    cur = cur[p] as Record<string, unknown>
  }
  cur[parts[parts.length - 1] as string] = value
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const t = setTimeout(done, ms)
    function done() {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
