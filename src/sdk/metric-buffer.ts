import { LIMITS, type Metric } from '../tracking/index.js'

/**
 * Collects metrics logged in a tight loop and sends them in batches of up to 1000: when the buffer
 * fills, on a timer, and on `flush()`. Sends never overlap; a failed send keeps its metrics buffered
 * and its error is thrown from the next `add`/`flush`, so nothing is lost silently.
 */
export class MetricBuffer {
  #pending: Metric[] = []
  #sending: Promise<void> = Promise.resolve()
  #timer: NodeJS.Timeout | undefined
  #error: unknown

  constructor(
    readonly send: (metrics: Metric[]) => Promise<void>,
    readonly intervalMs = 1000,
    readonly batchSize: number = LIMITS.batchMetrics,
  ) {}

  /** Metrics waiting to be sent. */
  get size(): number {
    return this.#pending.length
  }

  add(metric: Metric): void {
    this.#throwPending()
    this.#pending.push(metric)
    if (this.#pending.length >= this.batchSize) void this.#drain()
    else this.#arm()
  }

  /** Send everything buffered and wait for it. */
  async flush(): Promise<void> {
    this.#disarm()
    await this.#drain()
    this.#throwPending()
  }

  /** Stop the timer (after a final flush). */
  async close(): Promise<void> {
    await this.flush()
    this.#disarm()
  }

  #throwPending(): void {
    if (this.#error !== undefined) {
      const err = this.#error
      this.#error = undefined
      throw err
    }
  }

  #arm(): void {
    if (this.#timer || this.intervalMs <= 0) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.#drain()
    }, this.intervalMs)
    this.#timer.unref()
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #drain(): Promise<void> {
    this.#sending = this.#sending.then(async () => {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, this.batchSize)
        try {
          await this.send(batch)
        } catch (err) {
          this.#pending.unshift(...batch)
          this.#error ??= err
          return
        }
      }
    })
    return this.#sending
  }
}
