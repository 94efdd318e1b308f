import { CairnError } from '../../core/index.js'
import { type Frame, type FrameColumn, getColumn, isNumericColumn } from '../../data/index.js'
import { checkFiniteColumn } from './feature-matrix.js'

/** A classification target encoded against its classes. */
export interface EncodedTarget {
  /** Index into `classes` for each row. */
  codes: Int32Array
  /** Class labels as strings: sorted like scikit-learn (numbers numerically, strings by code point). */
  classes: string[]
}

/** The label of row i as a string (`null` when missing). Numbers print as JS does; booleans as `true`/`false`. */
export function labelAt(c: FrameColumn, i: number): string | null {
  if (c.type === 'category') {
    const code = c.codes[i] as number
    return code < 0 ? null : (c.categories[code] ?? null)
  }
  if (c.type === 'string' || c.type === 'text') return c.values[i] ?? null
  const v = c.values[i] as number
  if (Number.isNaN(v)) return null
  if (c.type === 'boolean') return v !== 0 ? 'true' : 'false'
  return String(v)
}

/** A regression target: numeric, finite, non-empty. */
export function regressionTarget(frame: Frame, name: string): Float64Array {
  const c = getColumn(frame, name)
  if (!isNumericColumn(c)) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `The target "${name}" is ${c.type}; a regressor needs numbers`,
      {
        details: { column: name, type: c.type },
        hint: 'Use a classifier for a categorical target',
      },
    )
  }
  checkFiniteColumn(name, c.values, 'fit')
  return c.values
}

/**
 * A classification target as codes. With `classes` (a fitted model's), labels outside them are
 * CAIRN_UNSEEN_CLASS; without, the classes are the sorted labels present.
 */
export function classificationTarget(frame: Frame, name: string, classes?: readonly string[]): EncodedTarget {
  const c = getColumn(frame, name)
  const n = frame.rowCount
  const labels: string[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const l = labelAt(c, i)
    if (l === null) {
      throw new CairnError('CAIRN_NON_FINITE_VALUE', `The target "${name}" is missing at row ${i}`, {
        details: { column: name, row: i },
        hint: 'Drop rows without a label before training or scoring',
      })
    }
    labels[i] = l
  }
  const numeric = isNumericColumn(c) && c.type !== 'boolean'
  const cls = classes ? [...classes] : sortClassLabels(new Set(labels), numeric)
  const index = new Map(cls.map((l, i) => [l, i]))
  const codes = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const code = index.get(labels[i] as string)
    if (code === undefined) {
      throw new CairnError(
        'CAIRN_UNSEEN_CLASS',
        `The target "${name}" holds the class "${labels[i]}" at row ${i}, which the model never saw at fit time`,
        {
          details: { column: name, row: i, label: labels[i], classes: cls },
          hint: 'Refit on data that includes this class, or pass every class up front (partialFit classes)',
        },
      )
    }
    codes[i] = code
  }
  return { codes, classes: cls }
}

/** Sort labels numerically when they are all numbers, else by code point. */
export function sortClassLabels(labels: Iterable<string>, numeric: boolean): string[] {
  const out = [...labels]
  if (numeric && out.every((l) => l.trim() !== '' && !Number.isNaN(Number(l)))) {
    return out.sort((a, b) => Number(a) - Number(b))
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** Sample weights from a column: numeric, finite, non-negative, not all zero. */
export function sampleWeights(frame: Frame, name: string): Float64Array {
  const c = getColumn(frame, name)
  if (!isNumericColumn(c)) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `The weight column "${name}" is ${c.type}; weights are numbers`,
    )
  }
  checkFiniteColumn(name, c.values, 'fit')
  let total = 0
  for (let i = 0; i < c.values.length; i++) {
    const w = c.values[i] as number
    if (w < 0) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `The weight column "${name}" is negative (${w}) at row ${i}`,
        {
          details: { column: name, row: i },
        },
      )
    }
    total += w
  }
  if (total <= 0) throw new CairnError('CAIRN_INVALID_ARGUMENT', `The weight column "${name}" sums to zero`)
  return c.values
}
