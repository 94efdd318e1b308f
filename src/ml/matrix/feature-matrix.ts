import { CairnError } from '../../core/index.js'
import {
  type Frame,
  type FrameColumn,
  getColumn,
  isNumericColumn,
  type NumericColumn,
} from '../../data/index.js'
import type { InputSpec } from '../bundle/index.js'

/**
 * A dense feature matrix, column-major: the value of row i, feature j is `data[j * rows + i]`.
 * Columns are contiguous, so per-feature loops run over adjacent memory.
 */
export interface FeatureMatrix {
  readonly rows: number
  readonly cols: number
  readonly names: readonly string[]
  readonly data: Float64Array
}

/** Options for turning a frame into a matrix. */
export interface ToMatrixOptions {
  /** Keep NaN (missing) values; otherwise a missing or infinite value is an error naming the column. */
  allowMissing?: boolean
  /** What the matrix is for, used in error messages (`fit`, `predict`, …). */
  purpose?: string
}

/** A view of feature j (no copy). */
export function matrixColumn(m: FeatureMatrix, j: number): Float64Array {
  return m.data.subarray(j * m.rows, (j + 1) * m.rows)
}

/** An empty matrix of the given shape. */
export function zerosMatrix(rows: number, names: readonly string[]): FeatureMatrix {
  return { rows, cols: names.length, names: [...names], data: new Float64Array(rows * names.length) }
}

/** Column `name` checked to be numeric, as its Float64Array. */
export function numericValues(frame: Frame, name: string, purpose = 'fit'): Float64Array {
  return requireNumeric(getColumn(frame, name), purpose).values
}

function requireNumeric(c: FrameColumn, purpose: string): NumericColumn {
  if (isNumericColumn(c)) return c
  throw new CairnError(
    'CAIRN_FEATURE_MISMATCH',
    `Column "${c.name}" is ${c.type}, but this model needs numbers to ${purpose}`,
    {
      details: { column: c.name, type: c.type },
      hint: 'Encode it first: put oneHotEncoder() or ordinalEncoder() before the model in a pipeline()',
    },
  )
}

/** Throw CAIRN_NON_FINITE_VALUE naming the column and the first bad row. */
export function nonFiniteError(
  column: string,
  row: number,
  value: number,
  count: number,
  purpose: string,
): CairnError {
  const what = Number.isNaN(value) ? 'a missing value (NaN)' : `the value ${value}`
  return new CairnError(
    'CAIRN_NON_FINITE_VALUE',
    `Column "${column}" has ${what} at row ${row}${count > 1 ? ` (${count} such rows)` : ''}, which this model cannot ${purpose} on`,
    {
      details: { column, row, value: String(value), count },
      hint: Number.isNaN(value)
        ? 'Impute it first (simpleImputer() in a pipeline), or drop those rows'
        : 'Clip or drop infinite values before training',
    },
  )
}

/** Check a numeric array for NaN/±Infinity, naming the column. */
export function checkFiniteColumn(
  column: string,
  values: ArrayLike<number>,
  purpose: string,
  allowNaN = false,
): void {
  let first = -1
  let count = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (v - v !== 0 && !(allowNaN && Number.isNaN(v))) {
      if (first < 0) first = i
      count++
    }
  }
  if (first >= 0) throw nonFiniteError(column, first, values[first] as number, count, purpose)
}

/** Copy the named numeric columns of a frame into a column-major matrix. */
export function frameToMatrix(
  frame: Frame,
  names: readonly string[],
  options: ToMatrixOptions = {},
): FeatureMatrix {
  const purpose = options.purpose ?? 'fit'
  const rows = frame.rowCount
  const data = new Float64Array(rows * names.length)
  names.forEach((name, j) => {
    const values = numericValues(frame, name, purpose)
    checkFiniteColumn(name, values, purpose, options.allowMissing ?? false)
    data.set(values, j * rows)
  })
  return { rows, cols: names.length, names: [...names], data }
}

/** A frame of number columns viewing the matrix (no copy). */
export function matrixToFrame(m: FeatureMatrix, types?: readonly NumericColumn['type'][]): Frame {
  const columns: NumericColumn[] = m.names.map((name, j) => ({
    name,
    type: types?.[j] ?? 'number',
    values: matrixColumn(m, j),
  }))
  return { rowCount: m.rows, columns }
}

/** Input specs for numeric features, taken from the frame's column types. */
export function numericInputs(frame: Frame, names: readonly string[], nullable = false): InputSpec[] {
  return names.map((name) => {
    const c = requireNumeric(getColumn(frame, name), 'fit')
    return { name, type: c.type, nullable }
  })
}

/**
 * The matrix a fitted model predicts on: the signature's inputs, found by name. A missing column
 * or one of the wrong kind is CAIRN_FEATURE_MISMATCH naming it.
 */
export function predictionMatrix(frame: Frame, inputs: readonly InputSpec[]): FeatureMatrix {
  checkInputsPresent(frame, inputs)
  const rows = frame.rowCount
  const data = new Float64Array(rows * inputs.length)
  inputs.forEach((spec, j) => {
    const values = numericValues(frame, spec.name, 'predict')
    checkFiniteColumn(spec.name, values, 'predict', spec.nullable)
    data.set(values, j * rows)
  })
  return { rows, cols: inputs.length, names: inputs.map((s) => s.name), data }
}

/** Check that every input the model was fitted on is in the frame. */
export function checkInputsPresent(frame: Frame, inputs: readonly InputSpec[]): void {
  const have = new Set(frame.columns.map((c) => c.name))
  const missing = inputs.filter((s) => !have.has(s.name)).map((s) => s.name)
  if (missing.length > 0) {
    throw new CairnError(
      'CAIRN_FEATURE_MISMATCH',
      `The input lacks ${missing.length} feature${missing.length > 1 ? 's' : ''} the model was fitted on: ${missing
        .slice(0, 10)
        .map((m) => `"${m}"`)
        .join(', ')}${missing.length > 10 ? ', …' : ''}`,
      {
        details: { missing, expected: inputs.map((s) => s.name), received: [...have] },
        hint: 'Predict on data with the same columns as the training data',
      },
    )
  }
}
