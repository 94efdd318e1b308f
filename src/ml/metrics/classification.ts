import { CairnError } from '../../core/index.js'
import {
  checkLengths,
  checkWeights,
  encodeLabels,
  type Label,
  type LabelArray,
  resolvePosLabel,
  weightAt,
} from './labels.js'

/** Options shared by label-based classification metrics. */
export interface LabelMetricOptions {
  /** Per-row weights. */
  sampleWeight?: ArrayLike<number>
  /** The classes to consider, in order (default: the sorted union of true and predicted labels). */
  labels?: readonly Label[]
}

/** How per-class scores are combined: one class (`binary`), unweighted mean, support-weighted mean, or pooled counts. */
export type Average = 'binary' | 'macro' | 'weighted' | 'micro'

export interface AveragedMetricOptions extends LabelMetricOptions {
  /** Default `binary`. */
  average?: Average
  /** The positive class for `binary` (default 1, or the greater of two labels). */
  posLabel?: Label
  /** The value used when a ratio has a zero denominator (default 0, as scikit-learn after its warning). */
  zeroDivision?: number
}

/** A confusion matrix: `matrix[t][p]` counts (or weighs) rows of true class t predicted as p. */
export interface ConfusionMatrix {
  labels: Label[]
  matrix: number[][]
}

/** Per-class precision, recall, F-beta and support, in `labels` order. */
export interface ClassScores {
  labels: Label[]
  precision: number[]
  recall: number[]
  fbeta: number[]
  support: number[]
}

/**
 * Confusion matrix with rows for true labels and columns for predictions. `normalize` divides by
 * row (`true`), column (`pred`) or overall (`all`) totals.
 */
export function confusionMatrix(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: LabelMetricOptions & { normalize?: 'true' | 'pred' | 'all' } = {},
): ConfusionMatrix {
  const n = yTrue.length
  checkLengths('confusionMatrix', n, yPred, options.sampleWeight)
  checkWeights('confusionMatrix', options.sampleWeight)
  const { classes, codes } = encodeLabels([yTrue, yPred], options.labels)
  const [t, p] = codes as [Int32Array, Int32Array]
  const k = classes.length
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  for (let i = 0; i < n; i++) {
    const row = matrix[t[i] as number] as number[]
    row[p[i] as number] = (row[p[i] as number] as number) + weightAt(options.sampleWeight, i)
  }
  if (options.normalize) normalizeMatrix(matrix, options.normalize)
  return { labels: classes, matrix }
}

function normalizeMatrix(m: number[][], how: 'true' | 'pred' | 'all'): void {
  const k = m.length
  const div = (i: number, j: number, d: number) => {
    const row = m[i] as number[]
    row[j] = d === 0 ? 0 : (row[j] as number) / d
  }
  if (how === 'all') {
    const s = m.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0)
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) div(i, j, s)
  } else if (how === 'true') {
    for (let i = 0; i < k; i++) {
      const s = (m[i] as number[]).reduce((x, y) => x + y, 0)
      for (let j = 0; j < k; j++) div(i, j, s)
    }
  } else {
    for (let j = 0; j < k; j++) {
      let s = 0
      for (let i = 0; i < k; i++) s += (m[i] as number[])[j] as number
      for (let i = 0; i < k; i++) div(i, j, s)
    }
  }
}

/** Fraction (or weighted fraction) of rows predicted correctly. */
export function accuracy(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: { sampleWeight?: ArrayLike<number> } = {},
): number {
  const n = yTrue.length
  checkLengths('accuracy', n, yPred, options.sampleWeight)
  checkWeights('accuracy', options.sampleWeight)
  let hit = 0
  let total = 0
  for (let i = 0; i < n; i++) {
    const w = weightAt(options.sampleWeight, i)
    if (yTrue[i] === yPred[i]) hit += w
    total += w
  }
  return total === 0 ? 0 : hit / total
}

/** Mean of per-class recall over the classes present in `yTrue` (robust to class imbalance). */
export function balancedAccuracy(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: { sampleWeight?: ArrayLike<number> } = {},
): number {
  const { matrix } = confusionMatrix(yTrue, yPred, options)
  let sum = 0
  let classes = 0
  matrix.forEach((row, i) => {
    const s = row.reduce((a, b) => a + b, 0)
    if (s > 0) {
      sum += (row[i] as number) / s
      classes++
    }
  })
  return classes === 0 ? 0 : sum / classes
}

/** Precision, recall, F-beta and support for every class (scikit-learn's `precision_recall_fscore_support`). */
export function classScores(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: LabelMetricOptions & { beta?: number; zeroDivision?: number } = {},
): ClassScores {
  const { labels, matrix } = confusionMatrix(yTrue, yPred, options)
  const beta2 = (options.beta ?? 1) ** 2
  const zd = options.zeroDivision ?? 0
  const k = labels.length
  const out: ClassScores = { labels, precision: [], recall: [], fbeta: [], support: [] }
  for (let c = 0; c < k; c++) {
    const tp = (matrix[c] as number[])[c] as number
    let predicted = 0
    for (let i = 0; i < k; i++) predicted += (matrix[i] as number[])[c] as number
    const support = (matrix[c] as number[]).reduce((a, b) => a + b, 0)
    const p = predicted === 0 ? zd : tp / predicted
    const r = support === 0 ? zd : tp / support
    out.precision.push(p)
    out.recall.push(r)
    out.fbeta.push(fbetaOf(p, r, beta2, predicted, support, zd))
    out.support.push(support)
  }
  return out
}

function fbetaOf(p: number, r: number, beta2: number, pred: number, sup: number, zd: number): number {
  if (pred === 0 && sup === 0) return zd
  const d = beta2 * p + r
  return d === 0 ? 0 : ((1 + beta2) * p * r) / d
}

type Which = 'precision' | 'recall' | 'fbeta'

function averaged(
  which: Which,
  yTrue: LabelArray,
  yPred: LabelArray,
  options: AveragedMetricOptions & { beta?: number },
  what: string,
): number {
  const average = options.average ?? 'binary'
  const zd = options.zeroDivision ?? 0
  const beta2 = (options.beta ?? 1) ** 2
  if (average === 'binary') {
    const { classes } = encodeLabels([yTrue, yPred], options.labels)
    const pos = resolvePosLabel(classes, options.posLabel, what)
    if (pos < 0) return zd
    const s = classScores(yTrue, yPred, {
      ...options,
      labels: classes,
      zeroDivision: zd,
      beta: options.beta ?? 1,
    })
    return s[which][pos] as number
  }
  if (average === 'micro') {
    // Every label takes part, so pooled precision and recall both equal accuracy.
    const { matrix } = confusionMatrix(yTrue, yPred, options)
    let tp = 0
    let total = 0
    matrix.forEach((row, i) => {
      tp += row[i] as number
      total += row.reduce((a, b) => a + b, 0)
    })
    const v = total === 0 ? zd : tp / total
    return which === 'fbeta' ? fbetaOf(v, v, beta2, total, total, zd) : v
  }
  const s = classScores(yTrue, yPred, { ...options, zeroDivision: zd, beta: options.beta ?? 1 })
  const values = s[which]
  if (average === 'macro') return values.reduce((a, b) => a + b, 0) / values.length
  const total = s.support.reduce((a, b) => a + b, 0)
  if (total === 0) return zd
  return values.reduce((a, v, i) => a + v * (s.support[i] as number), 0) / total
}

/** Precision: of the rows predicted positive, the fraction that are. */
export function precision(yTrue: LabelArray, yPred: LabelArray, options: AveragedMetricOptions = {}): number {
  return averaged('precision', yTrue, yPred, options, 'precision')
}

/** Recall (sensitivity): of the positive rows, the fraction predicted positive. */
export function recall(yTrue: LabelArray, yPred: LabelArray, options: AveragedMetricOptions = {}): number {
  return averaged('recall', yTrue, yPred, options, 'recall')
}

/** F1: harmonic mean of precision and recall. */
export function f1(yTrue: LabelArray, yPred: LabelArray, options: AveragedMetricOptions = {}): number {
  return averaged('fbeta', yTrue, yPred, { ...options, beta: 1 }, 'f1')
}

/** F-beta: recall weighted `beta` times as much as precision. */
export function fbeta(
  yTrue: LabelArray,
  yPred: LabelArray,
  beta: number,
  options: AveragedMetricOptions = {},
): number {
  if (!(beta > 0)) throw new CairnError('CAIRN_INVALID_ARGUMENT', `fbeta: beta must be positive, got ${beta}`)
  return averaged('fbeta', yTrue, yPred, { ...options, beta }, 'fbeta')
}

/** Matthews correlation coefficient (multiclass form); 0 when undefined. */
export function matthewsCorrcoef(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: { sampleWeight?: ArrayLike<number> } = {},
): number {
  const { matrix } = confusionMatrix(yTrue, yPred, options)
  const k = matrix.length
  let c = 0
  let s = 0
  const t = new Float64Array(k)
  const p = new Float64Array(k)
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = (matrix[i] as number[])[j] as number
      s += v
      t[i] = (t[i] as number) + v
      p[j] = (p[j] as number) + v
    }
    c += (matrix[i] as number[])[i] as number
  }
  let tp = 0
  let pp = 0
  let tt = 0
  for (let i = 0; i < k; i++) {
    tp += (t[i] as number) * (p[i] as number)
    pp += (p[i] as number) ** 2
    tt += (t[i] as number) ** 2
  }
  const denom = Math.sqrt((s * s - tt) * (s * s - pp))
  return denom === 0 ? 0 : (c * s - tp) / denom
}

/** Cohen's kappa: agreement between true and predicted labels beyond chance. */
export function cohenKappa(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: { sampleWeight?: ArrayLike<number> } = {},
): number {
  const { matrix } = confusionMatrix(yTrue, yPred, options)
  const k = matrix.length
  let s = 0
  let agree = 0
  const t = new Float64Array(k)
  const p = new Float64Array(k)
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = (matrix[i] as number[])[j] as number
      s += v
      t[i] = (t[i] as number) + v
      p[j] = (p[j] as number) + v
    }
    agree += (matrix[i] as number[])[i] as number
  }
  let chance = 0
  for (let i = 0; i < k; i++) chance += ((t[i] as number) * (p[i] as number)) / s
  const po = agree / s
  const pe = chance / s
  return pe === 1 ? 0 : (po - pe) / (1 - pe)
}
