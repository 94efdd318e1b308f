import type { GbdtObjective } from './params.js'

/** Objectives as small integers for the training threads. */
export const OBJ_SQUARED = 0
export const OBJ_ABSOLUTE = 1
export const OBJ_HUBER = 2
export const OBJ_BINARY = 3
export const OBJ_MULTICLASS = 4
export const OBJ_POISSON = 5

export const objectiveIds: Record<GbdtObjective, number> = {
  squared_error: OBJ_SQUARED,
  absolute_error: OBJ_ABSOLUTE,
  huber: OBJ_HUBER,
  binary: OBJ_BINARY,
  multiclass: OBJ_MULTICLASS,
  poisson: OBJ_POISSON,
}

/** Name of the validation metric each objective reports. */
export const lossNames: Record<GbdtObjective, string> = {
  squared_error: 'rmse',
  absolute_error: 'mae',
  huber: 'huber',
  binary: 'logloss',
  multiclass: 'mlogloss',
  poisson: 'poisson_deviance',
}

const POISSON_MAX_DELTA = 0.7
const EPS = 1e-15

/** Weighted quantile of `values` (copied and sorted; `w` optional). */
export function weightedQuantile(values: Float64Array, w: Float64Array | undefined, q: number): number {
  const n = values.length
  if (n === 0) return 0
  if (!w) {
    const s = Float64Array.from(values).sort()
    const pos = q * (n - 1)
    const lo = Math.floor(pos)
    const hi = Math.min(n - 1, lo + 1)
    return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo)
  }
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  order.sort((a, b) => (values[a] as number) - (values[b] as number))
  let total = 0
  for (let i = 0; i < n; i++) total += w[i] as number
  let acc = 0
  for (let i = 0; i < n; i++) {
    const j = order[i] as number
    acc += w[j] as number
    if (acc >= q * total) return values[j] as number
  }
  return values[order[n - 1] as number] as number
}

/** The constant raw score each objective starts from (per output). */
export function baseScores(
  obj: number,
  y: Float64Array,
  w: Float64Array | undefined,
  classes: number,
): Float64Array {
  const n = y.length
  let sw = 0
  let swy = 0
  for (let i = 0; i < n; i++) {
    const wi = w ? (w[i] as number) : 1
    sw += wi
    swy += wi * (y[i] as number)
  }
  const mean = swy / sw
  switch (obj) {
    case OBJ_ABSOLUTE:
    case OBJ_HUBER:
      return Float64Array.of(weightedQuantile(y, w, 0.5))
    case OBJ_BINARY: {
      const p = Math.min(1 - 1e-7, Math.max(1e-7, mean))
      return Float64Array.of(Math.log(p / (1 - p)))
    }
    case OBJ_MULTICLASS: {
      const prior = new Float64Array(classes)
      for (let i = 0; i < n; i++) {
        const k = y[i] as number
        prior[k] = (prior[k] as number) + (w ? (w[i] as number) : 1)
      }
      for (let k = 0; k < classes; k++) prior[k] = Math.log(Math.max(1e-7, (prior[k] as number) / sw))
      return prior
    }
    case OBJ_POISSON:
      return Float64Array.of(Math.log(Math.max(mean, 1e-12)))
    default:
      return Float64Array.of(mean)
  }
}

/**
 * Gradients and hessians of rows [r0, r1) into `gh`: for output k, the pair of row r sits at
 * `k * 2n + 2r`. `pred` is row-major (`r * K + k`).
 */
export function computeGradients(
  obj: number,
  y: Float64Array,
  w: Float64Array | null,
  pred: Float64Array,
  gh: Float64Array,
  n: number,
  K: number,
  r0: number,
  r1: number,
  huberDelta: number,
): void {
  switch (obj) {
    case OBJ_SQUARED:
      for (let r = r0; r < r1; r++) {
        const wi = w ? (w[r] as number) : 1
        gh[2 * r] = wi * ((pred[r] as number) - (y[r] as number))
        gh[2 * r + 1] = wi
      }
      return
    case OBJ_ABSOLUTE:
      for (let r = r0; r < r1; r++) {
        const wi = w ? (w[r] as number) : 1
        const d = (pred[r] as number) - (y[r] as number)
        gh[2 * r] = d > 0 ? wi : d < 0 ? -wi : 0
        gh[2 * r + 1] = wi
      }
      return
    case OBJ_HUBER:
      for (let r = r0; r < r1; r++) {
        const wi = w ? (w[r] as number) : 1
        const d = (pred[r] as number) - (y[r] as number)
        gh[2 * r] = wi * Math.max(-huberDelta, Math.min(huberDelta, d))
        gh[2 * r + 1] = wi
      }
      return
    case OBJ_BINARY:
      for (let r = r0; r < r1; r++) {
        const wi = w ? (w[r] as number) : 1
        const s = 1 / (1 + Math.exp(-(pred[r] as number)))
        gh[2 * r] = wi * (s - (y[r] as number))
        gh[2 * r + 1] = wi * Math.max(s * (1 - s), 1e-16)
      }
      return
    case OBJ_POISSON:
      for (let r = r0; r < r1; r++) {
        const wi = w ? (w[r] as number) : 1
        const p = pred[r] as number
        gh[2 * r] = wi * (Math.exp(p) - (y[r] as number))
        gh[2 * r + 1] = wi * Math.exp(p + POISSON_MAX_DELTA)
      }
      return
    case OBJ_MULTICLASS: {
      const stride = 2 * n
      for (let r = r0; r < r1; r++) {
        const wi = w ? (w[r] as number) : 1
        const base = r * K
        let max = Number.NEGATIVE_INFINITY
        for (let k = 0; k < K; k++) max = Math.max(max, pred[base + k] as number)
        let sum = 0
        for (let k = 0; k < K; k++) sum += Math.exp((pred[base + k] as number) - max)
        const yk = y[r] as number
        for (let k = 0; k < K; k++) {
          const p = Math.exp((pred[base + k] as number) - max) / sum
          gh[k * stride + 2 * r] = wi * (p - (k === yk ? 1 : 0))
          gh[k * stride + 2 * r + 1] = wi * Math.max(p * (1 - p), 1e-16)
        }
      }
      return
    }
  }
}

/** Sum of the per-row loss over rows [r0, r1) (weighted). */
export function lossSum(
  obj: number,
  y: Float64Array,
  w: Float64Array | null,
  pred: Float64Array,
  K: number,
  r0: number,
  r1: number,
  huberDelta: number,
): number {
  let s = 0
  for (let r = r0; r < r1; r++) {
    const wi = w ? (w[r] as number) : 1
    const yr = y[r] as number
    let l: number
    switch (obj) {
      case OBJ_SQUARED: {
        const d = (pred[r] as number) - yr
        l = d * d
        break
      }
      case OBJ_ABSOLUTE:
        l = Math.abs((pred[r] as number) - yr)
        break
      case OBJ_HUBER: {
        const d = Math.abs((pred[r] as number) - yr)
        l = d <= huberDelta ? 0.5 * d * d : huberDelta * (d - 0.5 * huberDelta)
        break
      }
      case OBJ_BINARY: {
        const p = 1 / (1 + Math.exp(-(pred[r] as number)))
        l = -(yr * Math.log(Math.max(p, EPS)) + (1 - yr) * Math.log(Math.max(1 - p, EPS)))
        break
      }
      case OBJ_POISSON: {
        const mu = Math.exp(pred[r] as number)
        l = 2 * ((yr > 0 ? yr * Math.log(yr / mu) : 0) - (yr - mu))
        break
      }
      default: {
        const base = r * K
        let max = Number.NEGATIVE_INFINITY
        for (let k = 0; k < K; k++) max = Math.max(max, pred[base + k] as number)
        let sum = 0
        for (let k = 0; k < K; k++) sum += Math.exp((pred[base + k] as number) - max)
        l = -((pred[base + yr] as number) - max - Math.log(sum))
      }
    }
    s += wi * l
  }
  return s
}

/** Turn the mean loss into the reported metric (RMSE is the root of the mean squared error). */
export function finishLoss(obj: number, meanLoss: number): number {
  return obj === OBJ_SQUARED ? Math.sqrt(meanLoss) : meanLoss
}
