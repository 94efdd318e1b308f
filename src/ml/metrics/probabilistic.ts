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

/** Options for probability-based losses. */
export interface ProbabilityMetricOptions {
  sampleWeight?: ArrayLike<number>
  /** The class of each probability column (default: the sorted labels of `yTrue`). */
  labels?: readonly Label[]
  /** Probabilities are clipped to [eps, 1 − eps] (default machine epsilon, scikit-learn 1.2's `auto`). */
  eps?: number
}

/**
 * Cross-entropy loss. `probabilities` is either one value per row (the probability of the
 * greater / second label, binary targets) or row-major `n × k` for k classes. Rows are clipped and
 * renormalised as scikit-learn does.
 */
export function logLoss(
  yTrue: LabelArray,
  probabilities: ArrayLike<number>,
  options: ProbabilityMetricOptions = {},
): number {
  const n = yTrue.length
  checkLengths('logLoss', n, options.sampleWeight)
  checkWeights('logLoss', options.sampleWeight)
  checkFinite('logLoss', 'probability', probabilities)
  const { classes, codes } = encodeLabels([yTrue], options.labels)
  const code = codes[0] as Int32Array
  const eps = options.eps ?? Number.EPSILON
  let k = classes.length
  if (k < 2) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      'logLoss: yTrue holds one class; pass `labels` to name the others',
    )
  }
  const binaryColumn = probabilities.length === n
  if (binaryColumn) {
    if (k > 2) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `logLoss: ${k} classes but one probability per row; pass n × k probabilities`,
      )
    }
    k = 2
  } else if (probabilities.length !== n * k) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `logLoss: expected ${n} × ${k} probabilities, got ${probabilities.length} values`,
      { hint: 'Pass `labels` when the probabilities cover classes missing from yTrue' },
    )
  }
  let loss = 0
  let total = 0
  for (let i = 0; i < n; i++) {
    const c = code[i] as number
    let pc: number
    if (binaryColumn) {
      const p1 = clip(probabilities[i] as number, eps)
      const p0 = 1 - p1
      pc = (c === 1 ? p1 : p0) / (p0 + p1)
    } else {
      let s = 0
      for (let j = 0; j < k; j++) s += clip(probabilities[i * k + j] as number, eps)
      pc = clip(probabilities[i * k + c] as number, eps) / s
    }
    const w = weightAt(options.sampleWeight, i)
    loss -= w * Math.log(pc)
    total += w
  }
  return loss / total
}

function clip(p: number, eps: number): number {
  return Math.min(Math.max(p, eps), 1 - eps)
}

/** Brier score: mean squared difference between the positive class's probability and the outcome. */
export function brierScore(
  yTrue: LabelArray,
  probability: ArrayLike<number>,
  options: { sampleWeight?: ArrayLike<number>; posLabel?: Label } = {},
): number {
  const n = yTrue.length
  checkLengths('brierScore', n, probability, options.sampleWeight)
  checkWeights('brierScore', options.sampleWeight)
  checkFinite('brierScore', 'probability', probability)
  const { classes, codes } = encodeLabels([yTrue])
  const pos = resolvePosLabel(classes, options.posLabel, 'brierScore')
  const code = codes[0] as Int32Array
  let s = 0
  let total = 0
  for (let i = 0; i < n; i++) {
    const p = probability[i] as number
    if (p < 0 || p > 1) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `brierScore: probability at position ${i} is ${p}, outside [0, 1]`,
      )
    }
    const w = weightAt(options.sampleWeight, i)
    const o = code[i] === pos ? 1 : 0
    s += w * (p - o) ** 2
    total += w
  }
  return s / total
}
