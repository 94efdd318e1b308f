import { CairnError, isCairnError } from '../core/index.js'
import type { ArtifactEntry, ArtifactStore } from '../store/index.js'
import {
  type CreateExperimentInput,
  type CreateRunInput,
  captureSystemTags,
  type DatasetInput,
  DEFAULT_EXPERIMENT,
  type Experiment,
  type LogBatchInput,
  type Metric,
  type MetricHistoryOptions,
  type MetricInput,
  type Page,
  type Run,
  type RunInfo,
  type SearchExperimentsOptions,
  type SearchRunsOptions,
  type TrackingClient,
  type UpdateRunInput,
} from '../tracking/index.js'
import { ActiveRun } from './active-run.js'

export interface StartRunOptions {
  /** Experiment name; created when missing (default: the Default experiment). */
  experiment?: string
  /** Experiment id (instead of a name). */
  experimentId?: string
  runName?: string
  tags?: Record<string, string>
  /** Make this a child run of another. */
  parentRunId?: string
  /** Record user, host, command and git commit/branch as tags (default true). */
  captureSystemTags?: boolean
  /** How often buffered metrics are sent, in ms (default 1000). */
  flushIntervalMs?: number
}

/**
 * `cairn.tracking`: every TrackingClient call, plus `startRun` (a run handle that buffers metrics)
 * and `withRun` (ends the run FINISHED, or FAILED when the callback throws).
 */
export class CairnTracking implements TrackingClient {
  readonly #active = new Set<ActiveRun>()
  /** A safety net: metrics still buffered when the process runs out of work are sent before it exits. */
  readonly #beforeExit = () => {
    const pending = [...this.#active].filter((r) => r.pendingMetrics > 0)
    for (const run of pending)
      run.flush().catch((err: unknown) => {
        process.stderr.write(
          `cairn: could not send the buffered metrics of run ${run.id}: ${(err as Error).message}\n`,
        )
      })
  }
  #watching = false

  constructor(
    /** The client underneath (store or HTTP). */
    readonly client: TrackingClient,
    readonly defaults: { cwd: string; flushIntervalMs?: number },
  ) {}

  /** The experiment with this name, created if it does not exist yet (safe against a concurrent create). */
  async getOrCreateExperiment(name: string, tags?: Record<string, string>): Promise<Experiment> {
    try {
      return await this.client.getExperimentByName(name)
    } catch (err) {
      if (!isCairnError(err, 'CAIRN_EXPERIMENT_NOT_FOUND')) throw err
    }
    try {
      return await this.client.createExperiment({ name, ...(tags ? { tags } : {}) })
    } catch (err) {
      if (isCairnError(err, 'CAIRN_EXPERIMENT_ALREADY_EXISTS')) return this.client.getExperimentByName(name)
      throw err
    }
  }

  /** Start a run and return a handle to log to it. */
  async startRun(options: StartRunOptions = {}): Promise<ActiveRun> {
    let experimentId = options.experimentId
    if (experimentId === undefined) {
      const exp = options.experiment ? await this.getOrCreateExperiment(options.experiment) : undefined
      experimentId = exp?.experimentId ?? DEFAULT_EXPERIMENT.id
    }
    if (options.experiment && options.experimentId)
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Pass experiment (a name) or experimentId, not both')
    const tags = {
      ...(options.captureSystemTags === false ? {} : captureSystemTags(this.defaults.cwd)),
      ...options.tags,
    }
    const run = await this.client.createRun({
      experimentId,
      tags,
      ...(options.runName ? { runName: options.runName } : {}),
      ...(options.parentRunId ? { parentRunId: options.parentRunId } : {}),
    })
    const flushIntervalMs = options.flushIntervalMs ?? this.defaults.flushIntervalMs
    const active = new ActiveRun(this.client, run, {
      ...(flushIntervalMs !== undefined ? { flushIntervalMs } : {}),
      onEnd: (r) => this.#active.delete(r),
    })
    this.#active.add(active)
    if (!this.#watching) {
      this.#watching = true
      process.on('beforeExit', this.#beforeExit)
    }
    return active
  }

  /** Run `fn` inside a run: FINISHED when it resolves, FAILED (and rethrown) when it throws. */
  async withRun<T>(options: StartRunOptions, fn: (run: ActiveRun) => Promise<T>): Promise<T> {
    const run = await this.startRun(options)
    let result: T
    try {
      result = await fn(run)
    } catch (err) {
      await run.end('FAILED').catch(() => {})
      throw err
    }
    await run.end('FINISHED')
    return result
  }

  /** Runs started here and not yet ended. */
  get activeRuns(): ActiveRun[] {
    return [...this.#active]
  }

  /** End every run still open (FINISHED), flushing its metrics. */
  async endAll(): Promise<void> {
    for (const run of [...this.#active]) await run.end('FINISHED')
  }

  createExperiment(input: CreateExperimentInput): Promise<Experiment> {
    return this.client.createExperiment(input)
  }
  getExperiment(experimentId: string): Promise<Experiment> {
    return this.client.getExperiment(experimentId)
  }
  getExperimentByName(name: string): Promise<Experiment> {
    return this.client.getExperimentByName(name)
  }
  searchExperiments(options?: SearchExperimentsOptions): Promise<Page<Experiment>> {
    return this.client.searchExperiments(options)
  }
  renameExperiment(experimentId: string, newName: string): Promise<void> {
    return this.client.renameExperiment(experimentId, newName)
  }
  deleteExperiment(experimentId: string): Promise<void> {
    return this.client.deleteExperiment(experimentId)
  }
  restoreExperiment(experimentId: string): Promise<void> {
    return this.client.restoreExperiment(experimentId)
  }
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    return this.client.setExperimentTag(experimentId, key, value)
  }
  deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    return this.client.deleteExperimentTag(experimentId, key)
  }
  createRun(input: CreateRunInput): Promise<Run> {
    return this.client.createRun(input)
  }
  getRun(runId: string): Promise<Run> {
    return this.client.getRun(runId)
  }
  updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo> {
    return this.client.updateRun(runId, input)
  }
  deleteRun(runId: string): Promise<void> {
    return this.client.deleteRun(runId)
  }
  restoreRun(runId: string): Promise<void> {
    return this.client.restoreRun(runId)
  }
  searchRuns(options: SearchRunsOptions): Promise<Page<Run>> {
    return this.client.searchRuns(options)
  }
  logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    return this.client.logBatch(runId, batch)
  }
  logMetric(runId: string, metric: MetricInput): Promise<void> {
    return this.client.logMetric(runId, metric)
  }
  logParam(runId: string, key: string, value: string): Promise<void> {
    return this.client.logParam(runId, key, value)
  }
  setTag(runId: string, key: string, value: string): Promise<void> {
    return this.client.setTag(runId, key, value)
  }
  deleteTag(runId: string, key: string): Promise<void> {
    return this.client.deleteTag(runId, key)
  }
  getMetricHistory(runId: string, key: string, options?: MetricHistoryOptions): Promise<Page<Metric>> {
    return this.client.getMetricHistory(runId, key, options)
  }
  logInputs(runId: string, inputs: DatasetInput[]): Promise<void> {
    return this.client.logInputs(runId, inputs)
  }
  runArtifacts(runId: string): Promise<ArtifactStore> {
    return this.client.runArtifacts(runId)
  }
  logArtifact(runId: string, path: string, data: Uint8Array | string): Promise<void> {
    return this.client.logArtifact(runId, path, data)
  }
  logArtifacts(runId: string, localPath: string, artifactDir?: string): Promise<number> {
    return this.client.logArtifacts(runId, localPath, artifactDir)
  }
  listArtifacts(runId: string, path?: string): Promise<ArtifactEntry[]> {
    return this.client.listArtifacts(runId, path)
  }
  downloadArtifact(runId: string, path: string): Promise<Buffer> {
    return this.client.downloadArtifact(runId, path)
  }

  /** Ends open runs, then closes the client. */
  async close(): Promise<void> {
    process.off('beforeExit', this.#beforeExit)
    this.#watching = false
    await this.endAll()
    await this.client.close()
  }
}
