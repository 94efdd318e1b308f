import { type ColumnType, type Frame, frameFromRows } from '../../data/index.js'
import { countPredictionLog, iteratePredictionLog, type PredictionRecord } from '../../serving/index.js'
import type { MetadataStore } from '../../store/index.js'
import type { TimeWindow } from '../windows/index.js'
import type { MonitorBatch, PredictionSet, WindowSource } from './monitor.js'

/** Which predictions of the serving log a monitor reads. */
export interface PredictionLogSourceOptions {
  model: string
  version?: string
  /** Default `champion`: the model users are answered by. */
  variant?: 'champion' | 'canary' | 'shadow'
  /** Column types of the model's inputs (from the reference), so windows read like the reference. */
  columnTypes?: Record<string, ColumnType>
  /** Column order of the frames (default: first seen). */
  columns?: readonly string[]
}

/**
 * Build a frame from logged inputs, reading each column with the reference's type. A column whose
 * values do not fit that type is read as it is (categories), so drift and data quality report the
 * mismatch instead of the window failing.
 */
export function inputsToFrame(
  rows: readonly Record<string, unknown>[],
  types: Record<string, ColumnType>,
  columns?: readonly string[],
): Frame {
  try {
    return frameFromRows(rows, types, columns)
  } catch {
    const ok: Record<string, ColumnType> = {}
    for (const [name, type] of Object.entries(types)) {
      try {
        frameFromRows(
          rows.map((r) => ({ [name]: r[name] })),
          { [name]: type },
        )
        ok[name] = type
      } catch {}
    }
    return frameFromRows(rows, ok, columns)
  }
}

/** Turn logged records into a monitor batch: inputs, predictions (with probabilities) and labels. */
export function recordsToBatch(
  records: readonly PredictionRecord[],
  types: Record<string, ColumnType> = {},
  columns?: readonly string[],
): MonitorBatch {
  const frame = inputsToFrame(
    records.map((r) => r.inputs),
    types,
    columns,
  )
  const values = records.map((r) => r.prediction)
  const withProbs = records.find((r) => r.probabilities)
  let probabilities: PredictionSet['probabilities']
  if (withProbs?.probabilities) {
    const classes = Object.keys(withProbs.probabilities)
    const k = classes.length
    const v = new Float64Array(records.length * k).fill(Number.NaN)
    records.forEach((r, i) => {
      if (!r.probabilities) return
      classes.forEach((c, j) => {
        v[i * k + j] = r.probabilities?.[c] ?? Number.NaN
      })
    })
    probabilities = { classes, values: v }
  }
  return {
    frame,
    predictions: { values, ...(probabilities ? { probabilities } : {}) },
    labels: records.map((r) => (r.label === undefined ? null : r.label)),
  }
}

/** Windows over the serving prediction log (joined with feedback labels) of one model. */
export function predictionLogSource(
  metadata: MetadataStore,
  options: PredictionLogSourceOptions,
): WindowSource {
  const variant = options.variant ?? 'champion'
  const base = { model: options.model, variant, ...(options.version ? { version: options.version } : {}) }
  return {
    async read(w: TimeWindow): Promise<MonitorBatch> {
      const records: PredictionRecord[] = []
      for await (const page of iteratePredictionLog(metadata, { ...base, from: w.start, to: w.end }))
        records.push(...page)
      return recordsToBatch(records, options.columnTypes ?? {}, options.columns)
    },
    async earliest() {
      if ((await countPredictionLog(metadata, base)) === 0) return undefined
      for await (const page of iteratePredictionLog(metadata, { ...base, limit: 1 }))
        return page[0]?.timestamp
      return undefined
    },
  }
}
