import type { InputSpec, Signature } from '../bundle/index.js'
import type { FeatureMatrix } from '../matrix/index.js'

/** Weighted column means and standard deviations of a matrix. */
export function columnStats(
  X: FeatureMatrix,
  w: ArrayLike<number> | undefined,
): { mean: Float64Array; std: Float64Array } {
  const { rows: n, cols: p, data } = X
  const mean = new Float64Array(p)
  const std = new Float64Array(p)
  let sw = 0
  for (let i = 0; i < n; i++) sw += w ? (w[i] as number) : 1
  for (let j = 0; j < p; j++) {
    const o = j * n
    let s = 0
    for (let i = 0; i < n; i++) s += (w ? (w[i] as number) : 1) * (data[o + i] as number)
    const m = s / sw
    let v = 0
    for (let i = 0; i < n; i++) v += (w ? (w[i] as number) : 1) * ((data[o + i] as number) - m) ** 2
    mean[j] = m
    std[j] = Math.sqrt(v / sw)
  }
  return { mean, std }
}

/** Weighted mean of a vector. */
export function weightedMean(y: ArrayLike<number>, w: ArrayLike<number> | undefined): number {
  let s = 0
  let t = 0
  for (let i = 0; i < y.length; i++) {
    const wi = w ? (w[i] as number) : 1
    s += wi * (y[i] as number)
    t += wi
  }
  return s / t
}

/** A copy of X with column means subtracted and rows scaled by √w (for weighted least squares). */
export function centeredScaled(
  X: FeatureMatrix,
  mean: Float64Array | undefined,
  w: ArrayLike<number> | undefined,
): Float64Array {
  const { rows: n, cols: p, data } = X
  const A = new Float64Array(n * p)
  for (let j = 0; j < p; j++) {
    const o = j * n
    const m = mean ? (mean[j] as number) : 0
    for (let i = 0; i < n; i++) {
      const v = (data[o + i] as number) - m
      A[o + i] = w ? v * Math.sqrt(w[i] as number) : v
    }
  }
  return A
}

/** The signature of a regressor. */
export function regressionSignature(inputs: InputSpec[], target: string): Signature {
  return { inputs, output: { task: 'regression', name: target } }
}

/** The signature of a classifier over `classes`. */
export function classifierSignature(inputs: InputSpec[], target: string, classes: string[]): Signature {
  return {
    inputs,
    output: { task: classes.length === 2 ? 'binary' : 'multiclass', name: target, classes: [...classes] },
  }
}

/** Multiply sample weights by class weights (`balanced`: n / (k · count of the class)). */
export function withClassWeights(
  y: Int32Array,
  k: number,
  w: Float64Array | undefined,
  classWeight: 'balanced' | Record<string, number> | null | undefined,
  classes: readonly string[],
): Float64Array | undefined {
  if (!classWeight) return w
  const n = y.length
  const cw = new Float64Array(k).fill(1)
  if (classWeight === 'balanced') {
    const count = new Float64Array(k)
    for (let i = 0; i < n; i++)
      count[y[i] as number] = (count[y[i] as number] as number) + (w ? (w[i] as number) : 1)
    let total = 0
    for (let c = 0; c < k; c++) total += count[c] as number
    for (let c = 0; c < k; c++) cw[c] = (count[c] as number) > 0 ? total / (k * (count[c] as number)) : 1
  } else {
    classes.forEach((c, i) => {
      const v = classWeight[c]
      if (v !== undefined) cw[i] = v
    })
  }
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = (w ? (w[i] as number) : 1) * (cw[y[i] as number] as number)
  return out
}
