import { checkFinite, checkLengths, checkWeights, weightAt } from './labels.js'

/** Options for regression metrics. */
export interface RegressionMetricOptions {
  sampleWeight?: ArrayLike<number>
}

function check(
  what: string,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  o: RegressionMetricOptions,
): void {
  checkLengths(what, yTrue.length, yPred, o.sampleWeight)
  checkWeights(what, o.sampleWeight)
  checkFinite(what, 'yTrue', yTrue)
  checkFinite(what, 'yPred', yPred)
}

function weightedMean(n: number, w: ArrayLike<number> | undefined, term: (i: number) => number): number {
  let s = 0
  let t = 0
  for (let i = 0; i < n; i++) {
    const wi = weightAt(w, i)
    s += wi * term(i)
    t += wi
  }
  return t === 0 ? 0 : s / t
}

/** Mean squared error. */
export function mse(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  check('mse', yTrue, yPred, options)
  return weightedMean(
    yTrue.length,
    options.sampleWeight,
    (i) => ((yTrue[i] as number) - (yPred[i] as number)) ** 2,
  )
}

/** Root mean squared error, in the target's units. */
export function rmse(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  return Math.sqrt(mse(yTrue, yPred, options))
}

/** Mean absolute error. */
export function mae(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  check('mae', yTrue, yPred, options)
  return weightedMean(yTrue.length, options.sampleWeight, (i) =>
    Math.abs((yTrue[i] as number) - (yPred[i] as number)),
  )
}

/**
 * Mean absolute percentage error as a fraction (0.1 = 10%). Like scikit-learn, a zero true value
 * divides by machine epsilon, so such rows dominate: prefer MAE when targets can be zero.
 */
export function mape(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  check('mape', yTrue, yPred, options)
  return weightedMean(yTrue.length, options.sampleWeight, (i) => {
    const t = yTrue[i] as number
    return Math.abs(t - (yPred[i] as number)) / Math.max(Math.abs(t), Number.EPSILON)
  })
}

/**
 * Coefficient of determination. A constant target gives 1 for a perfect prediction and 0
 * otherwise (scikit-learn's `force_finite`).
 */
export function r2(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  check('r2', yTrue, yPred, options)
  const n = yTrue.length
  const w = options.sampleWeight
  const mean = weightedMean(n, w, (i) => yTrue[i] as number)
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    const wi = weightAt(w, i)
    num += wi * ((yTrue[i] as number) - (yPred[i] as number)) ** 2
    den += wi * ((yTrue[i] as number) - mean) ** 2
  }
  return finiteRatio(num, den)
}

/** Explained variance: like R² but blind to a constant bias in the predictions. */
export function explainedVariance(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  check('explainedVariance', yTrue, yPred, options)
  const n = yTrue.length
  const w = options.sampleWeight
  const diff = (i: number) => (yTrue[i] as number) - (yPred[i] as number)
  const diffMean = weightedMean(n, w, diff)
  const num = weightedMean(n, w, (i) => (diff(i) - diffMean) ** 2)
  const mean = weightedMean(n, w, (i) => yTrue[i] as number)
  const den = weightedMean(n, w, (i) => ((yTrue[i] as number) - mean) ** 2)
  return finiteRatio(num, den)
}

function finiteRatio(num: number, den: number): number {
  if (den === 0) return num === 0 ? 1 : 0
  return 1 - num / den
}

/** Median of the absolute errors (robust to outliers). */
export function medianAbsoluteError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check('medianAbsoluteError', yTrue, yPred, {})
  const e = new Float64Array(yTrue.length)
  for (let i = 0; i < e.length; i++) e[i] = Math.abs((yTrue[i] as number) - (yPred[i] as number))
  e.sort()
  const m = e.length >> 1
  return e.length % 2 === 1 ? (e[m] as number) : ((e[m - 1] as number) + (e[m] as number)) / 2
}

/** The largest absolute error. */
export function maxError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check('maxError', yTrue, yPred, {})
  let m = 0
  for (let i = 0; i < yTrue.length; i++)
    m = Math.max(m, Math.abs((yTrue[i] as number) - (yPred[i] as number)))
  return m
}
