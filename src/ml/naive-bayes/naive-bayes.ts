import { z } from 'zod'
import { CairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import {
  type Model,
  type ModelFamily,
  type PredictionResult,
  type RowPrediction,
  type RowPredictor,
  registerFamily,
  type Signature,
} from '../bundle/index.js'
import {
  classificationData,
  classificationTarget,
  compileRowReader,
  type FeatureMatrix,
  predictionMatrix,
  sampleWeights,
} from '../matrix/index.js'
import { defineEstimator, type PartialFitStart, throwIfAborted } from '../pipeline/define-estimator.js'
import type { VectorPredictor } from '../pipeline/vector-predictor.js'

/** Options for continuing a naive Bayes model with a new batch. */
export interface NaiveBayesPartialFitOptions {
  /** Target column (default: the signature's output name). */
  target?: string
  weight?: string
  signal?: AbortSignal
}

type Kind = 'gaussian-nb' | 'multinomial-nb'

/**
 * Sufficient statistics per class, so that `partialFit` adds a batch exactly as if it had been in
 * the first fit. Gaussian: weighted counts, means and variances per feature. Multinomial:
 * weighted feature totals per class.
 */
interface NbState {
  /** Gaussian: the smoothing added to every variance (scikit-learn's epsilon_). */
  epsilon?: number
  updates: number
}

/**
 * A fitted naive Bayes classifier. Gaussian: features are normal within each class. Multinomial:
 * features are counts (word counts, event counts). Both learn online with `partialFit`.
 */
export class NaiveBayesModel implements Model {
  /** Per class: log prior + the class's constant term. */
  private readonly logPrior: Float64Array
  /** k × p: Gaussian 1/(2·var); multinomial log probability of the feature. */
  private readonly a: Float64Array
  /** k × p: Gaussian means (multinomial: unused). */
  private readonly b: Float64Array

  constructor(
    readonly family: Kind,
    readonly signature: Signature,
    readonly hyperparameters: Record<string, unknown>,
    /** Weighted row count per class. */
    readonly classCount: Float64Array,
    /** k × p: Gaussian means; multinomial feature totals. */
    readonly stat1: Float64Array,
    /** k × p: Gaussian variances (epsilon included); multinomial unused (empty). */
    readonly stat2: Float64Array,
    readonly state: NbState,
  ) {
    const k = classCount.length
    const p = signature.inputs.length
    this.logPrior = new Float64Array(k)
    this.a = new Float64Array(k * p)
    this.b = new Float64Array(k * p)
    const prior = this.priors()
    for (let c = 0; c < k; c++) {
      let constant = Math.log(prior[c] as number)
      if (family === 'gaussian-nb') {
        for (let j = 0; j < p; j++) {
          const v = stat2[c * p + j] as number
          constant -= 0.5 * Math.log(2 * Math.PI * v)
          this.a[c * p + j] = 1 / (2 * v)
          this.b[c * p + j] = stat1[c * p + j] as number
        }
      } else {
        const alpha = hyperparameters.alpha as number
        let total = 0
        for (let j = 0; j < p; j++) total += (stat1[c * p + j] as number) + alpha
        for (let j = 0; j < p; j++)
          this.a[c * p + j] = Math.log(((stat1[c * p + j] as number) + alpha) / total)
      }
      this.logPrior[c] = constant
    }
  }

  /** Class priors: given, uniform (multinomial fitPrior false), or the class shares seen. */
  priors(): Float64Array {
    const k = this.classCount.length
    const given = (this.hyperparameters.priors ?? this.hyperparameters.classPrior) as
      | number[]
      | null
      | undefined
    if (given) return Float64Array.from(given)
    if (this.family === 'multinomial-nb' && this.hyperparameters.fitPrior === false)
      return new Float64Array(k).fill(1 / k)
    const total = this.classCount.reduce((s, v) => s + v, 0)
    return Float64Array.from(this.classCount, (v) => v / total)
  }

  /** Joint log-likelihood of one row (in x) for every class, into `out`. */
  private jll(x: Float64Array, out: Float64Array): void {
    const k = out.length
    const p = x.length
    for (let c = 0; c < k; c++) {
      let s = this.logPrior[c] as number
      const o = c * p
      if (this.family === 'gaussian-nb') {
        for (let j = 0; j < p; j++) {
          const d = (x[j] as number) - (this.b[o + j] as number)
          s -= d * d * (this.a[o + j] as number)
        }
      } else {
        for (let j = 0; j < p; j++) s += (x[j] as number) * (this.a[o + j] as number)
      }
      out[c] = s
    }
  }

  vectorPredictor(): VectorPredictor {
    const classes = this.signature.output.classes as string[]
    const k = classes.length
    const probs = new Float64Array(k)
    const out: RowPrediction = { value: 0, label: '', probabilities: probs }
    return {
      predict: (x) => {
        this.jll(x, probs)
        let best = 0
        let max = probs[0] as number
        for (let c = 1; c < k; c++) {
          if ((probs[c] as number) > max) {
            max = probs[c] as number
            best = c
          }
        }
        let sum = 0
        for (let c = 0; c < k; c++) {
          const e = Math.exp((probs[c] as number) - max)
          probs[c] = e
          sum += e
        }
        for (let c = 0; c < k; c++) probs[c] = (probs[c] as number) / sum
        out.value = best
        out.label = classes[best] as string
        return out
      },
    }
  }

  predict(frame: Frame): PredictionResult {
    const X = this.matrix(frame, 'predict')
    const classes = this.signature.output.classes as string[]
    const k = classes.length
    const vp = this.vectorPredictor()
    const x = new Float64Array(X.cols)
    const values = new Float64Array(X.rows)
    const probabilities = new Float64Array(X.rows * k)
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < X.cols; j++) x[j] = X.data[j * X.rows + i] as number
      const r = vp.predict(x)
      values[i] = r.value
      probabilities.set(r.probabilities as Float64Array, i * k)
    }
    return { values, classes: [...classes], probabilities }
  }

  rowPredictor(): RowPredictor {
    const read = compileRowReader(this.signature.inputs)
    const x = new Float64Array(this.signature.inputs.length)
    const vp = this.vectorPredictor()
    const counts = this.family === 'multinomial-nb'
    return {
      predict: (row) => {
        read(row, x)
        if (counts)
          for (let j = 0; j < x.length; j++)
            if ((x[j] as number) < 0)
              throw negativeError(this.signature.inputs[j]?.name ?? '', x[j] as number)
        return vp.predict(x)
      },
    }
  }

  private matrix(frame: Frame, purpose: string): FeatureMatrix {
    const X = predictionMatrix(frame, this.signature.inputs)
    if (this.family === 'multinomial-nb') checkCounts(X, purpose)
    return X
  }

  /**
   * Add a batch of labelled rows and return the updated model (this one is unchanged). A class
   * outside the model's classes is CAIRN_UNSEEN_CLASS.
   */
  async partialFit(frame: Frame, options: NaiveBayesPartialFitOptions = {}): Promise<NaiveBayesModel> {
    if (frame.rowCount === 0) throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'partialFit got no rows')
    throwIfAborted(options.signal)
    const X = this.matrix(frame, 'fit')
    const classes = this.signature.output.classes as string[]
    const { codes } = classificationTarget(frame, options.target ?? this.signature.output.name, classes)
    const w = options.weight ? sampleWeights(frame, options.weight) : undefined
    const next = accumulate(this.family, X, codes, w, classes.length, {
      classCount: this.classCount,
      stat1: this.stat1,
      stat2: this.stat2,
      epsilon: this.state.epsilon ?? 0,
      varSmoothing: (this.hyperparameters.varSmoothing as number | undefined) ?? 0,
    })
    return new NaiveBayesModel(
      this.family,
      this.signature,
      this.hyperparameters,
      next.classCount,
      next.stat1,
      next.stat2,
      {
        ...(this.family === 'gaussian-nb' ? { epsilon: next.epsilon } : {}),
        updates: this.state.updates + 1,
      },
    )
  }
}

function negativeError(column: string, value: number): CairnError {
  return new CairnError(
    'CAIRN_INVALID_ARGUMENT',
    `multinomial-nb needs counts, but feature "${column}" is ${value}`,
    {
      details: { column, value },
      hint: 'Use gaussian-nb for real-valued features, or a min-max scaler to make them non-negative',
    },
  )
}

function checkCounts(X: FeatureMatrix, _purpose: string): void {
  for (let j = 0; j < X.cols; j++) {
    for (let i = 0; i < X.rows; i++) {
      const v = X.data[j * X.rows + i] as number
      if (v < 0) throw negativeError(X.names[j] as string, v)
    }
  }
}

interface Stats {
  classCount: Float64Array
  stat1: Float64Array
  stat2: Float64Array
  epsilon: number
  varSmoothing: number
}

/**
 * Fold a batch into per-class statistics. Gaussian follows scikit-learn's partial_fit: variances
 * are combined exactly (Chan et al.), and the smoothing epsilon is re-derived from this batch's
 * largest feature variance.
 */
function accumulate(
  kind: Kind,
  X: FeatureMatrix,
  y: Int32Array,
  w: Float64Array | undefined,
  k: number,
  prev: Stats | undefined,
): Stats {
  const n = X.rows
  const p = X.cols
  const classCount = prev ? Float64Array.from(prev.classCount) : new Float64Array(k)
  const stat1 = prev ? Float64Array.from(prev.stat1) : new Float64Array(k * p)
  if (kind === 'multinomial-nb') {
    for (let i = 0; i < n; i++) {
      const c = y[i] as number
      const wi = w ? (w[i] as number) : 1
      classCount[c] = (classCount[c] as number) + wi
      for (let j = 0; j < p; j++)
        stat1[c * p + j] = (stat1[c * p + j] as number) + wi * (X.data[j * n + i] as number)
    }
    return { classCount, stat1, stat2: new Float64Array(0), epsilon: 0, varSmoothing: 0 }
  }
  const stat2 = prev ? Float64Array.from(prev.stat2) : new Float64Array(k * p)
  // Batch epsilon: varSmoothing × the largest (unweighted) feature variance of this batch.
  let maxVar = 0
  for (let j = 0; j < p; j++) {
    let m = 0
    for (let i = 0; i < n; i++) m += X.data[j * n + i] as number
    m /= n
    let v = 0
    for (let i = 0; i < n; i++) v += ((X.data[j * n + i] as number) - m) ** 2
    maxVar = Math.max(maxVar, v / n)
  }
  const varSmoothing = prev?.varSmoothing ?? 0
  const epsilon = varSmoothing * maxVar
  const oldEps = prev?.epsilon ?? 0
  const bw = new Float64Array(k)
  const bMean = new Float64Array(k * p)
  const bVar = new Float64Array(k * p)
  for (let i = 0; i < n; i++) bw[y[i] as number] = (bw[y[i] as number] as number) + (w ? (w[i] as number) : 1)
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) {
      const c = y[i] as number
      bMean[c * p + j] =
        (bMean[c * p + j] as number) + (w ? (w[i] as number) : 1) * (X.data[j * n + i] as number)
    }
    for (let c = 0; c < k; c++)
      if ((bw[c] as number) > 0) bMean[c * p + j] = (bMean[c * p + j] as number) / (bw[c] as number)
    for (let i = 0; i < n; i++) {
      const c = y[i] as number
      bVar[c * p + j] =
        (bVar[c * p + j] as number) +
        (w ? (w[i] as number) : 1) * ((X.data[j * n + i] as number) - (bMean[c * p + j] as number)) ** 2
    }
  }
  for (let c = 0; c < k; c++) {
    const nb = bw[c] as number
    if (nb === 0) {
      for (let j = 0; j < p; j++) stat2[c * p + j] = (stat2[c * p + j] as number) - oldEps + epsilon
      continue
    }
    const na = classCount[c] as number
    for (let j = 0; j < p; j++) {
      const o = c * p + j
      const newVar = (bVar[o] as number) / nb
      if (na === 0) {
        stat1[o] = bMean[o] as number
        stat2[o] = newVar + epsilon
        continue
      }
      const oldVar = (stat2[o] as number) - oldEps
      const total = na + nb
      const mean = (na * (stat1[o] as number) + nb * (bMean[o] as number)) / total
      const ssd =
        na * oldVar + nb * newVar + ((na * nb) / total) * ((stat1[o] as number) - (bMean[o] as number)) ** 2
      stat1[o] = mean
      stat2[o] = ssd / total + epsilon
    }
    classCount[c] = na + nb
  }
  return { classCount, stat1, stat2, epsilon, varSmoothing }
}

function fitNb(
  kind: Kind,
  params: Record<string, unknown>,
  frame: Frame,
  options: PartialFitStart,
): NaiveBayesModel {
  const data = classificationData(
    frame,
    options,
    options.classes ? { classes: options.classes, minClasses: 1 } : { minClasses: 1 },
  )
  const { X, y, classes, inputs } = data
  if (kind === 'multinomial-nb') checkCounts(X, 'fit')
  const k = classes.length
  const given = (params.priors ?? params.classPrior) as number[] | null
  if (given && (given.length !== k || Math.abs(given.reduce((a, b) => a + b, 0) - 1) > 1e-8)) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `${kind}: priors must be ${k} numbers that sum to 1 (classes ${classes.join(', ')})`,
    )
  }
  const stats = accumulate(kind, X, y, data.weights, k, {
    classCount: new Float64Array(k),
    stat1: new Float64Array(k * X.cols),
    stat2: new Float64Array(k * X.cols),
    epsilon: 0,
    varSmoothing: (params.varSmoothing as number | undefined) ?? 0,
  })
  return new NaiveBayesModel(
    kind,
    { inputs, output: { task: k === 2 ? 'binary' : 'multiclass', name: options.target, classes } },
    params,
    stats.classCount,
    stats.stat1,
    stats.stat2,
    { ...(kind === 'gaussian-nb' ? { epsilon: stats.epsilon } : {}), updates: 0 },
  )
}

function nbFamily(name: Kind): ModelFamily<NaiveBayesModel> {
  const f: ModelFamily<NaiveBayesModel> = {
    name,
    save: (m) => ({
      hyperparameters: m.hyperparameters,
      signature: m.signature,
      state: m.state,
      tensors: { classCount: m.classCount, stat1: m.stat1, stat2: m.stat2 },
    }),
    load: (parts) => {
      const { classCount, stat1, stat2 } = parts.tensors
      if (
        !(
          classCount instanceof Float64Array &&
          stat1 instanceof Float64Array &&
          stat2 instanceof Float64Array
        )
      ) {
        throw new Error('classCount, stat1 and stat2 must be f64 tensors')
      }
      return new NaiveBayesModel(
        name,
        parts.signature,
        parts.hyperparameters,
        classCount,
        stat1,
        stat2,
        parts.state as NbState,
      )
    },
  }
  registerFamily(f)
  return f
}
nbFamily('gaussian-nb')
nbFamily('multinomial-nb')

/** Gaussian naive Bayes (scikit-learn's GaussianNB): fast, calibrated-ish probabilities, learns online. */
export const gaussianNb = defineEstimator({
  family: 'gaussian-nb',
  schema: z
    .object({
      /** Added to every variance: this share of the largest feature variance. */
      varSmoothing: z.number().nonnegative().default(1e-9),
      /** Class priors in sorted class order (default: the class shares seen). */
      priors: z.array(z.number().nonnegative()).nullable().default(null),
    })
    .strict(),
  fit: (params, frame, options) => fitNb('gaussian-nb', params, frame, options),
  partialFit: (params, frame, options) => fitNb('gaussian-nb', params, frame, options),
})

/** Multinomial naive Bayes (scikit-learn's MultinomialNB) for count features; learns online. */
export const multinomialNb = defineEstimator({
  family: 'multinomial-nb',
  schema: z
    .object({
      /** Additive (Laplace/Lidstone) smoothing. */
      alpha: z.number().nonnegative().default(1),
      /** Learn class priors from the data (false: uniform). */
      fitPrior: z.boolean().default(true),
      classPrior: z.array(z.number().nonnegative()).nullable().default(null),
    })
    .strict(),
  fit: (params, frame, options) => fitNb('multinomial-nb', params, frame, options),
  partialFit: (params, frame, options) => fitNb('multinomial-nb', params, frame, options),
})
