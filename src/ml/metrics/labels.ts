import { CairnError } from '../../core/index.js'

/** Class labels as numbers (codes, 0/1, any numeric label) or strings. */
export type LabelArray = ArrayLike<number> | readonly string[]
/** One class label. */
export type Label = number | string

/** Labels mapped to indices into `classes` (sorted like scikit-learn: numbers ascending, strings by code point). */
export interface EncodedLabels {
  classes: Label[]
  codes: Int32Array[]
}

/** Check that arrays have the same, non-zero length. */
export function checkLengths(what: string, n: number, ...others: (ArrayLike<unknown> | undefined)[]): void {
  if (n === 0) throw new CairnError('CAIRN_INVALID_ARGUMENT', `${what}: no values to score`)
  for (const o of others) {
    if (o !== undefined && o.length !== n) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `${what}: arrays differ in length (${n} and ${o.length})`,
        { details: { expected: n, actual: o.length } },
      )
    }
  }
}

/** Sort labels the way scikit-learn's `np.unique` does. */
export function sortLabels(labels: Iterable<Label>): Label[] {
  const out = [...new Set(labels)]
  const hasString = out.some((l) => typeof l === 'string')
  if (hasString && out.some((l) => typeof l === 'number')) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Labels mix numbers and strings; use one kind')
  }
  return hasString
    ? out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    : out.sort((a, b) => (a as number) - (b as number))
}

function labelAt(arr: LabelArray, i: number): Label {
  const v = arr[i] as Label | null | undefined
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
    throw new CairnError('CAIRN_NON_FINITE_VALUE', `Label at position ${i} is missing`, {
      details: { row: i },
    })
  }
  return v
}

/**
 * Encode one or more label arrays against a shared class list: `labels` when given (its order is
 * kept), otherwise the sorted union of every array's labels.
 */
export function encodeLabels(arrays: LabelArray[], labels?: readonly Label[]): EncodedLabels {
  let classes: Label[]
  if (labels) classes = [...labels]
  else {
    const all = new Set<Label>()
    for (const a of arrays) for (let i = 0; i < a.length; i++) all.add(labelAt(a, i))
    classes = sortLabels(all)
  }
  const index = new Map<Label, number>(classes.map((c, i) => [c, i]))
  const codes = arrays.map((a) => {
    const out = new Int32Array(a.length)
    for (let i = 0; i < a.length; i++) {
      const l = labelAt(a, i)
      const c = index.get(l)
      if (c === undefined) {
        throw new CairnError(
          'CAIRN_UNSEEN_CLASS',
          `Label ${JSON.stringify(l)} is not one of the given labels`,
          {
            details: { label: l, labels: classes },
          },
        )
      }
      out[i] = c
    }
    return out
  })
  return { classes, codes }
}

/**
 * The positive class for binary metrics: `posLabel` when given; otherwise 1 when present, else the
 * greater of exactly two labels.
 */
export function resolvePosLabel(
  classes: readonly Label[],
  posLabel: Label | undefined,
  what: string,
): number {
  if (posLabel !== undefined) {
    const i = classes.indexOf(posLabel)
    if (i < 0 && classes.length > 1) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `${what}: posLabel ${JSON.stringify(posLabel)} is not a label`,
        {
          details: { posLabel, labels: classes },
        },
      )
    }
    if (classes.length > 2) throw tooMany(what, classes)
    return i
  }
  if (classes.length > 2) throw tooMany(what, classes)
  const one = classes.indexOf(1)
  if (one >= 0) return one
  if (classes.length === 2) return 1
  throw new CairnError('CAIRN_INVALID_ARGUMENT', `${what}: cannot tell the positive class; pass posLabel`, {
    details: { labels: classes },
  })
}

function tooMany(what: string, classes: readonly Label[]): CairnError {
  return new CairnError(
    'CAIRN_INVALID_ARGUMENT',
    `${what}: ${classes.length} classes found but average "binary" needs two`,
    {
      details: { labels: classes },
      hint: 'Pass average: "macro", "weighted" or "micro" for multiclass targets',
    },
  )
}

/** Weight of row i (1 when there are no weights). */
export function weightAt(w: ArrayLike<number> | undefined, i: number): number {
  return w === undefined ? 1 : (w[i] as number)
}

/** Check that weights are finite and non-negative. */
export function checkWeights(what: string, w: ArrayLike<number> | undefined): void {
  if (w === undefined) return
  for (let i = 0; i < w.length; i++) {
    const v = w[i] as number
    if (!Number.isFinite(v) || v < 0) {
      throw new CairnError('CAIRN_NON_FINITE_VALUE', `${what}: sample weight at position ${i} is ${v}`, {
        details: { row: i, value: v },
      })
    }
  }
}

/** Check that numbers are finite, naming what they are. */
export function checkFinite(what: string, name: string, x: ArrayLike<number>): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number
    if (!Number.isFinite(v)) {
      throw new CairnError('CAIRN_NON_FINITE_VALUE', `${what}: ${name} at position ${i} is ${v}`, {
        details: { row: i, value: String(v), column: name },
      })
    }
  }
}
