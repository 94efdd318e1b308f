import { gemm, gemmNT, gemmTN } from './gemm.js'

/**
 * Losses: each returns the mean loss over the batch and writes dLoss/dInput into `grad`
 * (same layout as the input), already divided by the batch size.
 */

/** Softmax cross-entropy over `rows × classes` logits with integer labels; optional per-row weights. */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  rows: number,
  classes: number,
  grad: Float32Array,
  weights?: ArrayLike<number>,
): number {
  let loss = 0
  let wsum = 0
  for (let r = 0; r < rows; r++) wsum += weights ? weights[r]! : 1
  const norm = wsum > 0 ? 1 / wsum : 0
  for (let r = 0; r < rows; r++) {
    const o = r * classes
    let max = -Infinity
    for (let c = 0; c < classes; c++) if (logits[o + c]! > max) max = logits[o + c]!
    let sum = 0
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[o + c]! - max)
      grad[o + c] = e
      sum += e
    }
    const w = weights ? weights[r]! : 1
    const y = labels[r]!
    for (let c = 0; c < classes; c++) {
      const p = grad[o + c]! / sum
      grad[o + c] = (p - (c === y ? 1 : 0)) * w * norm
    }
    loss -= w * (logits[o + y]! - max - Math.log(sum))
  }
  return loss * norm
}

/** Binary cross-entropy on logits (one column), numerically stable; targets in [0, 1]. */
export function sigmoidCrossEntropy(
  logits: Float32Array,
  targets: ArrayLike<number>,
  rows: number,
  grad: Float32Array,
  weights?: ArrayLike<number>,
): number {
  let loss = 0
  let wsum = 0
  for (let r = 0; r < rows; r++) wsum += weights ? weights[r]! : 1
  const norm = wsum > 0 ? 1 / wsum : 0
  for (let r = 0; r < rows; r++) {
    const z = logits[r]!
    const y = targets[r]!
    const w = weights ? weights[r]! : 1
    loss += w * (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))))
    grad[r] = (1 / (1 + Math.exp(-z)) - y) * w * norm
  }
  return loss * norm
}

/** Mean squared error over `rows × dims` predictions. */
export function meanSquaredError(
  pred: Float32Array,
  targets: ArrayLike<number>,
  rows: number,
  dims: number,
  grad: Float32Array,
  weights?: ArrayLike<number>,
): number {
  let loss = 0
  let wsum = 0
  for (let r = 0; r < rows; r++) wsum += weights ? weights[r]! : 1
  const norm = wsum > 0 ? 1 / (wsum * dims) : 0
  for (let r = 0; r < rows; r++) {
    const w = weights ? weights[r]! : 1
    for (let j = 0; j < dims; j++) {
      const i = r * dims + j
      const d = pred[i]! - targets[i]!
      loss += w * d * d
      grad[i] = 2 * d * w * norm
    }
  }
  return loss * norm
}

/** Bayesian personalised ranking: mean −log σ(pos − neg) over paired scores. */
export function bprLoss(
  pos: Float32Array,
  neg: Float32Array,
  rows: number,
  gradPos: Float32Array,
  gradNeg: Float32Array,
): number {
  let loss = 0
  for (let r = 0; r < rows; r++) {
    const x = pos[r]! - neg[r]!
    loss += Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)))
    const g = -1 / (1 + Math.exp(x)) / rows
    gradPos[r] = g
    gradNeg[r] = -g
  }
  return loss / rows
}

/** Inputs of a sampled-softmax loss over dot-product scores. */
export interface SampledSoftmaxInput {
  /** `rows × dim` query vectors (user tower outputs). */
  query: Float32Array
  /** `candidates × dim` candidate vectors (item tower outputs); the in-batch case passes the batch's items. */
  candidates: Float32Array
  rows: number
  candidateCount: number
  dim: number
  /** Index into the candidates of each row's positive. */
  positive: ArrayLike<number>
  /**
   * Item id of each candidate and of each row's positive: a candidate with the same id as the row's
   * positive (a duplicate in the batch) is masked out instead of being pushed down as a negative.
   */
  candidateIds?: ArrayLike<number>
  /** log Q(candidate): subtracted from logits to correct for popularity-biased sampling (logQ correction). */
  logQ?: ArrayLike<number>
  temperature?: number
}

/**
 * Sampled softmax over dot products (in-batch negatives when candidates are the batch's own items).
 * Writes gradients for the queries and the candidates; `scratch` holds `rows × candidateCount` floats.
 */
export function sampledSoftmax(
  input: SampledSoftmaxInput,
  gradQuery: Float32Array,
  gradCandidates: Float32Array,
  scratch: Float32Array,
): number {
  const { query, candidates, rows, candidateCount: n, dim, positive, candidateIds, logQ } = input
  const invT = 1 / (input.temperature ?? 1)
  gemmNT(rows, n, dim, query, candidates, scratch)
  let loss = 0
  for (let r = 0; r < rows; r++) {
    const so = r * n
    const pos = positive[r]!
    const posId = candidateIds ? candidateIds[pos]! : -1
    let max = -Infinity
    for (let c = 0; c < n; c++) {
      if (c !== pos && candidateIds && candidateIds[c] === posId) {
        scratch[so + c] = -Infinity
        continue
      }
      let s = scratch[so + c]! * invT
      if (logQ) s -= logQ[c]!
      scratch[so + c] = s
      if (s > max) max = s
    }
    let sum = 0
    for (let c = 0; c < n; c++) {
      const e = Math.exp(scratch[so + c]! - max)
      scratch[so + c] = e
      sum += e
    }
    loss -= Math.log(scratch[so + pos]! / sum)
    const g = invT / rows
    for (let c = 0; c < n; c++) scratch[so + c] = (scratch[so + c]! / sum - (c === pos ? 1 : 0)) * g
  }
  // dQuery = G · C, dCandidates = Gᵀ · Q
  gemm(rows, dim, n, scratch, candidates, gradQuery)
  gemmTN(n, dim, rows, scratch, query, gradCandidates)
  return loss / rows
}
