import { CairnError } from '../../core/index.js'
import type { CategoryColumn, ColumnType, Frame, FrameColumn, NumericColumn, StringColumn } from './frame.js'

/** Build a frame from columns, checking that lengths agree and names are unique. */
export function makeFrame(columns: FrameColumn[]): Frame {
  const rowCount = columns.length === 0 ? 0 : columnLength(columns[0] as FrameColumn)
  const seen = new Set<string>()
  for (const c of columns) {
    if (seen.has(c.name)) throw new CairnError('CAIRN_INVALID_ARGUMENT', `Column "${c.name}" appears twice`)
    seen.add(c.name)
    if (columnLength(c) !== rowCount) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `Column "${c.name}" has ${columnLength(c)} rows, expected ${rowCount}`,
      )
    }
  }
  return { rowCount, columns }
}

/** Number of rows in a column. */
export function columnLength(c: FrameColumn): number {
  return c.type === 'category' ? c.codes.length : c.values.length
}

/** The column named `name`; CAIRN_COLUMN_NOT_FOUND when absent. */
export function getColumn(frame: Frame, name: string): FrameColumn {
  const c = frame.columns.find((col) => col.name === name)
  if (!c) {
    throw new CairnError('CAIRN_COLUMN_NOT_FOUND', `Column "${name}" not found`, {
      details: { column: name, available: frame.columns.map((x) => x.name) },
    })
  }
  return c
}

/** A frame with only the named columns, in that order. */
export function selectColumns(frame: Frame, names: readonly string[]): Frame {
  return { rowCount: frame.rowCount, columns: names.map((n) => getColumn(frame, n)) }
}

/** A frame without the named columns. */
export function dropColumns(frame: Frame, names: readonly string[]): Frame {
  const drop = new Set(names)
  return { rowCount: frame.rowCount, columns: frame.columns.filter((c) => !drop.has(c.name)) }
}

/** A frame of the given rows (in that order; repeats allowed). */
export function takeRows(frame: Frame, rows: ArrayLike<number>): Frame {
  const n = rows.length
  const columns = frame.columns.map((c): FrameColumn => {
    if (c.type === 'category') {
      const codes = new Int32Array(n)
      for (let i = 0; i < n; i++) codes[i] = c.codes[rows[i] as number] as number
      return { ...c, codes }
    }
    if (c.type === 'string' || c.type === 'text') {
      const values = new Array<string | null>(n)
      for (let i = 0; i < n; i++) values[i] = c.values[rows[i] as number] ?? null
      return { ...c, values }
    }
    const src = c.values
    const values = new Float64Array(n)
    for (let i = 0; i < n; i++) values[i] = src[rows[i] as number] as number
    return { name: c.name, type: c.type, values }
  })
  return { rowCount: n, columns }
}

/** The value at one row as a plain JS value (null for missing; datetime as a Date). */
export function cellValue(c: FrameColumn, row: number): string | number | boolean | Date | null {
  switch (c.type) {
    case 'category': {
      const code = c.codes[row] as number
      return code < 0 ? null : (c.categories[code] ?? null)
    }
    case 'string':
    case 'text':
      return c.values[row] ?? null
    case 'boolean': {
      const v = c.values[row] as number
      return Number.isNaN(v) ? null : v !== 0
    }
    case 'datetime': {
      const v = c.values[row] as number
      return Number.isNaN(v) ? null : new Date(v)
    }
    default: {
      const v = c.values[row] as number
      return Number.isNaN(v) ? null : v
    }
  }
}

/** Rows as plain objects (for display, JSON and tests; not for hot paths). */
export function frameToRows(frame: Frame): Record<string, string | number | boolean | Date | null>[] {
  const out: Record<string, string | number | boolean | Date | null>[] = []
  for (let r = 0; r < frame.rowCount; r++) {
    const row: Record<string, string | number | boolean | Date | null> = {}
    for (const c of frame.columns) row[c.name] = cellValue(c, r)
    out.push(row)
  }
  return out
}

/**
 * Build a frame from plain rows. Types come from `types` when given, otherwise are inferred per
 * column: all numbers → number, all booleans → boolean, Dates → datetime, anything else → category.
 */
export function frameFromRows(
  rows: readonly Record<string, unknown>[],
  types: Record<string, ColumnType> = {},
  columnOrder?: readonly string[],
): Frame {
  const names = columnOrder ? [...columnOrder] : collectNames(rows)
  const columns = names.map((name) => buildColumn(name, rows, types[name] ?? inferType(rows, name)))
  return { rowCount: rows.length, columns }
}

function collectNames(rows: readonly Record<string, unknown>[]): string[] {
  const names: string[] = []
  const seen = new Set<string>()
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k)
        names.push(k)
      }
    }
  }
  return names
}

function inferType(rows: readonly Record<string, unknown>[], name: string): ColumnType {
  let kind: ColumnType | undefined
  for (const r of rows) {
    const v = r[name]
    if (v === null || v === undefined) continue
    const k: ColumnType =
      typeof v === 'number'
        ? 'number'
        : typeof v === 'boolean'
          ? 'boolean'
          : v instanceof Date
            ? 'datetime'
            : 'category'
    if (kind === undefined) kind = k
    else if (kind !== k) return 'category'
  }
  return kind ?? 'number'
}

function buildColumn(name: string, rows: readonly Record<string, unknown>[], type: ColumnType): FrameColumn {
  const n = rows.length
  if (type === 'category') {
    const codes = new Int32Array(n)
    const categories: string[] = []
    const index = new Map<string, number>()
    for (let i = 0; i < n; i++) {
      const v = rows[i]?.[name]
      if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
        codes[i] = -1
        continue
      }
      const s = String(v)
      let code = index.get(s)
      if (code === undefined) {
        code = categories.length
        categories.push(s)
        index.set(s, code)
      }
      codes[i] = code
    }
    return { name, type, codes, categories } satisfies CategoryColumn
  }
  if (type === 'string' || type === 'text') {
    const values = rows.map((r) => {
      const v = r[name]
      return v === null || v === undefined ? null : String(v)
    })
    return { name, type, values } satisfies StringColumn
  }
  const values = new Float64Array(n)
  for (let i = 0; i < n; i++) values[i] = toNumber(rows[i]?.[name], type, name, i)
  return { name, type, values } satisfies NumericColumn
}

function toNumber(v: unknown, type: ColumnType, name: string, row: number): number {
  if (v === null || v === undefined) return Number.NaN
  if (typeof v === 'number') return v
  if (typeof v === 'boolean') return v ? 1 : 0
  if (v instanceof Date) return v.getTime()
  if (typeof v === 'string') {
    if (v.trim() === '') return Number.NaN
    if (type === 'datetime') {
      const t = Date.parse(v)
      if (!Number.isNaN(t)) return t
    } else if (type === 'boolean') {
      const l = v.toLowerCase()
      if (l === 'true' || l === '1') return 1
      if (l === 'false' || l === '0') return 0
    } else {
      const x = Number(v)
      if (!Number.isNaN(x)) return x
    }
  }
  throw new CairnError(
    'CAIRN_TYPE_CAST_FAILED',
    `Row ${row}, column "${name}": cannot read ${JSON.stringify(v)} as ${type}`,
    {
      details: { row, column: name, value: v, type },
    },
  )
}

/** A numeric column from values (NaN = missing). */
export function numericColumn(
  name: string,
  values: ArrayLike<number>,
  type: NumericColumn['type'] = 'number',
): NumericColumn {
  return { name, type, values: values instanceof Float64Array ? values : Float64Array.from(values) }
}

/** A category column from string values (null = missing). */
export function categoryColumn(
  name: string,
  values: readonly (string | null)[],
  categories?: readonly string[],
): CategoryColumn {
  const cats = categories ? [...categories] : [...new Set(values.filter((v): v is string => v !== null))]
  const index = new Map(cats.map((c, i) => [c, i]))
  const codes = new Int32Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    const code = v === null || v === undefined ? -1 : index.get(v)
    if (code === undefined) {
      throw new CairnError(
        'CAIRN_UNKNOWN_CATEGORY',
        `Column "${name}": "${v}" is not one of its categories`,
        {
          details: { column: name, value: v },
        },
      )
    }
    codes[i] = code
  }
  return { name, type: 'category', codes, categories: cats }
}
