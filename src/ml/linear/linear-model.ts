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
import { compileRowReader, type FeatureMatrix, predictionMatrix } from '../matrix/index.js'
import type { VectorPredictor } from '../pipeline/vector-predictor.js'

/**
 * How decision values become predictions: `identity` (regression), `logistic` (one sigmoid
 * column, or one per class one-vs-rest, normalised), `softmax` (multinomial), `modified-huber`
 * (SGD's probability estimate), `none` (labels only: hinge, perceptron).
 */
export type LinearLink = 'identity' | 'logistic' | 'softmax' | 'modified-huber' | 'none'

const links: readonly LinearLink[] = ['identity', 'logistic', 'softmax', 'modified-huber', 'none']

/** Fitted state of a linear model that fits in JSON. */
export interface LinearState {
  link: LinearLink
  /** Iterations (epochs, sweeps) the solver ran. */
  iterations: number
  converged: boolean
  /** Least squares: the design matrix's numerical rank when below the feature count. */
  rank?: number
  /** Families that learn online keep their schedule position here (samples seen, etc.). */
  online?: Record<string, number>
}

/**
 * A fitted linear model: `m` decision columns over `p` features, `d = X·W + b`. Regression and
 * binary classifiers have one column; multiclass classifiers one per class.
 */
export class LinearModel implements Model {
  readonly outputs: number
  readonly features: number

  constructor(
    readonly family: string,
    readonly signature: Signature,
    readonly hyperparameters: Record<string, unknown>,
    /** Coefficients, column c (output) of p values: `coef[c * p + j]`. */
    readonly coef: Float64Array,
    readonly intercept: Float64Array,
    /** Each feature's standard deviation in the training data (for importances). */
    readonly featureScale: Float64Array,
    readonly state: LinearState,
  ) {
    this.outputs = intercept.length
    this.features = signature.inputs.length
  }

  /** The classes, for classifiers. */
  get classes(): string[] | undefined {
    return this.signature.output.classes
  }

  /** Coefficients by feature name for output column `c` (default the first). */
  coefficients(c = 0): Record<string, number> {
    const p = this.features
    const out: Record<string, number> = {}
    this.signature.inputs.forEach((s, j) => {
      out[s.name] = this.coef[c * p + j] as number
    })
    return out
  }

  /** Decision values, row-major n × m. */
  decisionFunction(X: FeatureMatrix): Float64Array {
    const { rows: n, data } = X
    const p = this.features
    const m = this.outputs
    const d = new Float64Array(n * m)
    for (let c = 0; c < m; c++) {
      const b = this.intercept[c] as number
      for (let i = 0; i < n; i++) d[i * m + c] = b
      for (let j = 0; j < p; j++) {
        const w = this.coef[c * p + j] as number
        if (w === 0) continue
        const o = j * n
        for (let i = 0; i < n; i++) d[i * m + c] = (d[i * m + c] as number) + w * (data[o + i] as number)
      }
    }
    return d
  }

  predict(frame: Frame): PredictionResult {
    const X = predictionMatrix(frame, this.signature.inputs)
    const d = this.decisionFunction(X)
    const n = X.rows
    const classes = this.classes
    if (!classes) return { values: d }
    const k = classes.length
    const values = new Float64Array(n)
    const link = this.state.link
    const probabilities = link === 'none' ? undefined : new Float64Array(n * k)
    for (let i = 0; i < n; i++) {
      values[i] = decide(d, i * this.outputs, this.outputs)
      if (probabilities) toProbabilities(link, d, i * this.outputs, this.outputs, probabilities, i * k, k)
    }
    return probabilities
      ? { values, classes: [...classes], probabilities }
      : { values, classes: [...classes] }
  }

  rowPredictor(): RowPredictor {
    const read = compileRowReader(this.signature.inputs)
    const x = new Float64Array(this.features)
    const vector = this.vectorPredictor()
    return {
      predict: (row) => {
        read(row, x)
        return vector.predict(x)
      },
    }
  }

  /** Predict from a feature vector in signature order (the allocation-free pipeline handoff). */
  vectorPredictor(): VectorPredictor {
    const p = this.features
    const m = this.outputs
    const d = new Float64Array(m)
    const classes = this.classes
    const k = classes?.length ?? 0
    const probs = new Float64Array(k)
    const out: RowPrediction = classes
      ? this.state.link === 'none'
        ? { value: 0, label: '' }
        : { value: 0, label: '', probabilities: probs }
      : { value: 0 }
    const coef = this.coef
    const intercept = this.intercept
    const link = this.state.link
    return {
      predict: (x) => {
        for (let c = 0; c < m; c++) {
          let s = intercept[c] as number
          const o = c * p
          for (let j = 0; j < p; j++) s += (coef[o + j] as number) * (x[j] as number)
          d[c] = s
        }
        if (!classes) {
          out.value = d[0] as number
          return out
        }
        const cls = decide(d, 0, m)
        out.value = cls
        out.label = classes[cls] as string
        if (link !== 'none') toProbabilities(link, d, 0, m, probs, 0, k)
        return out
      },
    }
  }

  /** Importance of each feature: |coefficient| × the feature's training spread, summed over outputs, normalised to 1. */
  featureImportances(): Record<string, number> {
    const p = this.features
    const raw = new Float64Array(p)
    let total = 0
    for (let c = 0; c < this.outputs; c++) {
      for (let j = 0; j < p; j++) {
        const v = Math.abs(this.coef[c * p + j] as number) * (this.featureScale[j] as number)
        raw[j] = (raw[j] as number) + v
        total += v
      }
    }
    const out: Record<string, number> = {}
    this.signature.inputs.forEach((s, j) => {
      out[s.name] = total > 0 ? (raw[j] as number) / total : 0
    })
    return out
  }
}

/** The predicted class index from decision values. */
function decide(d: Float64Array, o: number, m: number): number {
  if (m === 1) return (d[o] as number) > 0 ? 1 : 0
  let best = 0
  let bv = d[o] as number
  for (let c = 1; c < m; c++) {
    const v = d[o + c] as number
    if (v > bv) {
      bv = v
      best = c
    }
  }
  return best
}

function toProbabilities(
  link: LinearLink,
  d: Float64Array,
  o: number,
  m: number,
  out: Float64Array,
  oo: number,
  k: number,
): void {
  // Sigmoids are written inline: a helper returning a double may box it on the serving path.
  if (m === 1) {
    const z = d[o] as number
    const e = Math.exp(-Math.abs(z))
    const p1 =
      link === 'modified-huber' ? (Math.min(1, Math.max(-1, z)) + 1) / 2 : z >= 0 ? 1 / (1 + e) : e / (1 + e)
    out[oo] = 1 - p1
    out[oo + 1] = p1
    return
  }
  if (link === 'softmax') {
    let max = Number.NEGATIVE_INFINITY
    for (let c = 0; c < k; c++) max = Math.max(max, d[o + c] as number)
    let s = 0
    for (let c = 0; c < k; c++) {
      const e = Math.exp((d[o + c] as number) - max)
      out[oo + c] = e
      s += e
    }
    for (let c = 0; c < k; c++) out[oo + c] = (out[oo + c] as number) / s
    return
  }
  let s = 0
  for (let c = 0; c < k; c++) {
    const z = d[o + c] as number
    const e = Math.exp(-Math.abs(z))
    const v =
      link === 'modified-huber' ? (Math.min(1, Math.max(-1, z)) + 1) / 2 : z >= 0 ? 1 / (1 + e) : e / (1 + e)
    out[oo + c] = v
    s += v
  }
  for (let c = 0; c < k; c++) out[oo + c] = s > 0 ? (out[oo + c] as number) / s : 1 / k
}

/** The constructor shape of LinearModel and its subclasses. */
export type LinearModelClass<M extends LinearModel> = new (
  ...args: ConstructorParameters<typeof LinearModel>
) => M

/** Register a linear family under `name` (save/load shared by every linear model). */
export function linearFamily<M extends LinearModel = LinearModel>(
  name: string,
  Ctor: LinearModelClass<M> = LinearModel as unknown as LinearModelClass<M>,
): ModelFamily<M> {
  const family: ModelFamily<M> = {
    name,
    save: (m) => ({
      hyperparameters: m.hyperparameters,
      signature: m.signature,
      state: m.state,
      tensors: { coef: m.coef, intercept: m.intercept, scale: m.featureScale },
    }),
    load: (parts) => {
      const t = parts.tensors
      const coef = t.coef
      const intercept = t.intercept
      const scale = t.scale
      if (
        !(coef instanceof Float64Array && intercept instanceof Float64Array && scale instanceof Float64Array)
      ) {
        throw new Error('coef, intercept and scale must be f64 tensors')
      }
      const p = parts.signature.inputs.length
      if (coef.length !== p * intercept.length || scale.length !== p) {
        throw new Error(`tensor sizes do not match ${p} inputs and ${intercept.length} outputs`)
      }
      const state = parts.state as LinearState
      if (!links.includes(state?.link)) throw new Error(`unknown link ${JSON.stringify(state?.link)}`)
      return new Ctor(name, parts.signature, parts.hyperparameters, coef, intercept, scale, state)
    },
  }
  registerFamily(family)
  return family
}
