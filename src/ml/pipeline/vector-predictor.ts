import type { Model, RowPrediction } from '../bundle/index.js'

/**
 * The allocation-free handoff between a pipeline's transforms and its final model: features as a
 * Float64Array in `signature.inputs` order. Numeric inputs are their value (NaN = missing);
 * category inputs are the index into that input's `categories`, or NaN when missing or unknown.
 */
export interface VectorPredictor {
  /** The returned object may be reused by the next call. */
  predict(x: Float64Array): RowPrediction
}

/** A model that offers the vector fast path (pipelines use it when present). */
export interface VectorPredictable {
  vectorPredictor(): VectorPredictor
}

/** The model's vector predictor, when it has one. */
export function vectorPredictorOf(model: Model): VectorPredictor | undefined {
  const m = model as Model & Partial<VectorPredictable>
  return typeof m.vectorPredictor === 'function' ? m.vectorPredictor() : undefined
}
