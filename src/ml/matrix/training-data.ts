import { CairnError } from '../../core/index.js'
import { type Frame, getColumn } from '../../data/index.js'
import type { InputSpec } from '../bundle/index.js'
import type { FitOptions } from '../estimator.js'
import { type FeatureMatrix, frameToMatrix, numericInputs } from './feature-matrix.js'
import { classificationTarget, regressionTarget, sampleWeights } from './target.js'

/** The feature columns a fit uses: `options.features`, or every column but the target and weight. */
export function featureNames(
  frame: Frame,
  options: Pick<FitOptions, 'target' | 'features' | 'weight'>,
): string[] {
  if (options.features) {
    for (const f of options.features) getColumn(frame, f)
    if (options.features.includes(options.target)) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `The target "${options.target}" is also listed as a feature`,
      )
    }
    if (new Set(options.features).size !== options.features.length) {
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'A feature is listed twice')
    }
    return [...options.features]
  }
  const names = frame.columns.map((c) => c.name).filter((n) => n !== options.target && n !== options.weight)
  if (names.length === 0) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `The table has no feature columns besides "${options.target}"`,
    )
  }
  return names
}

/** Throw CAIRN_EMPTY_TRAINING_DATA when the frame has no rows; check the target exists. */
export function checkTrainable(frame: Frame, options: Pick<FitOptions, 'target'>): void {
  if (frame.rowCount === 0) {
    throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'Cannot fit on an empty table (0 rows)', {
      hint: 'Check the filter or split that produced the training data',
    })
  }
  getColumn(frame, options.target)
}

/** Everything a numeric regressor needs from a frame. */
export interface RegressionData {
  X: FeatureMatrix
  y: Float64Array
  weights: Float64Array | undefined
  inputs: InputSpec[]
}

/** Everything a numeric classifier needs from a frame. */
export interface ClassificationData {
  X: FeatureMatrix
  y: Int32Array
  classes: string[]
  weights: Float64Array | undefined
  inputs: InputSpec[]
}

/** Options for preparing training data. */
export interface PrepareOptions {
  /** Keep NaN in features (the family handles missing values). */
  allowMissing?: boolean
  /** Classifiers: the fewest classes the target may hold (default 2). */
  minClasses?: number
  /** Classifiers: the class list to encode against (partial fits, folds). */
  classes?: readonly string[]
}

/** Validate a frame for a numeric regressor and extract X, y, weights and input specs. */
export function regressionData(
  frame: Frame,
  options: FitOptions,
  prepare: PrepareOptions = {},
): RegressionData {
  checkTrainable(frame, options)
  const names = featureNames(frame, options)
  const y = regressionTarget(frame, options.target)
  const X = frameToMatrix(frame, names, { allowMissing: prepare.allowMissing ?? false })
  return {
    X,
    y,
    weights: options.weight ? sampleWeights(frame, options.weight) : undefined,
    inputs: numericInputs(frame, names, prepare.allowMissing ?? false),
  }
}

/** Validate a frame for a numeric classifier and extract X, encoded y, classes, weights and input specs. */
export function classificationData(
  frame: Frame,
  options: FitOptions,
  prepare: PrepareOptions = {},
): ClassificationData {
  checkTrainable(frame, options)
  const names = featureNames(frame, options)
  const { codes, classes } = classificationTarget(frame, options.target, prepare.classes)
  const min = prepare.minClasses ?? 2
  if (classes.length < min) {
    throw new CairnError(
      'CAIRN_CONSTANT_TARGET',
      `The target "${options.target}" holds only the class "${classes[0]}"; a classifier needs at least ${min}`,
      {
        details: { column: options.target, classes },
        hint: 'Check the split or filter: every class should appear in the training data',
      },
    )
  }
  const X = frameToMatrix(frame, names, { allowMissing: prepare.allowMissing ?? false })
  return {
    X,
    y: codes,
    classes,
    weights: options.weight ? sampleWeights(frame, options.weight) : undefined,
    inputs: numericInputs(frame, names, prepare.allowMissing ?? false),
  }
}
