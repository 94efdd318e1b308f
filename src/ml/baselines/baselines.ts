import { z } from 'zod'
import { CairnError } from '../../core/index.js'
import { type Frame, getColumn } from '../../data/index.js'
import type { FitOptions } from '../estimator.js'
import {
  checkTrainable,
  classificationTarget,
  featureNames,
  regressionTarget,
  sampleWeights,
} from '../matrix/index.js'
import { defineEstimator } from '../pipeline/define-estimator.js'
import { inputSpecOf } from '../transforms/columns.js'
import { percentileSorted } from '../transforms/stats.js'
import { BaselineModel } from './baseline-model.js'

function inputsOf(frame: Frame, options: FitOptions) {
  return featureNames(frame, options).map((n) => inputSpecOf(getColumn(frame, n), true))
}

/** A regressor that predicts a constant: the mean, the median, a quantile, or a value you give. */
export const baselineRegressor = defineEstimator({
  family: 'baseline-regressor',
  schema: z
    .object({
      strategy: z.enum(['mean', 'median', 'quantile', 'constant']).default('mean'),
      /** For `quantile`, in [0, 1]. */
      quantile: z.number().min(0).max(1).default(0.5),
      /** For `constant`. */
      constant: z.number().nullable().default(null),
    })
    .strict(),
  fit(params, frame, options) {
    checkTrainable(frame, options)
    const y = regressionTarget(frame, options.target)
    const w = options.weight ? sampleWeights(frame, options.weight) : undefined
    let value: number
    if (params.strategy === 'constant') {
      if (params.constant === null) {
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          'baseline-regressor: strategy "constant" needs `constant`',
        )
      }
      value = params.constant
    } else if (params.strategy === 'mean') {
      let s = 0
      let t = 0
      for (let i = 0; i < y.length; i++) {
        const wi = w ? (w[i] as number) : 1
        s += wi * (y[i] as number)
        t += wi
      }
      value = s / t
    } else {
      value = percentileSorted(
        Float64Array.from(y).sort(),
        100 * (params.strategy === 'median' ? 0.5 : params.quantile),
      )
    }
    return new BaselineModel(
      'baseline-regressor',
      { inputs: inputsOf(frame, options), output: { task: 'regression', name: options.target } },
      { ...params },
      { strategy: params.strategy, value },
    )
  },
})

/**
 * A classifier that ignores its inputs: the most frequent class, the class priors as
 * probabilities, random draws by the priors (`stratified`) or uniformly, or a constant class.
 */
export const baselineClassifier = defineEstimator({
  family: 'baseline-classifier',
  schema: z
    .object({
      strategy: z.enum(['most-frequent', 'prior', 'stratified', 'uniform', 'constant']).default('prior'),
      /** For `constant`: the class label to predict. */
      constant: z.string().nullable().default(null),
    })
    .strict(),
  fit(params, frame, options) {
    checkTrainable(frame, options)
    const { codes, classes } = classificationTarget(frame, options.target)
    const w = options.weight ? sampleWeights(frame, options.weight) : undefined
    const k = classes.length
    const counts = new Float64Array(k)
    for (let i = 0; i < codes.length; i++)
      counts[codes[i] as number] = (counts[codes[i] as number] as number) + (w ? (w[i] as number) : 1)
    const total = counts.reduce((a, b) => a + b, 0)
    const prior = Array.from(counts, (c) => c / total)
    let predicted = 0
    for (let c = 1; c < k; c++) if ((counts[c] as number) > (counts[predicted] as number)) predicted = c
    if (params.strategy === 'constant') {
      predicted = params.constant === null ? -1 : classes.indexOf(params.constant)
      if (predicted < 0) {
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          `baseline-classifier: constant ${JSON.stringify(params.constant)} is not a class of "${options.target}"`,
          { details: { classes } },
        )
      }
    }
    return new BaselineModel(
      'baseline-classifier',
      {
        inputs: inputsOf(frame, options),
        output: { task: k === 2 ? 'binary' : 'multiclass', name: options.target, classes },
      },
      { ...params },
      { strategy: params.strategy, prior, predicted, seed: options.seed ?? 0 },
    )
  },
})
