import type { ColumnType } from '../../data/index.js'

/** One input column a model expects. */
export interface InputSpec {
  name: string
  type: ColumnType
  /** Whether missing values are accepted (the model handles them). */
  nullable: boolean
  /** For category columns: the values seen at fit time. */
  categories?: string[]
  /**
   * For category columns: the model also takes values it never saw (trees treat them as missing,
   * encoders set to ignore them skip them), so serving accepts them instead of answering 422.
   */
  acceptsUnknown?: boolean
  /** Declared range; serving rejects values outside it when set. */
  min?: number
  max?: number
  description?: string
}

/** What a model predicts. */
export type Task = 'regression' | 'binary' | 'multiclass' | 'ranking'

export interface OutputSpec {
  task: Task
  /** The target's name, e.g. `median_house_value`. */
  name: string
  /** Classifiers: class labels, in the order of the probability columns. */
  classes?: string[]
}

/** A model's input and output contract; serving validates requests against it. */
export interface Signature {
  inputs: InputSpec[]
  output: OutputSpec
}
