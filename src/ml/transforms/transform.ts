import type { ColumnType, Frame, FrameColumn } from '../../data/index.js'
import type { InputSpec, Tensor } from '../bundle/index.js'

/** The target, for supervised transforms (target encoding). */
export interface TransformTarget {
  name: string
  column: FrameColumn
}

/** What a transform is fitted with besides the frame. */
export interface TransformFitContext {
  target?: TransformTarget
  /** Per-row weights, when the fit is weighted. */
  weights?: Float64Array
  /** Seed for random choices (folds of out-of-fold encoders). */
  seed: number
}

/** How a transform treats a missing value in one of its inputs. */
export type MissingPolicy = 'handles' | 'passes' | 'rejects'

/** A column a fitted transform writes. */
export interface OutputColumn {
  name: string
  type: ColumnType
}

/**
 * Where values live during a single-row pass: numbers (number/integer/boolean/datetime, NaN
 * missing) in one Float64Array, strings (category/string/text, null missing) in one array. Slots
 * are assigned when a pipeline compiles its row plan, so the per-row work allocates nothing.
 */
export interface RowLayout {
  /** The numeric slot of a column, assigned on first request. */
  numberSlot(name: string): number
  /** The string slot of a column, assigned on first request. */
  stringSlot(name: string): number
}

/** One transform's per-row work over the slots. */
export type RowStep = (numbers: Float64Array, strings: (string | null)[]) => void

/** A transform taken apart for storage. */
export interface TransformParts {
  kind: string
  params: Record<string, unknown>
  /** JSON-serialisable fitted state. */
  state: unknown
  tensors: Record<string, Tensor>
}

/** A fitted transform: maps frames (batch) and rows (serving) the same way. */
export interface FittedTransform {
  readonly kind: string
  readonly params: Readonly<Record<string, unknown>>
  /** The columns it reads, as seen at fit time (type, categories). */
  readonly inputs: readonly InputSpec[]
  /** The columns it writes. Inputs not among them are dropped; other columns pass through. */
  readonly outputs: readonly OutputColumn[]
  /** Apply to a frame: its inputs are replaced by its outputs (in their place); other columns pass. */
  transform(frame: Frame): Frame
  /** Compile the single-row path against a slot layout. */
  compileRow(layout: RowLayout): RowStep
  /** How a missing value in `column` (one of its inputs) is treated. */
  missingPolicy(column: string): MissingPolicy
  /** Which input columns an output column derives from (for mapping importances back). */
  sources(output: string): readonly string[]
  /** Fitted state for the bundle. */
  save(): TransformParts
}

/** An unfitted transform: a kind and its params. */
export interface Transformer {
  readonly kind: string
  readonly params: Readonly<Record<string, unknown>>
  fit(frame: Frame, context: TransformFitContext): FittedTransform
  /**
   * Fit and transform the training frame in one go. Supervised transforms return out-of-fold
   * values here, so the model never trains on encodings that saw its own row's target.
   */
  fitTransform(frame: Frame, context: TransformFitContext): { fitted: FittedTransform; output: Frame }
  /** A copy with some params changed. */
  with(params: Record<string, unknown>): Transformer
}
