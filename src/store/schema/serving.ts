/** Tables of the serving layer: the prediction log and the ground-truth labels sent back later. */

/**
 * One answered row. `inputs` is the row as JSON (signature columns only); `outputs` holds the
 * classifier probabilities as JSON (null for regression). Times are ms since the epoch.
 */
export interface PredictionLogTable {
  prediction_id: string
  /** The id of the request's first row: rows answered together share it. */
  request_id: string
  model: string
  version: string
  /** `champion`, `canary` or `shadow`. */
  variant: string
  timestamp: number
  latency_ms: number
  inputs: string
  /** Regression value, ranking score, or the index of the predicted class. */
  prediction: number | null
  /** Classifiers: the predicted label. */
  label: string | null
  outputs: string | null
}

/** A ground-truth label attached to a prediction id after the fact (delayed labels). */
export interface PredictionFeedbackTable {
  prediction_id: string
  /** The label as JSON (a number or a string). */
  label: string
  /** The label when it is a number (regression), else null. */
  label_value: number | null
  timestamp: number
}

export interface ServingTables {
  prediction_log: PredictionLogTable
  prediction_feedback: PredictionFeedbackTable
}
