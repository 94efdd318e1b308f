import type { Registry } from 'prom-client'

/** What prom-client's Registry reads from a metric. */
interface RenderedMetric {
  name: string
  help: string
  type: string
  aggregator: string
  values: { labels: Record<string, string | number>; value: number; metricName?: string }[]
}

/** One labelled series of a counter: increment `value` directly on the hot path. */
export interface CounterCell {
  value: number
}

/** One labelled series of a histogram; `observeInto` fills it. */
export interface HistogramCell {
  /** Per-bucket counts (not cumulative); the last slot is +Inf. */
  counts: Float64Array
  sum: number
  count: number
}

type Labels = Record<string, string>

/**
 * A Prometheus counter whose series are plain objects the hot path increments (a field write,
 * no label hashing). It registers in a prom-client Registry and renders like a prom-client counter,
 * including under prom-client's cluster aggregation.
 */
export class FastCounter {
  readonly type: 'counter' | 'gauge' = 'counter'
  /** How prom-client's cluster registry merges workers' series. */
  aggregator: 'sum' | 'max' = 'sum'
  readonly #cells = new Map<string, { labels: Labels; cell: CounterCell }>()

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never)
  }

  /** The series for these label values (created at zero on first use). Keep it; it is stable. */
  cell(...values: string[]): CounterCell {
    const key = values.join('\u0001')
    let entry = this.#cells.get(key)
    if (!entry) {
      const labels: Labels = {}
      this.labelNames.forEach((n, i) => {
        labels[n] = values[i] ?? ''
      })
      entry = { labels, cell: { value: 0 } }
      this.#cells.set(key, entry)
    }
    return entry.cell
  }

  /** Forget a series (e.g. a model version that was unloaded). */
  remove(...values: string[]): void {
    this.#cells.delete(values.join('\u0001'))
  }

  async get(): Promise<RenderedMetric> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.#cells.values()].map((e) => ({ labels: e.labels, value: e.cell.value })),
    }
  }

  reset(): void {
    for (const e of this.#cells.values()) e.cell.value = 0
  }
}

/** A gauge with settable series (`cell(...).value = x`), rendered the same way. */
export class FastGauge extends FastCounter {
  override readonly type = 'gauge' as const
  override aggregator: 'sum' | 'max' = 'max'
}

/** Prometheus histogram buckets for request latency, in seconds. */
export const LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]

/** A histogram whose series the hot path fills with `observe(cell, value)`. */
export class FastHistogram {
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  readonly #cells = new Map<string, { labels: Labels; cell: HistogramCell }>()
  readonly #bounds: Float64Array

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    registry: Registry,
    buckets: readonly number[] = LATENCY_BUCKETS,
  ) {
    this.#bounds = Float64Array.from(buckets)
    registry.registerMetric(this as never)
  }

  cell(...values: string[]): HistogramCell {
    const key = values.join('\u0001')
    let entry = this.#cells.get(key)
    if (!entry) {
      const labels: Labels = {}
      this.labelNames.forEach((n, i) => {
        labels[n] = values[i] ?? ''
      })
      entry = { labels, cell: { counts: new Float64Array(this.#bounds.length + 1), sum: 0, count: 0 } }
      this.#cells.set(key, entry)
    }
    return entry.cell
  }

  observe(cell: HistogramCell, value: number): void {
    const bounds = this.#bounds
    let i = 0
    const n = bounds.length
    while (i < n && value > (bounds[i] as number)) i++
    cell.counts[i] = (cell.counts[i] as number) + 1
    cell.sum += value
    cell.count++
  }

  remove(...values: string[]): void {
    this.#cells.delete(values.join('\u0001'))
  }

  async get(): Promise<RenderedMetric> {
    const values: RenderedMetric['values'] = []
    for (const { labels, cell } of this.#cells.values()) {
      let acc = 0
      for (let i = 0; i <= this.#bounds.length; i++) {
        acc += cell.counts[i] as number
        const le = i < this.#bounds.length ? (this.#bounds[i] as number) : '+Inf'
        values.push({ labels: { ...labels, le }, value: acc, metricName: `${this.name}_bucket` })
      }
      values.push({ labels, value: cell.sum, metricName: `${this.name}_sum` })
      values.push({ labels, value: cell.count, metricName: `${this.name}_count` })
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values }
  }

  reset(): void {
    for (const e of this.#cells.values()) {
      e.cell.counts.fill(0)
      e.cell.sum = 0
      e.cell.count = 0
    }
  }
}
