import { z } from 'zod'
import { CairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import type { FitOptions } from '../estimator.js'
import {
  classificationData,
  classificationTarget,
  type FeatureMatrix,
  predictionMatrix,
  Rng,
  regressionData,
  regressionTarget,
  sampleWeights,
} from '../matrix/index.js'
import { defineEstimator, type PartialFitStart, throwIfAborted } from '../pipeline/define-estimator.js'
import { classifierSignature, columnStats, regressionSignature, withClassWeights } from './fit-helpers.js'
import { type LinearLink, LinearModel, linearFamily } from './linear-model.js'
import { rowMajor, type SgdClock, type SgdSettings, sgdEpochs } from './sgd-core.js'

/** Options for continuing an online model with a new batch of labelled rows. */
export interface SgdPartialFitOptions {
  /** Target column (default: the signature's output name). */
  target?: string
  weight?: string
  /** Passes over the batch (default 1). */
  epochs?: number
  seed?: number
  signal?: AbortSignal
}

const common = {
  penalty: z.enum(['l2', 'l1', 'elasticnet', 'none']).default('l2'),
  alpha: z.number().nonnegative().default(1e-4),
  l1Ratio: z.number().min(0).max(1).default(0.15),
  fitIntercept: z.boolean().default(true),
  /** Epochs for `fit`. */
  maxIter: z.number().int().positive().default(1000),
  tol: z.number().positive().nullable().default(1e-3),
  nIterNoChange: z.number().int().positive().default(5),
  shuffle: z.boolean().default(true),
  epsilon: z.number().nonnegative().default(0.1),
  eta0: z.number().nonnegative().default(0.01),
  powerT: z.number().default(0.25),
}

const regressorSchema = z
  .object({
    ...common,
    loss: z
      .enum(['squared-error', 'huber', 'epsilon-insensitive', 'squared-epsilon-insensitive'])
      .default('squared-error'),
    learningRate: z.enum(['constant', 'optimal', 'invscaling', 'adaptive']).default('invscaling'),
  })
  .strict()

const classifierSchema = z
  .object({
    ...common,
    loss: z.enum(['hinge', 'log-loss', 'modified-huber', 'squared-hinge', 'perceptron']).default('hinge'),
    learningRate: z.enum(['constant', 'optimal', 'invscaling', 'adaptive']).default('optimal'),
    classWeight: z
      .union([z.literal('balanced'), z.record(z.string(), z.number().positive()), z.null()])
      .default(null),
  })
  .strict()

type RegressorParams = z.output<typeof regressorSchema>
type ClassifierParams = z.output<typeof classifierSchema>

function settingsOf(p: RegressorParams | ClassifierParams): SgdSettings {
  if (p.learningRate !== 'optimal' && p.eta0 <= 0) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `eta0 must be positive for learningRate "${p.learningRate}"`,
    )
  }
  if (p.learningRate === 'optimal' && p.alpha <= 0) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'alpha must be positive for learningRate "optimal"')
  }
  return { ...p, tol: p.tol }
}

function linkOf(loss: string): LinearLink {
  return loss === 'log-loss' ? 'logistic' : loss === 'modified-huber' ? 'modified-huber' : 'none'
}

/**
 * A linear model trained by stochastic gradient descent. `partialFit` continues training on a new
 * batch and returns a new model (this one is unchanged), so serving can swap versions safely.
 */
export class SgdModel extends LinearModel {
  private get clock(): SgdClock {
    const o = this.state.online ?? {}
    return { t: o.t ?? 1, eta: o.eta ?? (this.hyperparameters.eta0 as number) }
  }

  /** Samples seen so far (the learning-rate schedule's position). */
  get samplesSeen(): number {
    return this.clock.t - 1
  }

  /**
   * Continue training on new labelled rows (one pass by default). Feature columns are matched by
   * name; a class outside the model's classes is CAIRN_UNSEEN_CLASS.
   */
  async partialFit(frame: Frame, options: SgdPartialFitOptions = {}): Promise<SgdModel> {
    if (frame.rowCount === 0) {
      throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'partialFit got no rows')
    }
    throwIfAborted(options.signal)
    const params = this.hyperparameters as unknown as ClassifierParams
    const settings = settingsOf(params)
    const X = predictionMatrix(frame, this.signature.inputs)
    const target = options.target ?? this.signature.output.name
    const weights = options.weight ? sampleWeights(frame, options.weight) : undefined
    const coef = Float64Array.from(this.coef)
    const intercept = Float64Array.from(this.intercept)
    const clock = this.clock
    const rng = new Rng((options.seed ?? 0) + clock.t)
    const epochs = options.epochs ?? 1
    const once = { ...settings, tol: null }
    const classes = this.classes
    if (!classes) {
      const y = regressionTarget(frame, target)
      trainOutput(X, y, weights, coef, intercept, 0, once, clock, epochs, rng)
    } else {
      const { codes } = classificationTarget(frame, target, classes)
      const sw = withClassWeights(codes, classes.length, weights, params.classWeight, classes)
      trainClassifier(X, codes, classes.length, sw, coef, intercept, once, clock, epochs, rng)
    }
    return new SgdModel(
      this.family,
      this.signature,
      this.hyperparameters,
      coef,
      intercept,
      this.featureScale,
      {
        ...this.state,
        iterations: this.state.iterations + epochs,
        online: { t: clock.t, eta: clock.eta, updates: (this.state.online?.updates ?? 0) + 1 },
      },
    )
  }
}

function trainOutput(
  X: FeatureMatrix,
  y: Float64Array,
  sw: Float64Array | undefined,
  coef: Float64Array,
  intercept: Float64Array,
  c: number,
  s: SgdSettings,
  clock: SgdClock,
  epochs: number,
  rng: Rng,
  rows = rowMajor(X),
  onEpoch?: (e: number) => void,
) {
  const p = X.cols
  const w = coef.subarray(c * p, (c + 1) * p)
  const b = intercept.subarray(c, c + 1)
  return sgdEpochs(rows, X.rows, p, y, sw, w, b, s, clock, epochs, rng, onEpoch)
}

/** Binary: one output with y ∈ {−1, +1}; multiclass: one-vs-rest outputs sharing a clock start. */
function trainClassifier(
  X: FeatureMatrix,
  codes: Int32Array,
  k: number,
  sw: Float64Array | undefined,
  coef: Float64Array,
  intercept: Float64Array,
  s: SgdSettings,
  clock: SgdClock,
  epochs: number,
  rng: Rng,
  onEpoch?: (e: number) => void,
): { epochs: number; converged: boolean } {
  const n = X.rows
  const rows = rowMajor(X)
  const y = new Float64Array(n)
  const outputs = k === 2 ? 1 : k
  const start = { ...clock }
  let maxEpochs = 0
  let converged = true
  for (let c = 0; c < outputs; c++) {
    const positive = k === 2 ? 1 : c
    for (let i = 0; i < n; i++) y[i] = codes[i] === positive ? 1 : -1
    const local = { ...start }
    const r = trainOutput(X, y, sw, coef, intercept, c, s, local, epochs, rng.fork(), rows, onEpoch)
    maxEpochs = Math.max(maxEpochs, r.epochs)
    converged &&= r.converged || s.tol === null
    clock.t = Math.max(clock.t, local.t)
    clock.eta = local.eta
  }
  return { epochs: maxEpochs, converged }
}

linearFamily('sgd-regressor', SgdModel)
linearFamily('sgd-classifier', SgdModel)

function fitRegressor(params: RegressorParams, frame: Frame, options: FitOptions, epochs: number): SgdModel {
  const s = settingsOf(params)
  const { X, y, weights, inputs } = regressionData(frame, options)
  const coef = new Float64Array(X.cols)
  const intercept = new Float64Array(1)
  const clock: SgdClock = { t: 1, eta: params.eta0 }
  const rng = new Rng(options.seed ?? 0)
  const r = trainOutput(X, y, weights, coef, intercept, 0, s, clock, epochs, rng, rowMajor(X), (e) => {
    options.onProgress?.(e, epochs)
    throwIfAborted(options.signal)
  })
  return new SgdModel(
    'sgd-regressor',
    regressionSignature(inputs, options.target),
    { ...params },
    coef,
    intercept,
    columnStats(X, weights).std,
    {
      link: 'identity',
      iterations: r.epochs,
      converged: r.converged,
      online: { t: clock.t, eta: clock.eta, updates: 0 },
    },
  )
}

function fitClassifier(
  params: ClassifierParams,
  frame: Frame,
  options: PartialFitStart,
  epochs: number,
): SgdModel {
  const s = settingsOf(params)
  const data = classificationData(
    frame,
    options,
    options.classes ? { classes: options.classes, minClasses: 2 } : {},
  )
  const { X, y, classes, inputs } = data
  if (options.classes && classes.length < 2) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'partialFit needs at least two classes')
  }
  const k = classes.length
  const outputs = k === 2 ? 1 : k
  const coef = new Float64Array(outputs * X.cols)
  const intercept = new Float64Array(outputs)
  const clock: SgdClock = { t: 1, eta: params.eta0 }
  const sw = withClassWeights(y, k, data.weights, params.classWeight, classes)
  const r = trainClassifier(
    X,
    y,
    k,
    sw,
    coef,
    intercept,
    s,
    clock,
    epochs,
    new Rng(options.seed ?? 0),
    (e) => {
      options.onProgress?.(e, epochs)
      throwIfAborted(options.signal)
    },
  )
  return new SgdModel(
    'sgd-classifier',
    classifierSignature(inputs, options.target, classes),
    { ...params },
    coef,
    intercept,
    columnStats(X, data.weights).std,
    {
      link: linkOf(params.loss),
      iterations: r.epochs,
      converged: r.converged,
      online: { t: clock.t, eta: clock.eta, updates: 0 },
    },
  )
}

/**
 * Linear regression by stochastic gradient descent (scikit-learn's SGDRegressor): squared, Huber
 * or epsilon-insensitive loss; L2/L1/elastic-net penalty; learns online with `partialFit`.
 * Scale features first (standardScaler in a pipeline): SGD is sensitive to feature scale.
 */
export const sgdRegressor = defineEstimator({
  family: 'sgd-regressor',
  schema: regressorSchema,
  fit: (params, frame, options) => fitRegressor(params, frame, options, params.maxIter),
  partialFit: (params, frame, options) => fitRegressor({ ...params, tol: null }, frame, options, 1),
})

/**
 * Linear classifier by stochastic gradient descent (scikit-learn's SGDClassifier): hinge (linear
 * SVM), log loss (logistic), modified Huber, squared hinge or perceptron; one-vs-rest for
 * multiclass; learns online with `partialFit`. Probabilities for log and modified-Huber losses.
 */
export const sgdClassifier = defineEstimator({
  family: 'sgd-classifier',
  schema: classifierSchema,
  fit: (params, frame, options) => fitClassifier(params, frame, options, params.maxIter),
  partialFit: (params, frame, options) => fitClassifier({ ...params, tol: null }, frame, options, 1),
})
