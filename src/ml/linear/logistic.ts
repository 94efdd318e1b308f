import { z } from 'zod'
import type { FitOptions } from '../estimator.js'
import { classificationData, type FeatureMatrix } from '../matrix/index.js'
import { defineEstimator } from '../pipeline/define-estimator.js'
import { classifierSignature, columnStats, withClassWeights } from './fit-helpers.js'
import { lbfgs } from './lbfgs.js'
import { LinearModel, linearFamily } from './linear-model.js'
import { logisticCoordinateDescent } from './logistic-cd.js'
import { logisticObjective } from './logistic-objective.js'

const classWeightSchema = z.union([
  z.literal('balanced'),
  z.record(z.string(), z.number().positive()),
  z.null(),
])

const schema = z
  .object({
    /** `l2` (L-BFGS), `l1` or `elasticnet` (proximal-Newton coordinate descent), or `none`. */
    penalty: z.enum(['l2', 'l1', 'elasticnet', 'none']).default('l2'),
    /** Inverse regularisation strength, as scikit-learn: smaller C, stronger penalty. */
    C: z.number().positive().default(1),
    /** Mix for `elasticnet`: 1 is pure L1. */
    l1Ratio: z.number().min(0).max(1).default(0.5),
    fitIntercept: z.boolean().default(true),
    maxIter: z.number().int().positive().default(100),
    /** Convergence tolerance: the largest gradient component of the mean loss (L-BFGS) or the largest coefficient change (CD). */
    tol: z.number().positive().default(1e-4),
    /** `auto`: multinomial when there are more than two classes. */
    multiClass: z.enum(['auto', 'multinomial', 'ovr']).default('auto'),
    classWeight: classWeightSchema.default(null),
  })
  .strict()

export type LogisticRegressionParams = z.input<typeof schema>

linearFamily('logistic-regression')

interface Fitted {
  W: Float64Array
  b: Float64Array
  iterations: number
  converged: boolean
}

/** Solve one (binary K=1, or multinomial K>1) penalised logistic problem. */
function solve(
  X: FeatureMatrix,
  y: Int32Array,
  K: number,
  sw: Float64Array,
  params: z.output<typeof schema>,
  options: FitOptions,
): Fitted {
  const p = X.cols
  let S = 0
  for (let i = 0; i < sw.length; i++) S += sw[i] as number
  // scikit-learn minimises C·Σ loss + penalty; dividing by C·S gives the mean loss + penalty/(C·S).
  const strength = params.penalty === 'none' ? 0 : 1 / (params.C * S)
  if (params.penalty === 'l1' || params.penalty === 'elasticnet') {
    const r = params.penalty === 'l1' ? 1 : params.l1Ratio
    const cd = logisticCoordinateDescent(X, y, K, sw, {
      lambda1: strength * r,
      lambda2: strength * (1 - r),
      fitIntercept: params.fitIntercept,
      maxIter: params.maxIter,
      tol: params.tol,
      signal: options.signal,
      onIteration: (i) => options.onProgress?.(i, params.maxIter),
    })
    return cd
  }
  const size = K * p + (params.fitIntercept ? K : 0)
  const res = lbfgs(logisticObjective(X, y, K, sw, strength, params.fitIntercept), new Float64Array(size), {
    maxIter: params.maxIter,
    gtol: params.tol,
    ...(options.signal ? { signal: options.signal } : {}),
    onIteration: (i) => options.onProgress?.(i, params.maxIter),
  })
  return {
    W: res.x.slice(0, K * p),
    b: params.fitIntercept ? res.x.slice(K * p) : new Float64Array(K),
    iterations: res.iterations,
    converged: res.converged,
  }
}

/**
 * Logistic regression (scikit-learn's LogisticRegression): binary or multinomial, with an L2
 * penalty solved by L-BFGS or an L1 / elastic-net penalty solved by proximal-Newton coordinate
 * descent. Probabilities are calibrated by construction; coefficients are per class.
 */
export const logisticRegression = defineEstimator({
  family: 'logistic-regression',
  schema,
  fit(params, frame, options) {
    const data = classificationData(frame, options)
    const { X, y, classes, inputs } = data
    const k = classes.length
    const n = X.rows
    const p = X.cols
    const sw =
      withClassWeights(y, k, data.weights, params.classWeight, classes) ?? new Float64Array(n).fill(1)
    const multinomial = k > 2 && params.multiClass !== 'ovr'
    let coef: Float64Array
    let intercept: Float64Array
    let iterations = 0
    let converged = true
    if (k === 2 || multinomial) {
      const r = solve(X, y, k === 2 ? 1 : k, sw, params, options)
      coef = r.W
      intercept = r.b
      iterations = r.iterations
      converged = r.converged
    } else {
      coef = new Float64Array(k * p)
      intercept = new Float64Array(k)
      const yk = new Int32Array(n)
      for (let c = 0; c < k; c++) {
        for (let i = 0; i < n; i++) yk[i] = y[i] === c ? 1 : 0
        const r = solve(X, yk, 1, sw, params, options)
        coef.set(r.W, c * p)
        intercept[c] = r.b[0] as number
        iterations = Math.max(iterations, r.iterations)
        converged &&= r.converged
      }
    }
    return new LinearModel(
      'logistic-regression',
      classifierSignature(inputs, options.target, classes),
      { ...params },
      coef,
      intercept,
      columnStats(X, data.weights).std,
      { link: multinomial ? 'softmax' : 'logistic', iterations, converged },
    )
  },
})
