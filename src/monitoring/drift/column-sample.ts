import { type FrameColumn, isNumericColumn } from '../../data/index.js'
import { countDistinctSorted, meanStd, sortFinite } from '../stats/index.js'
import type { ColumnKind } from './types.js'

/** A numeric column ready for testing: sorted finite values and counts of what was dropped. */
export interface NumericSample {
  kind: 'num'
  name: string
  sorted: Float64Array
  /** Rows in the column. */
  total: number
  missing: number
  nonFinite: number
  distinct: number
  std: number
}

/** A categorical column: counts per category label. */
export interface CategoricalSample {
  kind: 'cat'
  name: string
  counts: Map<string, number>
  total: number
  missing: number
}

/** A text column: its non-missing strings. */
export interface TextSample {
  kind: 'text'
  name: string
  values: string[]
  total: number
  missing: number
}

export type ColumnSample = NumericSample | CategoricalSample | TextSample

/** Rows that take part in the tests. */
export function sampleSize(s: ColumnSample): number {
  return s.kind === 'num' ? s.sorted.length : s.kind === 'cat' ? s.total - s.missing : s.values.length
}

/** The kind a frame column is tested as by default; null for types drift does not cover (datetime). */
export function defaultKind(column: FrameColumn): ColumnKind | null {
  switch (column.type) {
    case 'number':
    case 'integer':
      return 'num'
    case 'boolean':
    case 'category':
    case 'string':
      return 'cat'
    case 'text':
      return 'text'
    default:
      return null
  }
}

/** Prepare a frame column as `kind` (numeric columns can be read as categories, not the reverse). */
export function prepareColumn(column: FrameColumn, kind: ColumnKind): ColumnSample | null {
  if (kind === 'num') {
    if (!isNumericColumn(column)) return null
    const { values: sorted, dropped } = sortFinite(column.values)
    let missing = 0
    const values = column.values
    for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) missing++
    return {
      kind: 'num',
      name: column.name,
      sorted,
      total: column.values.length,
      missing,
      nonFinite: dropped - missing,
      distinct: countDistinctSorted(sorted),
      std: meanStd(sorted).std,
    }
  }
  if (kind === 'cat') return categorical(column)
  if (column.type !== 'string' && column.type !== 'text' && column.type !== 'category') return null
  const values: string[] = []
  let missing = 0
  if (column.type === 'category') {
    for (const code of column.codes) {
      if (code < 0) missing++
      else values.push(column.categories[code] as string)
    }
  } else {
    for (const v of column.values) {
      if (v === null) missing++
      else values.push(v)
    }
  }
  return { kind: 'text', name: column.name, values, total: values.length + missing, missing }
}

function categorical(column: FrameColumn): CategoricalSample {
  const counts = new Map<string, number>()
  let missing = 0
  if (column.type === 'category') {
    const byCode = new Float64Array(column.categories.length)
    for (const code of column.codes) {
      if (code < 0) missing++
      else byCode[code] = (byCode[code] as number) + 1
    }
    column.categories.forEach((label, i) => {
      const c = byCode[i] as number
      if (c > 0) counts.set(label, (counts.get(label) ?? 0) + c)
    })
    return { kind: 'cat', name: column.name, counts, total: column.codes.length, missing }
  }
  if (column.type === 'string' || column.type === 'text') {
    for (const v of column.values) {
      if (v === null) missing++
      else counts.set(v, (counts.get(v) ?? 0) + 1)
    }
    return { kind: 'cat', name: column.name, counts, total: column.values.length, missing }
  }
  const isBool = column.type === 'boolean'
  for (const v of column.values) {
    if (Number.isNaN(v)) missing++
    else {
      const label = isBool ? (v !== 0 ? 'true' : 'false') : String(v)
      counts.set(label, (counts.get(label) ?? 0) + 1)
    }
  }
  return { kind: 'cat', name: column.name, counts, total: column.values.length, missing }
}

/** Aligned counts of two categorical samples over the union of their labels (reference order first). */
export function alignCounts(
  reference: CategoricalSample,
  current: CategoricalSample,
): { labels: string[]; reference: Float64Array; current: Float64Array } {
  const labels = [...reference.counts.keys()]
  for (const k of current.counts.keys()) if (!reference.counts.has(k)) labels.push(k)
  const r = new Float64Array(labels.length)
  const c = new Float64Array(labels.length)
  labels.forEach((l, i) => {
    r[i] = reference.counts.get(l) ?? 0
    c[i] = current.counts.get(l) ?? 0
  })
  return { labels, reference: r, current: c }
}

/** A numeric sample's distinct values as categorical counts (for chi-square / z on numbers). */
export function numericAsCategorical(s: NumericSample): CategoricalSample {
  const counts = new Map<string, number>()
  const v = s.sorted
  for (let i = 0; i < v.length; ) {
    let j = i
    while (j < v.length && v[j] === v[i]) j++
    counts.set(String(v[i]), j - i)
    i = j
  }
  return { kind: 'cat', name: s.name, counts, total: s.total, missing: s.total - v.length }
}
