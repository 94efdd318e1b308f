import { CairnError } from '../../core/index.js'
import {
  checkFinite,
  checkLengths,
  checkWeights,
  encodeLabels,
  type Label,
  type LabelArray,
  resolvePosLabel,
  weightAt,
} from './labels.js'

/** Options for binary ranking metrics (`yScore` is the positive class's score or probability). */
export interface BinaryScoreOptions {
  sampleWeight?: ArrayLike<number>
  /** The positive class (default 1, or the greater of two labels). */
  posLabel?: Label
}

/** Points of a ROC curve, thresholds descending (the first threshold is +Infinity). */
export interface RocCurve {
  fpr: Float64Array
  tpr: Float64Array
  thresholds: Float64Array
}

/** Points of a precision-recall curve in order of increasing threshold, ending at recall 0, precision 1. */
export interface PrecisionRecallCurve {
  precision: Float64Array
  recall: Float64Array
  thresholds: Float64Array
}

interface Counts {
  fps: Float64Array
  tps: Float64Array
  thresholds: Float64Array
}

function positives(what: string, yTrue: LabelArray, options: BinaryScoreOptions): Uint8Array {
  const { classes, codes } = encodeLabels([yTrue])
  const pos = resolvePosLabel(classes, options.posLabel, what)
  const c = codes[0] as Int32Array
  const out = new Uint8Array(c.length)
  for (let i = 0; i < c.length; i++) out[i] = c[i] === pos ? 1 : 0
  return out
}

/** Weighted true/false positive counts at each distinct score, scores descending. */
function counts(y: Uint8Array, score: ArrayLike<number>, w: ArrayLike<number> | undefined): Counts {
  const n = y.length
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  order.sort((a, b) => (score[b] as number) - (score[a] as number))
  const fps: number[] = []
  const tps: number[] = []
  const thresholds: number[] = []
  let tp = 0
  let fp = 0
  for (let r = 0; r < n; r++) {
    const i = order[r] as number
    const wi = weightAt(w, i)
    if (y[i] === 1) tp += wi
    else fp += wi
    const next = order[r + 1]
    if (next === undefined || score[next] !== score[i]) {
      fps.push(fp)
      tps.push(tp)
      thresholds.push(score[i] as number)
    }
  }
  return {
    fps: Float64Array.from(fps),
    tps: Float64Array.from(tps),
    thresholds: Float64Array.from(thresholds),
  }
}

function prepare(
  what: string,
  yTrue: LabelArray,
  yScore: ArrayLike<number>,
  options: BinaryScoreOptions,
): Counts {
  checkLengths(what, yTrue.length, yScore, options.sampleWeight)
  checkWeights(what, options.sampleWeight)
  checkFinite(what, 'score', yScore)
  return counts(positives(what, yTrue, options), yScore, options.sampleWeight)
}

function requireBothClasses(what: string, c: Counts): void {
  const last = c.tps.length - 1
  if ((c.tps[last] as number) <= 0 || (c.fps[last] as number) <= 0) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `${what}: only one class is present in the true labels, so the score is undefined`,
      { hint: 'Score on data that holds both positive and negative rows (e.g. stratified splits)' },
    )
  }
}

/** The ROC curve (false positive rate against true positive rate) at every distinct score. */
export function rocCurve(
  yTrue: LabelArray,
  yScore: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): RocCurve {
  const c = prepare('rocCurve', yTrue, yScore, options)
  requireBothClasses('rocCurve', c)
  const m = c.tps.length
  const P = c.tps[m - 1] as number
  const N = c.fps[m - 1] as number
  const fpr = new Float64Array(m + 1)
  const tpr = new Float64Array(m + 1)
  const thresholds = new Float64Array(m + 1)
  thresholds[0] = Number.POSITIVE_INFINITY
  for (let i = 0; i < m; i++) {
    fpr[i + 1] = (c.fps[i] as number) / N
    tpr[i + 1] = (c.tps[i] as number) / P
    thresholds[i + 1] = c.thresholds[i] as number
  }
  return { fpr, tpr, thresholds }
}

/** Area under the ROC curve for a binary target; `yScore` ranks rows by how positive they are. */
export function rocAuc(
  yTrue: LabelArray,
  yScore: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): number {
  const { fpr, tpr } = rocCurve(yTrue, yScore, options)
  let area = 0
  for (let i = 1; i < fpr.length; i++) {
    area +=
      (((fpr[i] as number) - (fpr[i - 1] as number)) * ((tpr[i] as number) + (tpr[i - 1] as number))) / 2
  }
  return area
}

/** Options for one-vs-rest multiclass scores. */
export interface MulticlassScoreOptions {
  sampleWeight?: ArrayLike<number>
  /** The class of each probability column (default: the sorted labels of `yTrue`). */
  labels?: readonly Label[]
  /** `macro` (default): plain mean over classes; `weighted`: weighted by each class's support. */
  average?: 'macro' | 'weighted'
}

/**
 * One-vs-rest ROC AUC for a multiclass target. `probabilities` is row-major `n × k`, column j
 * holding the score of `labels[j]`.
 */
export function rocAucOvr(
  yTrue: LabelArray,
  probabilities: ArrayLike<number>,
  options: MulticlassScoreOptions = {},
): number {
  return ovr('rocAucOvr', yTrue, probabilities, options, rocAuc)
}

function ovr(
  what: string,
  yTrue: LabelArray,
  probabilities: ArrayLike<number>,
  options: MulticlassScoreOptions,
  binary: (y: LabelArray, s: ArrayLike<number>, o: BinaryScoreOptions) => number,
): number {
  const n = yTrue.length
  checkLengths(what, n, options.sampleWeight)
  const { classes, codes } = encodeLabels([yTrue], options.labels)
  const k = classes.length
  if (probabilities.length !== n * k) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `${what}: expected ${n} × ${k} probabilities, got ${probabilities.length} values`,
    )
  }
  const code = codes[0] as Int32Array
  const y = new Float64Array(n)
  const s = new Float64Array(n)
  let total = 0
  let sum = 0
  for (let c = 0; c < k; c++) {
    let support = 0
    for (let i = 0; i < n; i++) {
      y[i] = code[i] === c ? 1 : 0
      s[i] = probabilities[i * k + c] as number
      if (code[i] === c) support += weightAt(options.sampleWeight, i)
    }
    const v = binary(y, s, { sampleWeight: options.sampleWeight, posLabel: 1 })
    const w = options.average === 'weighted' ? support : 1
    sum += v * w
    total += w
  }
  return sum / total
}

/** The precision-recall curve, as scikit-learn's `precision_recall_curve` (stopping at full recall). */
export function precisionRecallCurve(
  yTrue: LabelArray,
  yScore: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): PrecisionRecallCurve {
  const c = prepare('precisionRecallCurve', yTrue, yScore, options)
  const m = c.tps.length
  const P = c.tps[m - 1] as number
  if (P <= 0) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      'precisionRecallCurve: no positive rows, so recall is undefined',
    )
  }
  let last = 0
  while ((c.tps[last] as number) < P) last++
  const len = last + 1
  const precision = new Float64Array(len + 1)
  const recall = new Float64Array(len + 1)
  const thresholds = new Float64Array(len)
  for (let i = 0; i < len; i++) {
    const j = last - i
    const tp = c.tps[j] as number
    const denom = tp + (c.fps[j] as number)
    precision[i] = denom === 0 ? 0 : tp / denom
    recall[i] = tp / P
    thresholds[i] = c.thresholds[j] as number
  }
  precision[len] = 1
  recall[len] = 0
  return { precision, recall, thresholds }
}

/** Average precision: the precision at each threshold weighted by the recall gained there. */
export function averagePrecision(
  yTrue: LabelArray,
  yScore: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): number {
  const { precision, recall } = precisionRecallCurve(yTrue, yScore, options)
  let ap = 0
  for (let i = 0; i < recall.length - 1; i++) {
    ap += ((recall[i] as number) - (recall[i + 1] as number)) * (precision[i] as number)
  }
  return ap
}

/** Area under the precision-recall curve by the trapezoidal rule (scikit-learn's `auc(recall, precision)`). */
export function prAuc(
  yTrue: LabelArray,
  yScore: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): number {
  const { precision, recall } = precisionRecallCurve(yTrue, yScore, options)
  let area = 0
  for (let i = 0; i < recall.length - 1; i++) {
    area +=
      (((recall[i] as number) - (recall[i + 1] as number)) *
        ((precision[i] as number) + (precision[i + 1] as number))) /
      2
  }
  return area
}

/** One-vs-rest average precision for a multiclass target (`probabilities` row-major `n × k`). */
export function averagePrecisionOvr(
  yTrue: LabelArray,
  probabilities: ArrayLike<number>,
  options: MulticlassScoreOptions = {},
): number {
  return ovr('averagePrecisionOvr', yTrue, probabilities, options, averagePrecision)
}
