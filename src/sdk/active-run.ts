import { stat } from 'node:fs/promises'
import type { ArtifactStore } from '../store/index.js'
import {
  checkMetric,
  type Dataset,
  LIMITS,
  type Run,
  type RunStatus,
  SYSTEM_TAGS,
  type TrackingClient,
} from '../tracking/index.js'
import { MetricBuffer } from './metric-buffer.js'

export interface LogMetricOptions {
  step?: number
  /** Milliseconds since the epoch (default: now). */
  timestamp?: number
}

/**
 * A run being recorded. Metrics are buffered and sent in batches (when 1000 are waiting, every
 * `flushIntervalMs`, and on `flush`/`end`); params, tags and artifacts are sent at once. Call
 * `end()` when done (or use `cairn.tracking.withRun`, which ends the run FAILED on an exception).
 */
export class ActiveRun {
  readonly #client: TrackingClient
  readonly #buffer: MetricBuffer
  readonly #onEnd: (run: ActiveRun) => void
  #ended = false

  constructor(
    client: TrackingClient,
    /** The run as it was created. */
    readonly run: Run,
    options: { flushIntervalMs?: number; onEnd?: (run: ActiveRun) => void } = {},
  ) {
    this.#client = client
    this.#onEnd = options.onEnd ?? (() => {})
    this.#buffer = new MetricBuffer(
      (metrics) => client.logBatch(this.id, { metrics }),
      options.flushIntervalMs ?? 1000,
    )
  }

  get id(): string {
    return this.run.info.runId
  }

  get experimentId(): string {
    return this.run.info.experimentId
  }

  get name(): string {
    return this.run.info.runName
  }

  /** Metrics logged but not yet sent. */
  get pendingMetrics(): number {
    return this.#buffer.size
  }

  /** True once `end` was called. */
  get ended(): boolean {
    return this.#ended
  }

  /** Log params (immutable: logging a different value for a key later is CAIRN_PARAM_CHANGED). */
  async logParams(params: Record<string, string | number | boolean>): Promise<void> {
    const list = Object.entries(params).map(([key, value]) => ({ key, value: String(value) }))
    for (let i = 0; i < list.length; i += LIMITS.batchParams)
      await this.#client.logBatch(this.id, { params: list.slice(i, i + LIMITS.batchParams) })
  }

  logParam(key: string, value: string | number | boolean): Promise<void> {
    return this.logParams({ [key]: value })
  }

  /**
   * Log one metric value. It is checked now (CAIRN_INVALID_METRIC is thrown here) and sent with
   * the next batch; `flush()` waits for everything logged so far to be stored.
   */
  logMetric(key: string, value: number, options: LogMetricOptions = {}): void {
    this.#buffer.add(checkMetric({ key, value, ...options }))
  }

  /** Log several metrics at the same step and time. */
  logMetrics(metrics: Record<string, number>, options: LogMetricOptions = {}): void {
    const timestamp = options.timestamp ?? Date.now()
    for (const [key, value] of Object.entries(metrics)) this.logMetric(key, value, { ...options, timestamp })
  }

  /** Send buffered metrics now and wait until they are stored. */
  flush(): Promise<void> {
    return this.#buffer.flush()
  }

  async setTags(tags: Record<string, string | number | boolean>): Promise<void> {
    const list = Object.entries(tags).map(([key, value]) => ({ key, value: String(value) }))
    for (let i = 0; i < list.length; i += LIMITS.batchTags)
      await this.#client.logBatch(this.id, { tags: list.slice(i, i + LIMITS.batchTags) })
  }

  setTag(key: string, value: string | number | boolean): Promise<void> {
    return this.setTags({ [key]: value })
  }

  /** A note shown with the run (MLflow's `mlflow.note.content`). */
  setNote(text: string): Promise<void> {
    return this.setTag(SYSTEM_TAGS.note, text)
  }

  /**
   * Upload a local file or folder into the run's artifacts, under `artifactDir` (a file keeps its
   * name; a folder's contents are copied). Returns the number of files.
   */
  async logArtifact(localPath: string, artifactDir = ''): Promise<number> {
    return this.#client.logArtifacts(this.id, localPath, artifactDir)
  }

  /** Upload several local files or folders. */
  async logArtifacts(localPaths: string | string[], artifactDir = ''): Promise<number> {
    let n = 0
    for (const p of Array.isArray(localPaths) ? localPaths : [localPaths]) {
      await stat(p)
      n += await this.#client.logArtifacts(this.id, p, artifactDir)
    }
    return n
  }

  /** Store text as an artifact at `path`. */
  logText(path: string, text: string): Promise<void> {
    return this.#client.logArtifact(this.id, path, text)
  }

  /** Store a value as pretty JSON at `path`. */
  logJson(path: string, value: unknown): Promise<void> {
    return this.#client.logArtifact(this.id, path, `${JSON.stringify(value, null, 2)}\n`)
  }

  logBytes(path: string, data: Uint8Array): Promise<void> {
    return this.#client.logArtifact(this.id, path, data)
  }

  /** The run's artifacts as a store rooted at its artifact root (e.g. for `writeBundleToStore`). */
  artifacts(): Promise<ArtifactStore> {
    return this.#client.runArtifacts(this.id)
  }

  /** Record a dataset the run used, with its role (`training`, `evaluation`, …). */
  logDataset(dataset: Dataset, context?: string, tags: Record<string, string> = {}): Promise<void> {
    return this.#client.logInputs(this.id, [
      { dataset, tags: { ...tags, ...(context ? { [SYSTEM_TAGS.datasetContext]: context } : {}) } },
    ])
  }

  /** Flush metrics and mark the run FINISHED (or the status given). Calling it again does nothing. */
  async end(status: RunStatus = 'FINISHED'): Promise<void> {
    if (this.#ended) return
    try {
      await this.#buffer.close()
    } finally {
      this.#ended = true
      this.#onEnd(this)
      await this.#client.updateRun(this.id, { status, endTime: Date.now() })
    }
  }

  /** The run as stored now (flushes first). */
  async refresh(): Promise<Run> {
    await this.flush()
    return this.#client.getRun(this.id)
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.end()
  }
}
