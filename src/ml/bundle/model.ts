import type { Frame } from '../../data/index.js'
import type { Signature } from './signature.js'

/** Predictions for a batch of rows. */
export interface PredictionResult {
  /**
   * Regression: the predicted value. Ranking: the score. Classifiers: the index (into `classes`)
   * of the predicted class.
   */
  values: Float64Array
  /** Classifiers: class labels in probability-column order. */
  classes?: string[]
  /** Classifiers: row-major `rowCount × classes.length` probabilities. */
  probabilities?: Float64Array
}

/** The answer for one row. The object may be reused by the next call: copy what you keep. */
export interface RowPrediction {
  value: number
  /** Classifiers: the predicted label. */
  label?: string
  /** Classifiers: probabilities in `classes` order (a view that the next call overwrites). */
  probabilities?: Float64Array
}

/**
 * The serving path: a compiled predictor for one row at a time that allocates nothing per call
 * beyond what the row object already holds. Values are read by column name.
 */
export interface RowPredictor {
  predict(row: Readonly<Record<string, unknown>>): RowPrediction
}

/** A fitted model: anything the registry stores and serving loads. */
export interface Model {
  /** The family name the bundle records (`gbdt`, `logistic-regression`, `pipeline`, …). */
  readonly family: string
  readonly signature: Signature
  /** Predict a batch; columns are found by name, extra columns are ignored. */
  predict(frame: Frame): PredictionResult
  /** A single-row predictor for the serving path. */
  rowPredictor(): RowPredictor
  /** Importance per input feature, where the family has it. */
  featureImportances?(): Record<string, number>
}
