import { timeOrderedId } from '../../core/index.js'
import {
  categoryColumn,
  cellValue,
  type Frame,
  type FrameColumn,
  makeFrame,
  numericColumn,
} from '../../data/index.js'
import { type AlertOutcome, type AlertRule, evaluateAlerts, type Notifier } from '../alerts/index.js'
import {
  computeDrift,
  computeDriftParallel,
  type DriftOptions,
  type DriftReport,
  type ParallelDriftOptions,
  type PreparedReference,
  prepareReference,
} from '../drift/index.js'
import { computePerformance, type PerformanceReport } from '../performance/index.js'
import { checkQuality, profileReference, type ReferenceProfile } from '../quality/index.js'
import type { MonitorStore } from '../store/index.js'
import {
  closedWindows,
  formatWindow,
  parseWindowSize,
  type TimeWindow,
  windowContaining,
} from '../windows/index.js'
import type { MonitorConfig } from './monitor-config.js'
import type { MonitorResult, ResultWindow } from './monitor-result.js'

/** A model's outputs for a set of rows. */
export interface PredictionSet {
  /** Predicted value (regression) or label (classification) per row. */
  values: readonly (number | string | null)[]
  /** Classifiers: row-major n × classes probabilities. */
  probabilities?: { classes: readonly string[]; values: Float64Array }
}

/** Rows to check: the model's inputs, and its outputs and the ground truth when known. */
export interface MonitorBatch {
  frame: Frame
  predictions?: PredictionSet
  /** Ground truth per row (null/undefined where unknown). Default: the `target` column of `frame`. */
  labels?: readonly (number | string | boolean | null | undefined)[]
}

/** The reference: data the model was trained or validated on, with its outputs when known. */
export interface MonitorReferenceData {
  frame: Frame
  predictions?: PredictionSet
}

/** Reads the rows of a time window (the serving prediction log, a file with a time column). */
export interface WindowSource {
  read(window: TimeWindow): Promise<MonitorBatch>
  /** Time of the first row, so the first window can start there. */
  earliest?(): Promise<number | undefined>
}

/** Everything a Monitor needs. */
export interface MonitorOptions {
  name: string
  config: MonitorConfig
  reference: MonitorReferenceData
  /** Where results, time series and alert states go (omit to only compute). */
  store?: MonitorStore
  rules?: readonly AlertRule[]
  notifiers?: ReadonlyMap<string, Notifier>
  /** Multi-threaded drift for large windows (default on above 200,000 rows; false = never). */
  parallel?: ParallelDriftOptions | false
  /** The wall clock (default Date.now): when results are evaluated, and so which windows are complete. */
  clock?: () => number
}

/** A window's result and what the alert rules did with it. */
export interface RecordedResult {
  result: MonitorResult
  alerts: AlertOutcome[]
}

const PARALLEL_MIN_ROWS = 200_000

function labelsFrom(
  column: FrameColumn | undefined,
  rows: number,
): (number | string | boolean | null)[] | undefined {
  if (!column) return undefined
  const out = new Array<number | string | boolean | null>(rows)
  for (let i = 0; i < rows; i++) {
    const v = cellValue(column, i)
    out[i] = v instanceof Date ? v.getTime() : v
  }
  return out
}

/**
 * Watches a model's live data against a reference: per window (or batch) it tests drift of the
 * features and of the model's outputs, checks data quality, computes performance when labels are
 * there, stores everything as a time series and evaluates the alert rules.
 */
export class Monitor {
  readonly name: string
  readonly config: MonitorConfig
  readonly task: 'classification' | 'regression'
  readonly featureColumns: string[]
  readonly #reference: PreparedReference
  readonly #profile: ReferenceProfile
  readonly #predictionReference: PreparedReference | undefined
  readonly #positiveClass: string | undefined
  readonly #options: MonitorOptions
  readonly #nonFeatures: Set<string>
  #registered = false

  constructor(options: MonitorOptions) {
    this.#options = options
    this.name = options.name
    this.config = options.config
    const c = options.config
    const ref = options.reference.frame
    this.#nonFeatures = new Set(
      [c.target, c.prediction, c.timestamp, ...(c.ignore ?? [])].filter((x): x is string => x !== undefined),
    )
    this.featureColumns = ref.columns.map((col) => col.name).filter((n) => !this.#nonFeatures.has(n))
    const features = this.#features(ref)
    this.#reference = prepareReference(features, this.#driftOptions())
    this.#profile = profileReference(features)
    const refPredictions = options.reference.predictions ?? this.#predictionsFromFrame(ref)
    const targetColumn = c.target ? ref.columns.find((col) => col.name === c.target) : undefined
    this.task =
      c.task ??
      (refPredictions?.probabilities ||
      refPredictions?.values.some((v) => typeof v === 'string') ||
      (targetColumn && ['category', 'string', 'boolean'].includes(targetColumn.type))
        ? 'classification'
        : 'regression')
    const classes = refPredictions?.probabilities?.classes
    this.#positiveClass = classes && classes.length === 2 ? [...classes].sort()[1] : undefined
    this.#predictionReference = refPredictions
      ? prepareReference(this.#predictionFrame(refPredictions), {})
      : undefined
  }

  #now(): number {
    return this.#options.clock?.() ?? Date.now()
  }

  #driftOptions(): DriftOptions {
    return this.config.drift ?? {}
  }

  #features(frame: Frame): Frame {
    return { rowCount: frame.rowCount, columns: frame.columns.filter((c) => !this.#nonFeatures.has(c.name)) }
  }

  #predictionsFromFrame(frame: Frame): PredictionSet | undefined {
    const name = this.config.prediction
    const column = name ? frame.columns.find((c) => c.name === name) : undefined
    if (!column) return undefined
    const values = labelsFrom(column, frame.rowCount) as (number | string | boolean | null)[]
    return { values: values.map((v) => (typeof v === 'boolean' ? String(v) : v)) }
  }

  #predictionFrame(p: PredictionSet): Frame {
    const columns: FrameColumn[] = []
    if (this.task === 'classification') {
      columns.push(
        categoryColumn(
          'prediction',
          p.values.map((v) => (v === null ? null : String(v))),
        ),
      )
    } else {
      columns.push(
        numericColumn(
          'prediction',
          p.values.map((v) => (v === null ? Number.NaN : Number(v))),
        ),
      )
    }
    const probs = p.probabilities
    const pos = this.#positiveClass
    if (probs && pos !== undefined) {
      const k = probs.classes.length
      const j = probs.classes.indexOf(pos)
      if (j >= 0) {
        const n = p.values.length
        const v = new Float64Array(n)
        for (let i = 0; i < n; i++) v[i] = probs.values[i * k + j] as number
        columns.push(numericColumn(`probability:${pos}`, v))
      }
    }
    return makeFrame(columns)
  }

  async #drift(reference: PreparedReference, current: Frame, options: DriftOptions): Promise<DriftReport> {
    const parallel = this.#options.parallel
    if (parallel !== false && current.rowCount >= (parallel?.minRowsPerTask ?? PARALLEL_MIN_ROWS)) {
      return computeDriftParallel(reference, current, options, parallel ?? {})
    }
    return computeDrift(reference, current, options)
  }

  /** Check one window or batch; nothing is stored. */
  async evaluate(
    batch: MonitorBatch,
    window: ResultWindow,
    context: { expectedRows?: number } = {},
  ): Promise<MonitorResult> {
    const t0 = performance.now()
    const rows = batch.frame.rowCount
    const features = this.#features(batch.frame)
    const labels =
      batch.labels ??
      labelsFrom(
        this.config.target ? batch.frame.columns.find((c) => c.name === this.config.target) : undefined,
        rows,
      )
    const predictions = batch.predictions ?? this.#predictionsFromFrame(batch.frame)
    let labelled = 0
    if (labels) for (const l of labels) if (l !== null && l !== undefined) labelled++
    const minRows = this.config.minRows ?? 1
    const status: MonitorResult['status'] = rows === 0 ? 'empty' : rows < minRows ? 'insufficient' : 'ok'
    const drift = status === 'ok' ? await this.#drift(this.#reference, features, this.#driftOptions()) : null
    const predictionDrift =
      status === 'ok' && predictions && this.#predictionReference
        ? await this.#drift(this.#predictionReference, this.#predictionFrame(predictions), {})
        : null
    const quality = checkQuality(
      this.#profile,
      features,
      this.config.quality,
      context.expectedRows !== undefined ? { expectedRows: context.expectedRows } : {},
    )
    let perf: PerformanceReport | null = null
    if (predictions) {
      perf = computePerformance(
        {
          task: this.task,
          predictions: predictions.values,
          ...(predictions.probabilities ? { probabilities: predictions.probabilities } : {}),
          ...(labels ? { labels } : {}),
        },
        {
          ...this.config.performance,
          ...(this.#positiveClass !== undefined && this.config.performance?.positiveLabel === undefined
            ? { positiveLabel: this.#positiveClass }
            : {}),
        },
      )
    }
    const durationMs = performance.now() - t0
    return {
      runId: timeOrderedId(),
      monitor: this.name,
      model: this.config.model ?? null,
      window,
      status,
      rowCount: rows,
      labelledRows: labelled,
      drift,
      predictionDrift,
      quality,
      performance: perf,
      evaluatedAt: this.#now(),
      durationMs,
    }
  }

  /** Store a result (when the monitor has a store) and evaluate the alert rules on it. */
  async record(result: MonitorResult): Promise<RecordedResult> {
    const store = this.#options.store
    if (!store) return { result, alerts: [] }
    if (!this.#registered) {
      await store.upsertMonitor({ name: this.name, model: this.config.model ?? null, config: this.config })
      this.#registered = true
    }
    await store.saveResult(result)
    const rules = this.#options.rules ?? []
    const alerts =
      rules.length > 0
        ? await evaluateAlerts(store, rules, result, this.#options.notifiers ?? new Map(), this.#now())
        : []
    return { result, alerts }
  }

  /** Check a batch handed in whole, store it and evaluate alerts. */
  async runBatch(batch: MonitorBatch, label = 'batch', at = this.#now()): Promise<RecordedResult> {
    const expectedRows = await this.#options.store?.expectedRows(this.name, at, 7, 'batch')
    const result = await this.evaluate(
      batch,
      { start: at, end: at, kind: 'batch', label },
      expectedRows !== undefined ? { expectedRows } : {},
    )
    return this.record(result)
  }

  /**
   * Evaluate every closed window not yet done: from the end of the last window that was complete
   * when it was stored (or `from`, the configured `start`, or the first row of the source) up to
   * `now − lag`. A `now` ahead of the clock closes windows early; such a window is evaluated
   * again on a later run, since rows may still arrive in it (the store keeps the latest result).
   */
  async runWindows(
    source: WindowSource,
    options: {
      now?: number
      from?: number
      maxWindows?: number
      onWindow?: (r: RecordedResult) => void
    } = {},
  ): Promise<RecordedResult[]> {
    const size = parseWindowSize(this.config.window ?? '1d')
    const lag = this.config.lag ? parseWindowSize(this.config.lag) : 0
    const store = this.#options.store
    const last = store ? await store.lastCompleteWindow(this.name, lag) : undefined
    let from = options.from ?? last?.windowEnd
    if (from === undefined && this.config.start) from = Date.parse(this.config.start)
    if (from === undefined) from = await source.earliest?.()
    if (from === undefined || Number.isNaN(from)) return []
    const start = last && options.from === undefined ? from : windowContaining(from, size).start
    const windows = closedWindows(start, (options.now ?? this.#now()) - lag, size, options.maxWindows ?? 1000)
    const out: RecordedResult[] = []
    for (const w of windows) {
      const batch = await source.read(w)
      const expectedRows = await store?.expectedRows(this.name, w.start)
      const result = await this.evaluate(
        batch,
        { ...w, kind: 'window', label: formatWindow(w) },
        expectedRows !== undefined ? { expectedRows } : {},
      )
      const recorded = await this.record(result)
      options.onWindow?.(recorded)
      out.push(recorded)
    }
    return out
  }
}
