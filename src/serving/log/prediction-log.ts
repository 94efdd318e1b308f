import type { Worker } from 'node:worker_threads'
import { CairnError, getLogger, shortId, startWorker } from '../../core/index.js'
import type { PredictionResult, Signature } from '../../ml/index.js'
import type { ServingMetrics } from '../metrics/serving-metrics.js'
import { KIND, type LogChunk, type LogLayout, logLayout, META, newChunk } from './log-layout.js'
import type { LogSinkOptions } from './sinks/log-sink.js'
import type { WorkerReply, WorkerRequest } from './worker-protocol.js'

/** Settings of the prediction log. */
export interface PredictionLogOptions {
  /** Where rows go: the metadata store (`{kind:'store', uri}`) or Parquet files in an artifact store. */
  sink: LogSinkOptions
  /** Rows per chunk handed to the writer thread (default 1024). */
  chunkRows?: number
  /** Rows that may wait to be written before appends wait for room (default 200,000). */
  maxQueuedRows?: number
  /** A partly filled chunk is handed over at least this often (default 200 ms). */
  flushIntervalMs?: number
  /** How long an append waits for room before the row is dropped and counted (default 2,000 ms). */
  backpressureTimeoutMs?: number
  metrics?: ServingMetrics
  /** Prefix of this process's prediction ids (default: 10 random hex digits and `-`). */
  idPrefix?: string
}

const log = getLogger('prediction-log')

/**
 * The prediction log of a serving process. Rows are encoded into preallocated typed-array chunks
 * on the request path (no per-row objects), handed to a writer thread when full or every
 * `flushIntervalMs`, and written there in batches; the chunk memory comes back for reuse. The
 * queue is bounded: when `maxQueuedRows` wait, appends wait for room (back-pressure) up to
 * `backpressureTimeoutMs`, then drop the row and count it.
 */
export class PredictionLog {
  readonly idPrefix: string
  readonly #worker: Worker
  readonly #chunkRows: number
  readonly #maxQueued: number
  readonly #timeoutMs: number
  readonly #metrics: ServingMetrics | undefined
  readonly #writers: LogWriter[] = []
  readonly #pools = new Map<number, LogChunk[]>()
  readonly #pending = new Map<number, () => void>()
  #waiters: (() => void)[] = []
  #timer: NodeJS.Timeout
  #nextLayout = 1
  #nextMessage = 1
  #queued = 0
  #written = 0
  #dropped = 0
  #closed = false
  #workerError: Error | undefined

  private constructor(worker: Worker, options: PredictionLogOptions) {
    this.#worker = worker
    this.idPrefix = options.idPrefix ?? `${shortId(5)}-`
    this.#chunkRows = options.chunkRows ?? 1024
    this.#maxQueued = options.maxQueuedRows ?? 200_000
    this.#timeoutMs = options.backpressureTimeoutMs ?? 2000
    this.#metrics = options.metrics
    this.#timer = setInterval(() => this.#handOverPartial(), options.flushIntervalMs ?? 200)
    this.#timer.unref()
    worker.on('message', (m: WorkerReply) => this.#onReply(m))
    worker.on('error', (err) => {
      this.#workerError = err
      log.error({ err }, 'prediction-log writer thread failed')
      for (const done of this.#pending.values()) done()
    })
  }

  /** Start the writer thread and open the sink (the metadata store is migrated if needed). */
  static async open(options: PredictionLogOptions): Promise<PredictionLog> {
    const worker = startWorker(import.meta.url, './log-worker')
    worker.unref()
    const pl = new PredictionLog(worker, options)
    await pl.#request({ type: 'open', sink: options.sink })
    if (pl.#workerError) {
      await worker.terminate()
      throw new CairnError(
        'CAIRN_STORE_UNAVAILABLE',
        `The prediction log could not open: ${pl.#workerError.message}`,
      )
    }
    return pl
  }

  /** Rows appended and not yet written. */
  get queuedRows(): number {
    return this.#queued
  }

  /** Rows written to the sink so far. */
  get writtenRows(): number {
    return this.#written
  }

  /** Rows dropped because the queue stayed full. */
  get droppedRows(): number {
    return this.#dropped
  }

  /** A writer for one model version's rows (its column layout is sent to the writer thread once). */
  writer(model: string, version: string, signature: Signature): LogWriter {
    const layout = logLayout(this.#nextLayout++, model, version, this.idPrefix, signature)
    this.#post({ type: 'layout', layout })
    const w = new LogWriter(this, layout)
    this.#writers.push(w)
    return w
  }

  /** Hand every partly filled chunk over and resolve when all rows so far are written. */
  async flush(): Promise<void> {
    this.#handOverPartial()
    await this.#request({ type: 'flush' })
  }

  /** Flush, stop the writer thread and close the sink. Rows that cannot be written in time are counted as dropped. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.#closed) return
    this.#handOverPartial()
    this.#closed = true
    clearInterval(this.#timer)
    const closed = this.#request({ type: 'close' })
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), timeoutMs)
    })
    const result = await Promise.race([closed.then(() => 'ok' as const), timedOut])
    clearTimeout(timer)
    if (result === 'timeout' && this.#queued > 0) {
      log.error({ rows: this.#queued }, 'prediction log not written before shutdown; rows dropped')
      this.#drop(this.#queued)
      this.#queued = 0
    }
    for (const w of this.#waiters) w()
    this.#waiters = []
    await this.#worker.terminate()
  }

  /** @internal A chunk for a layout, from the pool or new; undefined when the queue is full. */
  takeChunk(layout: LogLayout): LogChunk | undefined {
    if (this.#queued >= this.#maxQueued || this.#closed) return undefined
    return this.#pools.get(layout.id)?.pop() ?? newChunk(layout, this.#chunkRows)
  }

  /** @internal Count rows appended. */
  added(n: number): void {
    this.#queued += n
    if (this.#metrics) this.#metrics.logQueued.cell().value = this.#queued
  }

  /** @internal Hand a chunk to the writer thread. */
  handOver(chunk: LogChunk): void {
    const transfer = [chunk.nums.buffer, chunk.outs.buffer, chunk.meta.buffer] as ArrayBuffer[]
    this.#worker.postMessage({ type: 'chunk', chunk } satisfies WorkerRequest, transfer)
  }

  /** @internal Wait until the queue has room (or the wait times out: then false). */
  waitForRoom(): Promise<boolean> {
    if (this.#queued < this.#maxQueued) return Promise.resolve(true)
    if (this.#closed) return Promise.resolve(false)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== wake)
        resolve(false)
      }, this.#timeoutMs)
      const wake = () => {
        clearTimeout(timer)
        resolve(this.#queued < this.#maxQueued)
      }
      this.#waiters.push(wake)
    })
  }

  /** @internal Count rows that could not be logged. */
  dropRows(n: number): void {
    this.#drop(n)
  }

  #drop(n: number): void {
    this.#dropped += n
    if (this.#metrics) this.#metrics.logDropped.cell().value += n
  }

  #handOverPartial(): void {
    for (const w of this.#writers) w.handOverPartial()
  }

  #post(msg: WorkerRequest): void {
    this.#worker.postMessage(msg)
  }

  #request(
    msg: { type: 'open'; sink: LogSinkOptions } | { type: 'flush' } | { type: 'close' },
  ): Promise<void> {
    if (this.#workerError) return Promise.resolve()
    const id = this.#nextMessage++
    return new Promise((resolve) => {
      this.#pending.set(id, resolve)
      this.#post({ ...msg, id } as WorkerRequest)
    })
  }

  #onReply(m: WorkerReply): void {
    switch (m.type) {
      case 'done': {
        const chunk = m.chunk
        this.#queued -= chunk.count
        this.#written += m.written
        if (this.#metrics) {
          this.#metrics.logWritten.cell().value += m.written
          this.#metrics.logQueued.cell().value = this.#queued
        }
        if (m.written < chunk.count) this.#drop(chunk.count - m.written)
        chunk.count = 0
        let pool = this.#pools.get(chunk.layoutId)
        if (!pool) this.#pools.set(chunk.layoutId, (pool = []))
        if (pool.length < 64) pool.push(chunk)
        if (this.#waiters.length > 0 && this.#queued < this.#maxQueued) {
          const ws = this.#waiters
          this.#waiters = []
          for (const w of ws) w()
        }
        break
      }
      case 'reply': {
        const done = this.#pending.get(m.id)
        this.#pending.delete(m.id)
        if (m.error) {
          this.#workerError = new Error(m.error)
          log.error({ error: m.error }, 'prediction-log writer failed')
        }
        done?.()
        break
      }
      case 'warn':
        log.warn({ error: m.error, attempt: m.attempt }, 'prediction-log write failed; retrying')
        break
    }
  }
}

/**
 * Appends one model version's rows. `appendRow`/`appendBatch` return false when the queue is full;
 * then call `appendRowLater`/`appendBatchLater`, which wait for room and drop (counted) on timeout.
 */
export class LogWriter {
  readonly layout: LogLayout
  readonly #log: PredictionLog
  readonly #catIndex: (Map<string, number> | null)[]
  #chunk: LogChunk | undefined

  constructor(log: PredictionLog, layout: LogLayout) {
    this.#log = log
    this.layout = layout
    this.#catIndex = layout.categories.map((c) => (c ? new Map(c.map((v, i) => [v, i])) : null))
  }

  /** Append one answered row (already validated and normalised). */
  appendRow(
    row: Readonly<Record<string, unknown>>,
    value: number,
    probabilities: ArrayLike<number> | undefined,
    seq: number,
    requestSeq: number,
    timestamp: number,
    latencyMs: number,
    variant: number,
  ): boolean {
    let chunk = this.#chunk
    if (chunk === undefined) {
      chunk = this.#log.takeChunk(this.layout)
      if (chunk === undefined) return false
      this.#chunk = chunk
    }
    const L = this.layout
    const r = chunk.count
    const names = L.names
    const kinds = L.kinds
    const slots = L.slots
    const nb = r * L.numWidth
    for (let i = 0; i < names.length; i++) {
      const v = row[names[i] as string]
      const kind = kinds[i] as number
      const slot = slots[i] as number
      if (kind === KIND.string) {
        ;(chunk.strs as (string | null)[])[r * L.strWidth + slot] =
          v === null || v === undefined ? null : String(v)
      } else if (kind === KIND.category) {
        chunk.nums[nb + slot] =
          v === null || v === undefined
            ? -1
            : ((this.#catIndex[i] as Map<string, number>).get(String(v)) ?? -2)
      } else {
        chunk.nums[nb + slot] = typeof v === 'number' ? v : v === true ? 1 : v === false ? 0 : Number.NaN
      }
    }
    this.#writeMeta(chunk, r, value, probabilities, seq, requestSeq, timestamp, latencyMs, variant)
    return true
  }

  /** Append rows of a batch: `rows[i]` was answered with `result` row `i` and id `seqStart + i`. */
  appendBatch(
    rows: readonly Readonly<Record<string, unknown>>[],
    result: PredictionResult,
    seqStart: number,
    timestamp: number,
    latencyMs: number,
    variant: number,
    from = 0,
  ): number {
    const k = this.layout.classes?.length ?? 0
    const probs = result.probabilities
    for (let i = from; i < rows.length; i++) {
      const p = probs && k > 0 ? probs.subarray(i * k, i * k + k) : undefined
      const ok = this.appendRow(
        rows[i] as Readonly<Record<string, unknown>>,
        result.values[i] as number,
        p,
        seqStart + i,
        seqStart,
        timestamp,
        latencyMs,
        variant,
      )
      if (!ok) return i
    }
    return rows.length
  }

  /** The slow path of `appendRow`: wait for room, and drop (counted) when there is none in time. */
  async appendRowLater(
    row: Readonly<Record<string, unknown>>,
    value: number,
    probabilities: ArrayLike<number> | undefined,
    seq: number,
    requestSeq: number,
    timestamp: number,
    latencyMs: number,
    variant: number,
  ): Promise<void> {
    const probs = probabilities ? Float64Array.from(probabilities) : undefined
    for (;;) {
      if (!(await this.#log.waitForRoom())) {
        this.#log.dropRows(1)
        return
      }
      if (this.appendRow(row, value, probs, seq, requestSeq, timestamp, latencyMs, variant)) return
    }
  }

  /** The slow path of `appendBatch`: wait for room, and drop (counted) what still does not fit. */
  async appendBatchLater(
    rows: readonly Readonly<Record<string, unknown>>[],
    result: PredictionResult,
    seqStart: number,
    timestamp: number,
    latencyMs: number,
    variant: number,
    from: number,
  ): Promise<void> {
    let i = from
    while (i < rows.length) {
      if (!(await this.#log.waitForRoom())) {
        this.#log.dropRows(rows.length - i)
        return
      }
      i = this.appendBatch(rows, result, seqStart, timestamp, latencyMs, variant, i)
    }
  }

  /** @internal Hand the current chunk over if it holds rows. */
  handOverPartial(): void {
    const chunk = this.#chunk
    if (chunk && chunk.count > 0) {
      this.#chunk = undefined
      this.#log.handOver(chunk)
    }
  }

  #writeMeta(
    chunk: LogChunk,
    r: number,
    value: number,
    probabilities: ArrayLike<number> | undefined,
    seq: number,
    requestSeq: number,
    timestamp: number,
    latencyMs: number,
    variant: number,
  ): void {
    const L = this.layout
    const ob = r * L.outWidth
    chunk.outs[ob] = value
    if (probabilities !== undefined) {
      const k = L.outWidth - 1
      for (let j = 0; j < k; j++) chunk.outs[ob + 1 + j] = probabilities[j] as number
    }
    const mb = r * META.width
    const meta = chunk.meta
    meta[mb] = seq
    meta[mb + 1] = requestSeq
    meta[mb + 2] = timestamp
    meta[mb + 3] = latencyMs
    meta[mb + 4] = variant
    chunk.count = r + 1
    this.#log.added(1)
    if (r + 1 === chunk.capacity) {
      this.#chunk = undefined
      this.#log.handOver(chunk)
    }
  }
}
