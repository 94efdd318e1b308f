// TEMPORARY: a tiny linear family used until src/ml/linear lands; replace with the real one.
import type { Frame } from '../../data/index.js'
import {
  type Model,
  type ModelFamily,
  type PredictionResult,
  registerFamily,
  type Signature,
} from '../../ml/index.js'

export interface TempLinearState {
  bias: number
  /** Classifiers: logistic on the linear score, classes [negative, positive]. */
  classify: boolean
}

export class TempLinearModel implements Model {
  readonly family = 'serving-temp-linear'
  constructor(
    readonly signature: Signature,
    readonly weights: Float64Array,
    readonly state: TempLinearState,
  ) {}

  #score(get: (i: number) => number): number {
    let s = this.state.bias
    for (let i = 0; i < this.weights.length; i++) {
      const v = get(i)
      s += (Number.isNaN(v) ? 0 : v) * (this.weights[i] as number)
    }
    return s
  }

  #value(spec: Signature['inputs'][number], v: unknown): number {
    if (spec.type === 'category') return spec.categories ? spec.categories.indexOf(String(v)) : 0
    return typeof v === 'number' ? v : v === true ? 1 : v === false ? 0 : Number.NaN
  }

  predict(frame: Frame): PredictionResult {
    const n = frame.rowCount
    const values = new Float64Array(n)
    const cols = this.signature.inputs.map((s) => frame.columns.find((c) => c.name === s.name))
    const probabilities = this.state.classify ? new Float64Array(n * 2) : undefined
    for (let r = 0; r < n; r++) {
      const s = this.#score((i) => {
        const c = cols[i]
        if (!c) return Number.NaN
        if (c.type === 'category') {
          const code = c.codes[r] as number
          return code < 0 ? Number.NaN : this.#value(this.signature.inputs[i] as never, c.categories[code])
        }
        if (c.type === 'string' || c.type === 'text') return Number.NaN
        return c.values[r] as number
      })
      if (probabilities) {
        const p = 1 / (1 + Math.exp(-s))
        probabilities[r * 2] = 1 - p
        probabilities[r * 2 + 1] = p
        values[r] = p >= 0.5 ? 1 : 0
      } else values[r] = s
    }
    const classes = this.signature.output.classes
    return probabilities && classes ? { values, classes: [...classes], probabilities } : { values }
  }

  rowPredictor() {
    const specs = this.signature.inputs
    const classes = this.signature.output.classes ?? []
    const probs = new Float64Array(2)
    const out: { value: number; label?: string; probabilities?: Float64Array } = { value: 0 }
    return {
      predict: (row: Readonly<Record<string, unknown>>) => {
        const s = this.#score((i) => {
          const spec = specs[i] as Signature['inputs'][number]
          return this.#value(spec, row[spec.name])
        })
        if (this.state.classify) {
          const p = 1 / (1 + Math.exp(-s))
          probs[0] = 1 - p
          probs[1] = p
          out.value = p >= 0.5 ? 1 : 0
          out.label = classes[out.value] as string
          out.probabilities = probs
        } else out.value = s
        return out
      },
    }
  }
}

export const tempLinearFamily: ModelFamily<TempLinearModel> = {
  name: 'serving-temp-linear',
  save: (m) => ({
    hyperparameters: {},
    signature: m.signature,
    state: m.state,
    tensors: { weights: m.weights },
  }),
  load: (parts) =>
    new TempLinearModel(
      parts.signature,
      parts.tensors.weights as Float64Array,
      parts.state as TempLinearState,
    ),
}

registerFamily(tempLinearFamily)
