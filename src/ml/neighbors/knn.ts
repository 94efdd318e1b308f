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
import type { FitOptions } from '../estimator.js'
import {
  classificationData,
  compileRowReader,
  type FeatureMatrix,
  predictionMatrix,
  regressionData,
} from '../matrix/index.js'
import { defineEstimator } from '../pipeline/define-estimator.js'
import type { VectorPredictor } from '../pipeline/vector-predictor.js'
import { type Metric, NeighborIndex } from './search.js'

const schema = z
  .object({
    /** Neighbours that vote (scikit-learn's n_neighbors). */
    k: z.number().int().positive().default(5),
    /** `distance`: closer neighbours count more (1 / distance). */
    weights: z.enum(['uniform', 'distance']).default('uniform'),
    metric: z.enum(['euclidean', 'manhattan', 'minkowski', 'chebyshev', 'cosine']).default('euclidean'),
    /** The power for `minkowski`. */
    p: z.number().min(1).default(2),
    /** `auto` uses a k-d tree for up to 15 features (not for cosine), brute force otherwise. */
    algorithm: z.enum(['auto', 'brute', 'kd-tree']).default('auto'),
    leafSize: z.number().int().positive().default(30),
  })
  .strict()

type Params = z.output<typeof schema>

/** A fitted k-nearest-neighbours model: it keeps the training rows and searches them at predict time. */
export class KnnModel implements Model {
  private readonly index: NeighborIndex
  private readonly k: number

  constructor(
    readonly family: 'knn-classifier' | 'knn-regressor',
    readonly signature: Signature,
    readonly hyperparameters: Params,
    /** Training rows, row-major n × p. */
    readonly points: Float64Array,
    /** Classifier: class codes; regressor: target values. */
    readonly targets: Float64Array,
  ) {
    const p = signature.inputs.length
    const n = p === 0 ? 0 : points.length / p
    this.k = Math.min(hyperparameters.k, n)
    const tree =
      hyperparameters.algorithm === 'kd-tree' ||
      (hyperparameters.algorithm === 'auto' &&
        hyperparameters.metric !== 'cosine' &&
        p <= 15 &&
        n > hyperparameters.leafSize)
    if (hyperparameters.algorithm === 'kd-tree' && hyperparameters.metric === 'cosine') {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        'The k-d tree does not support the cosine metric; use algorithm "brute"',
      )
    }
    this.index = new NeighborIndex(
      points,
      p,
      hyperparameters.metric as Metric,
      hyperparameters.p,
      this.k,
      tree,
      hyperparameters.leafSize,
    )
  }

  /** The k nearest training rows of each query row: indices and distances, row-major n × k, nearest first. */
  kneighbors(frame: Frame): { indices: Int32Array; distances: Float64Array } {
    const X = predictionMatrix(frame, this.signature.inputs)
    const k = this.k
    const indices = new Int32Array(X.rows * k)
    const distances = new Float64Array(X.rows * k)
    const x = new Float64Array(X.cols)
    for (let i = 0; i < X.rows; i++) {
      gather(X, i, x)
      this.index.query(x, distances.subarray(i * k, (i + 1) * k), indices.subarray(i * k, (i + 1) * k))
    }
    return { indices, distances }
  }

  predict(frame: Frame): PredictionResult {
    const X = predictionMatrix(frame, this.signature.inputs)
    const vp = this.vectorPredictor()
    const x = new Float64Array(X.cols)
    const n = X.rows
    const values = new Float64Array(n)
    const classes = this.signature.output.classes
    const kc = classes?.length ?? 0
    const probabilities = classes ? new Float64Array(n * kc) : undefined
    for (let i = 0; i < n; i++) {
      gather(X, i, x)
      const r = vp.predict(x)
      values[i] = r.value
      if (probabilities && r.probabilities) probabilities.set(r.probabilities, i * kc)
    }
    return classes
      ? { values, classes: [...classes], probabilities: probabilities as Float64Array }
      : { values }
  }

  vectorPredictor(): VectorPredictor {
    const k = this.k
    const dist = new Float64Array(k)
    const idx = new Int32Array(k)
    const classes = this.signature.output.classes
    const kc = classes?.length ?? 0
    const votes = new Float64Array(kc)
    const out: RowPrediction = classes ? { value: 0, label: '', probabilities: votes } : { value: 0 }
    const byDistance = this.hyperparameters.weights === 'distance'
    const targets = this.targets
    const index = this.index
    return {
      predict: (x) => {
        const found = index.query(x, dist, idx)
        // With distance weights, exact matches take all the weight (as scikit-learn).
        let exact = false
        if (byDistance) for (let j = 0; j < found; j++) if (dist[j] === 0) exact = true
        if (!classes) {
          let s = 0
          let t = 0
          for (let j = 0; j < found; j++) {
            const w = byDistance ? (exact ? (dist[j] === 0 ? 1 : 0) : 1 / (dist[j] as number)) : 1
            s += w * (targets[idx[j] as number] as number)
            t += w
          }
          out.value = s / t
          return out
        }
        votes.fill(0)
        let t = 0
        for (let j = 0; j < found; j++) {
          const w = byDistance ? (exact ? (dist[j] === 0 ? 1 : 0) : 1 / (dist[j] as number)) : 1
          const c = targets[idx[j] as number] as number
          votes[c] = (votes[c] as number) + w
          t += w
        }
        let best = 0
        for (let c = 0; c < kc; c++) {
          votes[c] = (votes[c] as number) / t
          if ((votes[c] as number) > (votes[best] as number)) best = c
        }
        out.value = best
        out.label = classes[best] as string
        return out
      },
    }
  }

  rowPredictor(): RowPredictor {
    const read = compileRowReader(this.signature.inputs)
    const x = new Float64Array(this.signature.inputs.length)
    const vp = this.vectorPredictor()
    return {
      predict: (row) => {
        read(row, x)
        return vp.predict(x)
      },
    }
  }
}

function gather(X: FeatureMatrix, i: number, x: Float64Array): void {
  for (let j = 0; j < X.cols; j++) x[j] = X.data[j * X.rows + i] as number
}

function rowMajor(X: FeatureMatrix): Float64Array {
  const out = new Float64Array(X.rows * X.cols)
  for (let j = 0; j < X.cols; j++)
    for (let i = 0; i < X.rows; i++) out[i * X.cols + j] = X.data[j * X.rows + i] as number
  return out
}

function noWeights(options: FitOptions, family: string): void {
  if (options.weight) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `${family} does not use sample weights`, {
      hint: 'Drop the weight option, or use weights: "distance" to weigh neighbours by closeness',
    })
  }
}

function family(name: 'knn-classifier' | 'knn-regressor'): ModelFamily<KnnModel> {
  return {
    name,
    save: (m) => ({
      hyperparameters: m.hyperparameters,
      signature: m.signature,
      state: {},
      tensors: { points: m.points, targets: m.targets },
    }),
    load: (parts) => {
      const { points, targets } = parts.tensors
      if (!(points instanceof Float64Array && targets instanceof Float64Array)) {
        throw new Error('points and targets must be f64 tensors')
      }
      if (points.length !== targets.length * parts.signature.inputs.length) {
        throw new Error('points and targets do not match the inputs')
      }
      return new KnnModel(name, parts.signature, schema.parse(parts.hyperparameters), points, targets)
    },
  }
}
registerFamily(family('knn-classifier'))
registerFamily(family('knn-regressor'))

/** k-nearest-neighbours classification: the class shares among the k closest training rows. Scale features first. */
export const knnClassifier = defineEstimator({
  family: 'knn-classifier',
  schema,
  fit(params, frame, options) {
    noWeights(options, 'knn-classifier')
    const { X, y, classes, inputs } = classificationData(frame, options, { minClasses: 1 })
    return new KnnModel(
      'knn-classifier',
      {
        inputs,
        output: { task: classes.length === 2 ? 'binary' : 'multiclass', name: options.target, classes },
      },
      params,
      rowMajor(X),
      Float64Array.from(y),
    )
  },
})

/** k-nearest-neighbours regression: the (weighted) mean target of the k closest training rows. */
export const knnRegressor = defineEstimator({
  family: 'knn-regressor',
  schema,
  fit(params, frame, options) {
    noWeights(options, 'knn-regressor')
    const { X, y, inputs } = regressionData(frame, options)
    return new KnnModel(
      'knn-regressor',
      { inputs, output: { task: 'regression', name: options.target } },
      params,
      rowMajor(X),
      Float64Array.from(y),
    )
  },
})
