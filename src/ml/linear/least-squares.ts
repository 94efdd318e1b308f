import { z } from 'zod'
import {
  cholesky,
  choleskySolve,
  type FeatureMatrix,
  gram,
  leastSquares,
  pseudoInverseSolve,
  regressionData,
  xty,
} from '../matrix/index.js'
import { defineEstimator } from '../pipeline/define-estimator.js'
import { centeredScaled, columnStats, regressionSignature, weightedMean } from './fit-helpers.js'
import { LinearModel, linearFamily } from './linear-model.js'

/** Coefficients and intercept of a least-squares fit. */
interface Solution {
  coef: Float64Array
  intercept: number
  rank: number
}

/** Ordinary least squares by pivoted Householder QR; the minimum-norm solution when X is rank-deficient. */
export function solveOls(
  X: FeatureMatrix,
  y: ArrayLike<number>,
  w: ArrayLike<number> | undefined,
  fitIntercept: boolean,
): Solution {
  const n = X.rows
  const p = X.cols
  const { mean } = columnStats(X, w)
  const ym = fitIntercept ? weightedMean(y, w) : 0
  const A = centeredScaled(X, fitIntercept ? mean : undefined, w)
  const b = new Float64Array(n)
  for (let i = 0; i < n; i++) b[i] = ((y[i] as number) - ym) * (w ? Math.sqrt(w[i] as number) : 1)
  const A2 = Float64Array.from(A)
  const b2 = Float64Array.from(b)
  const ls = leastSquares(A, n, p, b)
  let coef = ls.x
  if (ls.rank < p) {
    const Xc = { rows: n, cols: p, data: A2 }
    coef = pseudoInverseSolve(gram(Xc), p, xty(Xc, b2))
  }
  return { coef, intercept: fitIntercept ? ym - dot(mean, coef) : 0, rank: ls.rank }
}

/**
 * Ridge regression: minimises ‖y − Xw − b‖² + α‖w‖² (intercept unpenalised) by Cholesky on the
 * p × p normal equations, or on the n × n dual system when there are more features than rows.
 */
export function solveRidge(
  X: FeatureMatrix,
  y: ArrayLike<number>,
  w: ArrayLike<number> | undefined,
  alpha: number,
  fitIntercept: boolean,
): Solution {
  const n = X.rows
  const p = X.cols
  const { mean } = columnStats(X, w)
  const ym = fitIntercept ? weightedMean(y, w) : 0
  const A = centeredScaled(X, fitIntercept ? mean : undefined, w)
  const b = new Float64Array(n)
  for (let i = 0; i < n; i++) b[i] = ((y[i] as number) - ym) * (w ? Math.sqrt(w[i] as number) : 1)
  const Xc = { rows: n, cols: p, data: A }
  let coef: Float64Array
  if (p > n && alpha > 0) {
    // Dual: (XXᵀ + αI) a = y, w = Xᵀ a.
    const K = new Float64Array(n * n)
    for (let i = 0; i < n; i++) {
      for (let k = i; k < n; k++) {
        let s = 0
        for (let j = 0; j < p; j++) s += (A[j * n + i] as number) * (A[j * n + k] as number)
        K[i * n + k] = s
        K[k * n + i] = s
      }
      K[i * n + i] = (K[i * n + i] as number) + alpha
    }
    cholesky(K, n)
    const a = choleskySolve(K, n, Float64Array.from(b))
    coef = new Float64Array(p)
    for (let j = 0; j < p; j++) {
      let s = 0
      for (let i = 0; i < n; i++) s += (A[j * n + i] as number) * (a[i] as number)
      coef[j] = s
    }
  } else {
    const G = gram(Xc)
    const c = xty(Xc, b)
    for (let j = 0; j < p; j++) G[j * p + j] = (G[j * p + j] as number) + alpha
    const G2 = Float64Array.from(G)
    coef = cholesky(G, p) ? choleskySolve(G, p, Float64Array.from(c)) : pseudoInverseSolve(G2, p, c)
  }
  return { coef, intercept: fitIntercept ? ym - dot(mean, coef) : 0, rank: p }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number)
  return s
}

linearFamily('linear-regression')
linearFamily('ridge')

/** Ordinary least squares (scikit-learn's LinearRegression). */
export const linearRegression = defineEstimator({
  family: 'linear-regression',
  schema: z.object({ fitIntercept: z.boolean().default(true) }).strict(),
  fit(params, frame, options) {
    const { X, y, weights, inputs } = regressionData(frame, options)
    const s = solveOls(X, y, weights, params.fitIntercept)
    return new LinearModel(
      'linear-regression',
      regressionSignature(inputs, options.target),
      { ...params },
      s.coef,
      Float64Array.of(s.intercept),
      columnStats(X, weights).std,
      { link: 'identity', iterations: 1, converged: true, ...(s.rank < X.cols ? { rank: s.rank } : {}) },
    )
  },
})

/** Ridge regression: least squares with an L2 penalty `alpha` (scikit-learn's Ridge). */
export const ridge = defineEstimator({
  family: 'ridge',
  schema: z
    .object({ alpha: z.number().nonnegative().default(1), fitIntercept: z.boolean().default(true) })
    .strict(),
  fit(params, frame, options) {
    const { X, y, weights, inputs } = regressionData(frame, options)
    const s = solveRidge(X, y, weights, params.alpha, params.fitIntercept)
    return new LinearModel(
      'ridge',
      regressionSignature(inputs, options.target),
      { ...params },
      s.coef,
      Float64Array.of(s.intercept),
      columnStats(X, weights).std,
      { link: 'identity', iterations: 1, converged: true },
    )
  },
})
