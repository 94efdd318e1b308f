import { CairnError } from '../../../core/index.js'
import { type Frame, getColumn, isNumericColumn } from '../../../data/index.js'

/** Class labels of a target column as strings (numbers and booleans stringified), null when missing. */
export function targetLabels(frame: Frame, target: string): (string | null)[] {
  const col = getColumn(frame, target)
  const out: (string | null)[] = new Array(frame.rowCount)
  for (let i = 0; i < frame.rowCount; i++) {
    if (col.type === 'category') {
      const c = col.codes[i]!
      out[i] = c < 0 ? null : (col.categories[c] ?? null)
    } else if (col.type === 'string' || col.type === 'text') {
      out[i] = col.values[i] ?? null
    } else {
      const v = col.values[i]!
      out[i] = Number.isNaN(v) ? null : col.type === 'boolean' ? (v !== 0 ? 'true' : 'false') : String(v)
    }
  }
  return out
}

/** Encode labels as indexes into `classes`; rows with a missing label are an error. */
export function encodeLabels(labels: readonly (string | null)[], classes: readonly string[]): Int32Array {
  const index = new Map(classes.map((c, k) => [c, k]))
  const y = new Int32Array(labels.length)
  labels.forEach((l, i) => {
    if (l === null) throw new CairnError('CAIRN_NON_FINITE_VALUE', `The target is missing in row ${i}`)
    const k = index.get(l)
    if (k === undefined) {
      throw new CairnError(
        'CAIRN_UNSEEN_CLASS',
        `Class "${l}" (row ${i}) was not seen when the model was first fitted`,
        {
          details: { class: l, known: classes },
          hint: 'Refit the model from scratch to add a class',
        },
      )
    }
    y[i] = k
  })
  return y
}

/** A numeric target as Float64Array; missing or infinite values are an error. */
export function numericTarget(frame: Frame, target: string): Float64Array {
  const col = getColumn(frame, target)
  if (!isNumericColumn(col)) {
    throw new CairnError(
      'CAIRN_FEATURE_MISMATCH',
      `Regression target "${target}" must be numeric, got ${col.type}`,
    )
  }
  for (let i = 0; i < col.values.length; i++) {
    if (!Number.isFinite(col.values[i]!)) {
      throw new CairnError(
        'CAIRN_NON_FINITE_VALUE',
        `The target "${target}" is missing or infinite in row ${i}`,
      )
    }
  }
  return col.values
}

/** Feature columns: the given list, or every column but the target and weight. */
export function featureNames(
  frame: Frame,
  target: string,
  features?: readonly string[],
  weight?: string,
): string[] {
  const names = features
    ? [...features]
    : frame.columns.map((c) => c.name).filter((n) => n !== target && n !== weight)
  if (names.includes(target)) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `The target "${target}" cannot also be a feature`)
  }
  return names
}
