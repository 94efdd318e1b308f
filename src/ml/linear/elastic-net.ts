import { z } from 'zod'
import type { FitOptions } from '../estimator.js'
import { type FeatureMatrix, Rng, regressionData } from '../matrix/index.js'
import { defineEstimator, throwIfAborted } from '../pipeline/define-estimator.js'
import { centeredScaled, columnStats, regressionSignature, weightedMean } from './fit-helpers.js'
import { LinearModel, linearFamily } from './linear-model.js'

/** Settings of the coordinate-descent solver. */
export interface ElasticNetSettings {
  alpha: number
  l1Ratio: number
  fitIntercept: boolean
  maxIter: number
  tol: number
  selection: 'cyclic' | 'random'
  positive: boolean
}

/** What the solver returns. */
export interface ElasticNetSolution {
  coef: Float64Array
  intercept: number
  iterations: number
  converged: boolean
  dualGap: number
}

/**
 * Minimise 1/(2n)‖y − Xw − b‖² + α·l1Ratio‖w‖₁ + α(1 − l1Ratio)/2‖w‖² by coordinate descent,
 * stopping on the duality gap as scikit-learn does (gap < tol·‖y − ȳ‖²). Sample weights are
 * rescaled to sum to n.
 */
export function solveElasticNet(
  X: FeatureMatrix,
  y: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  s: ElasticNetSettings,
  options: Pick<FitOptions, 'seed' | 'signal' | 'onProgress'> = {},
): ElasticNetSolution {
  const n = X.rows
  const p = X.cols
  let sw: Float64Array | undefined
  if (weights) {
    let t = 0
    for (let i = 0; i < n; i++) t += weights[i] as number
    sw = new Float64Array(n)
    for (let i = 0; i < n; i++) sw[i] = ((weights[i] as number) * n) / t
  }
  const { mean } = columnStats(X, sw)
  const ym = s.fitIntercept ? weightedMean(y, sw) : 0
  const A = centeredScaled(X, s.fitIntercept ? mean : undefined, sw)
  const b = new Float64Array(n)
  for (let i = 0; i < n; i++) b[i] = ((y[i] as number) - ym) * (sw ? Math.sqrt(sw[i] as number) : 1)
  const norm2 = new Float64Array(p)
  for (let j = 0; j < p; j++) {
    let t = 0
    for (let i = 0; i < n; i++) t += (A[j * n + i] as number) ** 2
    norm2[j] = t
  }
  const l1 = s.alpha * s.l1Ratio * n
  const l2 = s.alpha * (1 - s.l1Ratio) * n
  const coef = new Float64Array(p)
  const R = Float64Array.from(b)
  let yy = 0
  for (let i = 0; i < n; i++) yy += (b[i] as number) ** 2
  const gapTol = s.tol * yy
  const rng = new Rng(options.seed ?? 0)
  let iterations = 0
  let converged = false
  let gap = Number.POSITIVE_INFINITY
  for (let iter = 0; iter < s.maxIter; iter++) {
    iterations = iter + 1
    let wMax = 0
    let dwMax = 0
    for (let f = 0; f < p; f++) {
      const j = s.selection === 'random' ? rng.int(p) : f
      const nj = norm2[j] as number
      if (nj === 0) continue
      const o = j * n
      const old = coef[j] as number
      if (old !== 0) for (let i = 0; i < n; i++) R[i] = (R[i] as number) + old * (A[o + i] as number)
      let tmp = 0
      for (let i = 0; i < n; i++) tmp += (A[o + i] as number) * (R[i] as number)
      let next: number
      if (s.positive && tmp < 0) next = 0
      else next = (Math.sign(tmp) * Math.max(Math.abs(tmp) - l1, 0)) / (nj + l2)
      coef[j] = next
      if (next !== 0) for (let i = 0; i < n; i++) R[i] = (R[i] as number) - next * (A[o + i] as number)
      dwMax = Math.max(dwMax, Math.abs(next - old))
      wMax = Math.max(wMax, Math.abs(next))
    }
    options.onProgress?.(iterations, s.maxIter)
    throwIfAborted(options.signal)
    if (wMax === 0 || dwMax / wMax < s.tol || iter === s.maxIter - 1) {
      gap = dualityGap(A, n, p, R, b, coef, l1, l2, s.positive)
      if (gap < gapTol) {
        converged = true
        break
      }
    }
  }
  let intercept = 0
  if (s.fitIntercept) {
    intercept = ym
    for (let j = 0; j < p; j++) intercept -= (mean[j] as number) * (coef[j] as number)
  }
  return { coef, intercept, iterations, converged, dualGap: gap }
}

function dualityGap(
  A: Float64Array,
  n: number,
  p: number,
  R: Float64Array,
  y: Float64Array,
  w: Float64Array,
  l1: number,
  l2: number,
  positive: boolean,
): number {
  let dual = 0
  let wNorm2 = 0
  let l1Norm = 0
  for (let j = 0; j < p; j++) {
    let t = 0
    for (let i = 0; i < n; i++) t += (A[j * n + i] as number) * (R[i] as number)
    const xta = t - l2 * (w[j] as number)
    dual = Math.max(dual, positive ? xta : Math.abs(xta))
    wNorm2 += (w[j] as number) ** 2
    l1Norm += Math.abs(w[j] as number)
  }
  let rNorm2 = 0
  let ry = 0
  for (let i = 0; i < n; i++) {
    rNorm2 += (R[i] as number) ** 2
    ry += (R[i] as number) * (y[i] as number)
  }
  let c = 1
  let gap: number
  if (dual > l1) {
    c = l1 / dual
    gap = 0.5 * (rNorm2 + rNorm2 * c * c)
  } else gap = rNorm2
  return gap + l1 * l1Norm - c * ry + 0.5 * l2 * (1 + c * c) * wNorm2
}

linearFamily('elastic-net')
linearFamily('lasso')

const common = {
  alpha: z.number().nonnegative().default(1),
  fitIntercept: z.boolean().default(true),
  maxIter: z.number().int().positive().default(1000),
  tol: z.number().positive().default(1e-4),
  selection: z.enum(['cyclic', 'random']).default('cyclic'),
  positive: z.boolean().default(false),
}

function fitWith(family: 'elastic-net' | 'lasso') {
  return (
    params: Omit<ElasticNetSettings, 'l1Ratio'> & { l1Ratio?: number },
    frame: Parameters<typeof regressionData>[0],
    options: FitOptions,
  ) => {
    const { X, y, weights, inputs } = regressionData(frame, options)
    const sol = solveElasticNet(X, y, weights, { ...params, l1Ratio: params.l1Ratio ?? 1 }, options)
    return new LinearModel(
      family,
      regressionSignature(inputs, options.target),
      { ...params },
      sol.coef,
      Float64Array.of(sol.intercept),
      columnStats(X, weights).std,
      { link: 'identity', iterations: sol.iterations, converged: sol.converged },
    )
  }
}

/** Elastic net: least squares with a mixed L1/L2 penalty, by coordinate descent (scikit-learn's ElasticNet). */
export const elasticNet = defineEstimator({
  family: 'elastic-net',
  schema: z.object({ ...common, l1Ratio: z.number().min(0).max(1).default(0.5) }).strict(),
  fit: fitWith('elastic-net'),
})

/** Lasso: least squares with an L1 penalty, which sets weak coefficients to exactly zero. */
export const lasso = defineEstimator({
  family: 'lasso',
  schema: z.object(common).strict(),
  fit: fitWith('lasso'),
})
