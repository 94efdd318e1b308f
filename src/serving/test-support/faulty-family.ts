import type { Frame } from '../../data/index.js'
import {
  type Model,
  type ModelFamily,
  type PredictionResult,
  registerFamily,
  type Signature,
} from '../../ml/index.js'

/**
 * A deliberately broken model for tests of the 500 path: it answers `x * 2`, but throws when `x`
 * is exactly 13 (a stand-in for a model bug met only by some inputs).
 */
export class FaultyModel implements Model {
  readonly family = 'serving-test-faulty'
  constructor(readonly signature: Signature) {}

  predict(frame: Frame): PredictionResult {
    const col = frame.columns.find((c) => c.name === 'x')
    const values = new Float64Array(frame.rowCount)
    for (let i = 0; i < frame.rowCount; i++) {
      const v =
        col && 'values' in col && col.values instanceof Float64Array ? (col.values[i] as number) : Number.NaN
      if (v === 13) throw new Error('unlucky input')
      values[i] = v * 2
    }
    return { values }
  }

  rowPredictor() {
    const out = { value: 0 }
    return {
      predict: (row: Readonly<Record<string, unknown>>) => {
        const v = row.x as number
        if (v === 13) throw new Error('unlucky input')
        out.value = v * 2
        return out
      },
    }
  }
}

export const faultyFamily: ModelFamily<FaultyModel> = {
  name: 'serving-test-faulty',
  save: (m) => ({ hyperparameters: {}, signature: m.signature, state: {}, tensors: {} }),
  load: (parts) => new FaultyModel(parts.signature),
}

registerFamily(faultyFamily)

/** The faulty model with one number input `x`. */
export function faultyModel(): FaultyModel {
  return new FaultyModel({
    inputs: [{ name: 'x', type: 'number', nullable: false }],
    output: { task: 'regression', name: 'y' },
  })
}
