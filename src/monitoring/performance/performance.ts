import { z } from 'zod'
import { accuracy, f1, logLoss, mae, mape, precision, r2, recall, rmse, rocAuc } from '../../ml/index.js'

/** Predictions of a window with the ground truth where known. */
export interface PredictionsWithLabels {
  task: 'classification' | 'regression'
  /** Predicted value (regression) or label (classification), per row; null when missing. */
  predictions: readonly (number | string | null)[]
  /** Classifiers: row-major n × classes probabilities. */
  probabilities?: { classes: readonly string[]; values: Float64Array }
  /** Ground truth per row; null/undefined when not (yet) known. */
  labels?: readonly (number | string | boolean | null | undefined)[]
}

export const performanceOptionsSchema = z.strictObject({
  /** Metrics to compute (default: accuracy, f1, precision, recall, roc_auc, log_loss / rmse, mae, r2, mape). */
  metrics: z.array(z.string()).optional(),
  /** A classifier's prediction is "near the boundary" when its top-two margin is below this (default 0.1). */
  boundaryMargin: z.number().min(0).max(1).optional(),
  /** Labelled rows needed before metrics are computed (default 1). */
  minLabelled: z.number().int().min(1).optional(),
  /** The positive class of binary classifiers (default: the greater of the two labels). */
  positiveLabel: z.union([z.string(), z.number()]).optional(),
})
export type PerformanceOptions = z.infer<typeof performanceOptionsSchema>

/** How the model did on one window. */
export interface PerformanceReport {
  task: 'classification' | 'regression'
  rows: number
  labelled: number
  /** `ok` when metrics were computed; otherwise why not. */
  status: 'ok' | 'no_labels' | 'insufficient_labels' | 'no_predictions'
  metrics: Record<string, number>
  /** Metrics that could not be computed, with the reason. */
  metricErrors: Record<string, string>
  /** Classifiers with probabilities: share of rows whose top-two probability margin < boundaryMargin. */
  nearBoundaryShare: number | null
  boundaryMargin: number
}

const CLASSIFICATION_METRICS = ['accuracy', 'f1', 'precision', 'recall', 'roc_auc', 'log_loss']
const REGRESSION_METRICS = ['rmse', 'mae', 'r2', 'mape']

/** Metric names a monitor can compute, by task. */
export const performanceMetricNames = {
  classification: CLASSIFICATION_METRICS,
  regression: REGRESSION_METRICS,
}

/** Whether larger is better for a performance metric. */
export function greaterIsBetter(metric: string): boolean {
  return !['log_loss', 'rmse', 'mae', 'mape', 'mse'].includes(metric)
}

function nearBoundary(
  p: { classes: readonly string[]; values: Float64Array },
  rows: number,
  margin: number,
): number {
  const k = p.classes.length
  if (k < 2 || rows === 0) return Number.NaN
  let near = 0
  for (let r = 0; r < rows; r++) {
    let best = Number.NEGATIVE_INFINITY
    let second = Number.NEGATIVE_INFINITY
    for (let j = 0; j < k; j++) {
      const v = p.values[r * k + j] as number
      if (v > best) {
        second = best
        best = v
      } else if (v > second) second = v
    }
    if (best - second < margin) near++
  }
  return near / rows
}

/**
 * The model's metrics on the labelled rows of a window; until labels arrive, the share of
 * predictions near the decision boundary (classifiers with probabilities). Metrics that do not
 * apply (ROC AUC of a multiclass model without probabilities, R² of one row) are listed in
 * `metricErrors` with the reason.
 */
export function computePerformance(
  input: PredictionsWithLabels,
  options: PerformanceOptions = {},
): PerformanceReport {
  const rows = input.predictions.length
  const margin = options.boundaryMargin ?? 0.1
  const near =
    input.task === 'classification' && input.probabilities
      ? nearBoundary(input.probabilities, rows, margin)
      : Number.NaN
  const base = {
    task: input.task,
    rows,
    boundaryMargin: margin,
    nearBoundaryShare: Number.isNaN(near) ? null : near,
    metrics: {} as Record<string, number>,
    metricErrors: {} as Record<string, string>,
  }
  if (rows === 0) return { ...base, labelled: 0, status: 'no_predictions' }
  const idx: number[] = []
  const labels = input.labels ?? []
  for (let i = 0; i < rows; i++) {
    const l = labels[i]
    if (
      l !== null &&
      l !== undefined &&
      input.predictions[i] !== null &&
      !(typeof l === 'number' && Number.isNaN(l))
    )
      idx.push(i)
  }
  const labelled = idx.length
  if (labelled === 0) return { ...base, labelled, status: 'no_labels' }
  if (labelled < (options.minLabelled ?? 1)) return { ...base, labelled, status: 'insufficient_labels' }
  const wanted =
    options.metrics ?? (input.task === 'classification' ? CLASSIFICATION_METRICS : REGRESSION_METRICS)
  const metrics: Record<string, number> = {}
  const errors: Record<string, string> = {}
  if (input.task === 'regression') {
    const yTrue = Float64Array.from(idx, (i) => Number(labels[i]))
    const yPred = Float64Array.from(idx, (i) => Number(input.predictions[i]))
    const fns: Record<string, () => number> = {
      rmse: () => rmse(yTrue, yPred),
      mae: () => mae(yTrue, yPred),
      r2: () => r2(yTrue, yPred),
      mape: () => mape(yTrue, yPred),
    }
    for (const m of wanted) run(m, fns[m], metrics, errors)
  } else {
    const yTrue = idx.map((i) => String(labels[i]))
    const yPred = idx.map((i) => String(input.predictions[i]))
    const classes = [...new Set([...yTrue, ...yPred, ...(input.probabilities?.classes ?? [])])].sort()
    const binary = classes.length === 2
    const pos =
      options.positiveLabel !== undefined ? String(options.positiveLabel) : classes[classes.length - 1]
    const avg = binary
      ? { average: 'binary' as const, posLabel: pos as string }
      : { average: 'macro' as const }
    const probs = input.probabilities
    const fns: Record<string, () => number> = {
      accuracy: () => accuracy(yTrue, yPred),
      f1: () => f1(yTrue, yPred, avg),
      precision: () => precision(yTrue, yPred, avg),
      recall: () => recall(yTrue, yPred, avg),
      roc_auc: () => {
        if (!probs) throw new Error('needs probabilities')
        if (probs.classes.length !== 2) throw new Error('binary classifiers only')
        const col = probs.classes.indexOf(pos as string)
        if (col < 0) throw new Error(`no probability column for "${pos}"`)
        const k = probs.classes.length
        return rocAuc(
          yTrue,
          Float64Array.from(idx, (i) => probs.values[i * k + col] as number),
          { posLabel: pos as string },
        )
      },
      log_loss: () => {
        if (!probs) throw new Error('needs probabilities')
        const k = probs.classes.length
        const values = new Float64Array(idx.length * k)
        idx.forEach((i, r) => {
          values.set(probs.values.subarray(i * k, i * k + k), r * k)
        })
        return logLoss(yTrue, values, { labels: probs.classes })
      },
    }
    for (const m of wanted) run(m, fns[m], metrics, errors)
  }
  return { ...base, labelled, status: 'ok', metrics, metricErrors: errors }
}

function run(
  name: string,
  fn: (() => number) | undefined,
  metrics: Record<string, number>,
  errors: Record<string, string>,
): void {
  if (!fn) {
    errors[name] = 'unknown metric for this task'
    return
  }
  try {
    const v = fn()
    if (Number.isFinite(v)) metrics[name] = v
    else errors[name] = `not finite (${v})`
  } catch (err) {
    errors[name] = err instanceof Error ? err.message : String(err)
  }
}
