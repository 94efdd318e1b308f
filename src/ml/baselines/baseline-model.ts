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
import { checkInputsPresent, Rng } from '../matrix/index.js'
import type { VectorPredictor } from '../pipeline/vector-predictor.js'

/** Fitted state of a baseline model. */
export interface BaselineState {
  strategy: string
  /** Regressors: the constant prediction. */
  value?: number
  /** Classifiers: class shares seen at fit time (or the fixed distribution of the strategy). */
  prior?: number[]
  /** Classifiers: the class predicted when the strategy is deterministic. */
  predicted?: number
  seed?: number
}

/**
 * A model that ignores its inputs: the yardstick every real model must beat. Regressors predict a
 * constant; classifiers predict the majority class, the priors, or random draws (seeded).
 */
export class BaselineModel implements Model {
  constructor(
    readonly family: 'baseline-regressor' | 'baseline-classifier',
    readonly signature: Signature,
    readonly hyperparameters: Record<string, unknown>,
    readonly state: BaselineState,
  ) {}

  private get random(): boolean {
    return this.state.strategy === 'stratified' || this.state.strategy === 'uniform'
  }

  predict(frame: Frame): PredictionResult {
    checkInputsPresent(frame, this.signature.inputs)
    const n = frame.rowCount
    const classes = this.signature.output.classes
    if (!classes) return { values: new Float64Array(n).fill(this.state.value as number) }
    const k = classes.length
    const values = new Float64Array(n)
    const probabilities = new Float64Array(n * k)
    const rng = new Rng(this.state.seed ?? 0)
    const step = this.stepper(rng)
    for (let i = 0; i < n; i++) values[i] = step(probabilities, i * k)
    return { values, classes: [...classes], probabilities }
  }

  /** Writes one row's probabilities at `o` and returns its class. */
  private stepper(rng: Rng): (p: Float64Array, o: number) => number {
    const prior = this.state.prior as number[]
    const k = prior.length
    if (this.state.strategy === 'uniform') {
      return (p, o) => {
        for (let c = 0; c < k; c++) p[o + c] = 1 / k
        return rng.int(k)
      }
    }
    if (this.state.strategy === 'stratified') {
      return (p, o) => {
        let u = rng.next()
        let c = 0
        while (c < k - 1 && u >= (prior[c] as number)) u -= prior[c++] as number
        for (let j = 0; j < k; j++) p[o + j] = j === c ? 1 : 0
        return c
      }
    }
    const predicted = this.state.predicted as number
    const oneHot = this.state.strategy !== 'prior'
    return (p, o) => {
      for (let c = 0; c < k; c++) p[o + c] = oneHot ? (c === predicted ? 1 : 0) : (prior[c] as number)
      return predicted
    }
  }

  vectorPredictor(): VectorPredictor {
    const classes = this.signature.output.classes
    if (!classes) {
      const out: RowPrediction = { value: this.state.value as number }
      return { predict: () => out }
    }
    const probs = new Float64Array(classes.length)
    const out: RowPrediction = { value: 0, label: '', probabilities: probs }
    const step = this.stepper(new Rng(this.random ? (this.state.seed ?? 0) : 0))
    return {
      predict: () => {
        const c = step(probs, 0)
        out.value = c
        out.label = classes[c] as string
        return out
      },
    }
  }

  rowPredictor(): RowPredictor {
    const v = this.vectorPredictor()
    const empty = new Float64Array(0)
    return { predict: () => v.predict(empty) }
  }
}

function loadBaseline(family: 'baseline-regressor' | 'baseline-classifier'): ModelFamily<BaselineModel> {
  return {
    name: family,
    save: (m) => ({
      hyperparameters: m.hyperparameters,
      signature: m.signature,
      state: m.state,
      tensors: {},
    }),
    load: (parts) => {
      const state = parts.state as BaselineState
      if (family === 'baseline-regressor' ? typeof state?.value !== 'number' : !Array.isArray(state?.prior)) {
        throw new Error(`${family} state is incomplete`)
      }
      return new BaselineModel(family, parts.signature, parts.hyperparameters, state)
    },
  }
}

export const baselineRegressorFamily = loadBaseline('baseline-regressor')
export const baselineClassifierFamily = loadBaseline('baseline-classifier')
registerFamily(baselineRegressorFamily)
registerFamily(baselineClassifierFamily)
