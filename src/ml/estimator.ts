import type { Frame } from '../data/index.js'
import type { Model } from './bundle/index.js'

/** Options every estimator's `fit` accepts. */
export interface FitOptions {
  /** The target column's name; it is excluded from the features. */
  target: string
  /** Feature columns to use (default: every column but the target, weight and id/timestamp roles). */
  features?: readonly string[]
  /** A column of sample weights. */
  weight?: string
  /** Held-out rows for early stopping and validation metrics. */
  validation?: Frame
  /** Seed for every random choice; the same seed gives the same model, bit for bit. */
  seed?: number
  /** Worker threads to use where the family trains in parallel (default: available cores). */
  threads?: number
  /** Called with progress (e.g. trees or epochs done). */
  onProgress?: (done: number, total: number, info?: Record<string, number>) => void
  /** Stop early when aborted; fit rejects with CAIRN_CANCELLED. */
  signal?: AbortSignal
}

/**
 * An unfitted model with its hyperparameters. `fit` returns a new fitted Model and never
 * mutates the estimator, so one estimator can fit many folds.
 */
export interface Estimator<M extends Model = Model> {
  /** The family name of the models it fits. */
  readonly family: string
  /** The hyperparameters as plain JSON (recorded in bundles and tracking runs). */
  readonly params: Readonly<Record<string, unknown>>
  fit(frame: Frame, options: FitOptions): Promise<M>
  /** A copy with some hyperparameters changed (tuning, grid search). */
  with(params: Record<string, unknown>): Estimator<M>
}
