import { CairnError } from '../../core/index.js'
import { type ColumnType, type Frame, type FrameColumn, isNumericColumn } from '../../data/index.js'
import type { InputSpec } from '../bundle/index.js'

/** One input feature of a tree model: numeric (NaN = missing) or categorical (split natively). */
export interface TreeFeature {
  name: string
  type: ColumnType
  categorical: boolean
  /** Categorical features: the categories seen at fit time; a feature value is an index into it. */
  categories?: string[]
}

/** Features taken from a training frame, column by column. */
export interface TrainingFeatures {
  specs: TreeFeature[]
  /** Numeric: the column's Float64Array (NaN = missing). Categorical: Int32Array codes (-1 = missing). */
  columns: (Float64Array | Int32Array)[]
  rowCount: number
}

export interface FeatureSelection {
  target: string
  features?: readonly string[] | undefined
  weight?: string | undefined
}

function findColumn(frame: Frame, name: string, role: string): FrameColumn {
  const c = frame.columns.find((col) => col.name === name)
  if (!c) {
    throw new CairnError('CAIRN_COLUMN_NOT_FOUND', `The ${role} column "${name}" is not in the frame`, {
      details: { column: name, available: frame.columns.map((x) => x.name) },
      hint: `Pass a frame that has "${name}", or name another column`,
    })
  }
  return c
}

/**
 * The feature columns of a training frame, checked: an empty frame, a string column or an
 * infinite value raise an error naming the column. NaN (numeric) and -1 codes (categorical)
 * are missing values, which tree models handle natively.
 */
export function trainingFeatures(frame: Frame, sel: FeatureSelection): TrainingFeatures {
  if (frame.rowCount === 0) {
    throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'Cannot fit on an empty frame (0 rows)', {
      hint: 'Check the filter or split that produced the training data',
    })
  }
  findColumn(frame, sel.target, 'target')
  const names =
    sel.features ?? frame.columns.map((c) => c.name).filter((n) => n !== sel.target && n !== sel.weight)
  if (names.length === 0) {
    throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'There are no feature columns to fit on', {
      hint: 'The frame holds only the target (and weight) column',
    })
  }
  const specs: TreeFeature[] = []
  const columns: (Float64Array | Int32Array)[] = []
  for (const name of names) {
    if (name === sel.target) {
      throw new CairnError('CAIRN_INVALID_ARGUMENT', `The target "${name}" cannot also be a feature`, {
        details: { column: name },
      })
    }
    const c = findColumn(frame, name, 'feature')
    if (c.type === 'category') {
      specs.push({ name, type: 'category', categorical: true, categories: [...c.categories] })
      columns.push(c.codes)
    } else if (c.type === 'string' || c.type === 'text') {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `Feature "${name}" is a ${c.type} column; tree models take numbers and categories`,
        {
          details: { column: name, type: c.type },
          hint: 'Read it as a category column, encode it, or leave it out of `features`',
        },
      )
    } else if (isNumericColumn(c)) {
      const v = c.values
      for (let i = 0; i < v.length; i++) {
        const x = v[i] as number
        if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) {
          throw new CairnError('CAIRN_NON_FINITE_VALUE', `Feature "${name}" holds ${x} at row ${i}`, {
            details: { column: name, row: i, value: String(x) },
            hint: 'Replace infinities with finite values or NaN (missing) before fitting',
          })
        }
      }
      specs.push({ name, type: c.type, categorical: false })
      columns.push(v)
    }
  }
  return { specs, columns, rowCount: frame.rowCount }
}

/** A regression target: finite numbers only. */
export function regressionTarget(frame: Frame, name: string): Float64Array {
  const c = findColumn(frame, name, 'target')
  if (!isNumericColumn(c)) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `The regression target "${name}" is a ${c.type} column`, {
      details: { column: name, type: c.type },
      hint: 'Use a classification objective for labels',
    })
  }
  const v = c.values
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i] as number)) {
      throw new CairnError(
        'CAIRN_NON_FINITE_VALUE',
        `Target "${name}" holds ${v[i]} at row ${i}; targets must be finite`,
        {
          details: { column: name, row: i, value: String(v[i]) },
          hint: 'Drop rows with a missing target before fitting',
        },
      )
    }
  }
  return v
}

/**
 * A classification target: class indices into `classes` (labels as strings, in a stable order).
 * Fewer than `minClasses` classes is CAIRN_CONSTANT_TARGET.
 */
export function classTarget(
  frame: Frame,
  name: string,
  minClasses = 2,
): { y: Int32Array; classes: string[] } {
  const c = findColumn(frame, name, 'target')
  const n = frame.rowCount
  const y = new Int32Array(n)
  let classes: string[]
  const missing = (i: number): never => {
    throw new CairnError('CAIRN_NON_FINITE_VALUE', `Target "${name}" is missing at row ${i}`, {
      details: { column: name, row: i },
      hint: 'Drop rows with a missing label before fitting',
    })
  }
  if (c.type === 'category') {
    const used = new Uint8Array(c.categories.length)
    for (let i = 0; i < n; i++) {
      const code = c.codes[i] as number
      if (code < 0) missing(i)
      used[code] = 1
    }
    const remap = new Int32Array(c.categories.length).fill(-1)
    classes = []
    for (let k = 0; k < used.length; k++) {
      if (used[k]) {
        remap[k] = classes.length
        classes.push(c.categories[k] as string)
      }
    }
    for (let i = 0; i < n; i++) y[i] = remap[c.codes[i] as number] as number
  } else if (c.type === 'string' || c.type === 'text') {
    const labels = c.values
    const set = new Set<string>()
    for (let i = 0; i < n; i++) {
      const s = labels[i]
      if (s === null || s === undefined) missing(i)
      else set.add(s)
    }
    classes = [...set].sort()
    const index = new Map(classes.map((k, i) => [k, i]))
    for (let i = 0; i < n; i++) y[i] = index.get(labels[i] as string) as number
  } else {
    const v = c.values
    const set = new Set<number>()
    for (let i = 0; i < n; i++) {
      const x = v[i] as number
      if (!Number.isFinite(x)) missing(i)
      set.add(x)
    }
    const values = [...set].sort((a, b) => a - b)
    classes = values.map((x) => (c.type === 'boolean' ? (x !== 0 ? 'true' : 'false') : String(x)))
    const index = new Map(values.map((x, i) => [x, i]))
    for (let i = 0; i < n; i++) y[i] = index.get(v[i] as number) as number
  }
  if (classes.length < minClasses) {
    throw new CairnError(
      'CAIRN_CONSTANT_TARGET',
      `Target "${name}" has a single class (${JSON.stringify(classes[0])}); a classifier needs two or more`,
      { details: { column: name, classes }, hint: 'Check the split or filter that produced the data' },
    )
  }
  return { y, classes }
}

/** Sample weights from a column: finite and non-negative, with a positive sum. */
export function sampleWeights(frame: Frame, name: string | undefined): Float64Array | undefined {
  if (name === undefined) return undefined
  const c = findColumn(frame, name, 'weight')
  if (!isNumericColumn(c)) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `The weight column "${name}" is not numeric`, {
      details: { column: name },
    })
  }
  let sum = 0
  for (let i = 0; i < c.values.length; i++) {
    const w = c.values[i] as number
    if (!Number.isFinite(w) || w < 0) {
      throw new CairnError(
        'CAIRN_NON_FINITE_VALUE',
        `Weight "${name}" holds ${w} at row ${i}; weights must be finite and ≥ 0`,
        { details: { column: name, row: i, value: String(w) } },
      )
    }
    sum += w
  }
  if (!(sum > 0)) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `Weight "${name}" sums to zero`, {
      details: { column: name },
    })
  }
  return c.values
}

/** The signature inputs of tree features (every one accepts missing values). */
export function featureInputs(specs: readonly TreeFeature[]): InputSpec[] {
  return specs.map((s) =>
    s.categorical
      ? {
          name: s.name,
          type: 'category',
          nullable: true,
          categories: [...(s.categories ?? [])],
          acceptsUnknown: true,
        }
      : { name: s.name, type: s.type, nullable: true },
  )
}

/** The tree features described by signature inputs (the inverse of `featureInputs`). */
export function featuresFromInputs(inputs: readonly InputSpec[]): TreeFeature[] {
  return inputs.map((s) =>
    s.type === 'category'
      ? { name: s.name, type: s.type, categorical: true, categories: [...(s.categories ?? [])] }
      : { name: s.name, type: s.type, categorical: false },
  )
}

/**
 * A frame's columns bound to a model's features, checked once per batch. Each feature reads as a
 * number: numeric values (NaN = missing) or, for categorical features, the index of the category
 * in the model's list (NaN = missing or a category unseen at fit time).
 */
export interface BoundColumns {
  rowCount: number
  featureCount: number
  numeric: (Float64Array | null)[]
  codes: (Int32Array | null)[]
  /** Frame code → model category index (-1 = unseen). */
  remap: (Int32Array | null)[]
}

/** Bind a frame to features by name; a missing or wrongly typed column is CAIRN_FEATURE_MISMATCH. */
export function bindColumns(frame: Frame, specs: readonly TreeFeature[]): BoundColumns {
  const numeric: (Float64Array | null)[] = []
  const codes: (Int32Array | null)[] = []
  const remap: (Int32Array | null)[] = []
  for (const s of specs) {
    const c = frame.columns.find((col) => col.name === s.name)
    if (!c) {
      throw new CairnError(
        'CAIRN_FEATURE_MISMATCH',
        `The model needs column "${s.name}", which the input lacks`,
        {
          details: {
            column: s.name,
            expected: specs.map((x) => x.name),
            got: frame.columns.map((x) => x.name),
          },
          hint: 'Pass the same feature columns the model was fitted on',
        },
      )
    }
    if (s.categorical) {
      const index = new Map((s.categories ?? []).map((k, i) => [k, i]))
      if (c.type === 'category') {
        const m = new Int32Array(c.categories.length)
        for (let k = 0; k < m.length; k++) m[k] = index.get(c.categories[k] as string) ?? -1
        numeric.push(null)
        codes.push(c.codes)
        remap.push(m)
      } else if (c.type === 'string' || c.type === 'text') {
        const v = new Float64Array(frame.rowCount)
        for (let i = 0; i < v.length; i++) {
          const str = c.values[i]
          v[i] = str === null || str === undefined ? Number.NaN : (index.get(str) ?? Number.NaN)
        }
        numeric.push(v)
        codes.push(null)
        remap.push(null)
      } else {
        throw mismatch(s, c)
      }
    } else {
      if (!isNumericColumn(c)) throw mismatch(s, c)
      numeric.push(c.values)
      codes.push(null)
      remap.push(null)
    }
  }
  return { rowCount: frame.rowCount, featureCount: specs.length, numeric, codes, remap }
}

function mismatch(s: TreeFeature, c: FrameColumn): CairnError {
  return new CairnError(
    'CAIRN_FEATURE_MISMATCH',
    `Column "${s.name}" is ${c.type}, but the model was fitted on a ${s.categorical ? 'category' : 'numeric'} column`,
    { details: { column: s.name, expected: s.categorical ? 'category' : s.type, got: c.type } },
  )
}

/** Copy rows [r0, r1) of bound columns into `out`, row-major (`(r - r0) * featureCount + j`). */
export function fillRowBlock(b: BoundColumns, r0: number, r1: number, out: Float64Array): void {
  const f = b.featureCount
  for (let j = 0; j < f; j++) {
    const num = b.numeric[j]
    if (num) {
      for (let r = r0, o = j; r < r1; r++, o += f) out[o] = num[r] as number
    } else {
      const codes = b.codes[j] as Int32Array
      const m = b.remap[j] as Int32Array
      for (let r = r0, o = j; r < r1; r++, o += f) {
        const code = codes[r] as number
        const k = code < 0 ? -1 : (m[code] as number)
        out[o] = k < 0 ? Number.NaN : k
      }
    }
  }
}

/**
 * Fill `out` from one row object (the serving path): no allocation per call. A feature absent
 * from the row is CAIRN_FEATURE_MISMATCH; `null` is a missing value.
 */
export class RowReader {
  private readonly names: string[]
  private readonly kinds: Uint8Array
  private readonly lookups: (Map<string, number> | null)[]

  constructor(specs: readonly TreeFeature[]) {
    this.names = specs.map((s) => s.name)
    this.kinds = Uint8Array.from(specs.map((s) => (s.categorical ? 1 : 0)))
    this.lookups = specs.map((s) =>
      s.categorical ? new Map((s.categories ?? []).map((k, i) => [k, i])) : null,
    )
  }

  read(row: Readonly<Record<string, unknown>>, out: Float64Array): void {
    const names = this.names
    for (let j = 0; j < names.length; j++) {
      const name = names[j] as string
      const v = row[name]
      if (this.kinds[j] === 0) {
        out[j] = typeof v === 'number' ? v : this.slowNumber(name, v)
      } else if (typeof v === 'string') {
        out[j] = (this.lookups[j] as Map<string, number>).get(v) ?? Number.NaN
      } else {
        out[j] = this.slowCategory(j, name, v)
      }
    }
  }

  private slowNumber(name: string, v: unknown): number {
    if (v === null) return Number.NaN
    if (typeof v === 'boolean') return v ? 1 : 0
    if (v instanceof Date) return v.getTime()
    if (typeof v === 'string') {
      const x = v.trim() === '' ? Number.NaN : Number(v)
      if (!Number.isNaN(x) || v.trim() === '') return x
    }
    throw this.bad(name, v)
  }

  private slowCategory(j: number, name: string, v: unknown): number {
    if (v === null) return Number.NaN
    if (typeof v === 'number' || typeof v === 'boolean') {
      return (this.lookups[j] as Map<string, number>).get(String(v)) ?? Number.NaN
    }
    throw this.bad(name, v)
  }

  private bad(name: string, v: unknown): CairnError {
    if (v === undefined) {
      return new CairnError('CAIRN_FEATURE_MISMATCH', `The row lacks feature "${name}"`, {
        details: { column: name, expected: this.names },
        hint: 'Send every feature the model was fitted on (null for a missing value)',
      })
    }
    return new CairnError(
      'CAIRN_FEATURE_MISMATCH',
      `Feature "${name}" cannot be read from ${JSON.stringify(v)}`,
      {
        details: { column: name, value: String(v) },
      },
    )
  }
}
