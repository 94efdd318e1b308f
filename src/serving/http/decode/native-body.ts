import { CairnError } from '../../../core/index.js'

/** A decoded prediction request: the rows, and whether it was a single row object. */
export interface DecodedRows {
  rows: Record<string, unknown>[]
  single: boolean
}

/** True for `{columns: [...], data: [[...]]}` (pandas "split" orientation). */
export function isColumnar(body: Record<string, unknown>): boolean {
  return Array.isArray(body.columns) && Array.isArray(body.data)
}

/**
 * Rows from a native request body: one row object, an array of row objects, or columnar
 * `{columns, data}` where `data` holds one array per row.
 */
export function decodeNativeBody(body: unknown): DecodedRows {
  if (Array.isArray(body)) return { rows: body as Record<string, unknown>[], single: false }
  if (body !== null && typeof body === 'object') {
    const obj = body as Record<string, unknown>
    if (isColumnar(obj))
      return { rows: splitToRows(obj.columns as unknown[], obj.data as unknown[], 'data'), single: false }
    return { rows: [obj], single: true }
  }
  throw malformed('The body must be a row object, an array of rows, or {"columns": [...], "data": [[...]]}')
}

/** Rows from pandas-split data: `columns` names and `data` as one array per row. */
export function splitToRows(columns: unknown[], data: unknown[], where: string): Record<string, unknown>[] {
  for (const c of columns) if (typeof c !== 'string') throw malformed('"columns" must be an array of strings')
  const names = columns as string[]
  const rows: Record<string, unknown>[] = new Array(data.length)
  for (let i = 0; i < data.length; i++) {
    const values = data[i]
    if (!Array.isArray(values) || values.length !== names.length) {
      throw malformed(`${where}[${i}] must be an array of ${names.length} values (one per column)`)
    }
    const row: Record<string, unknown> = {}
    for (let j = 0; j < names.length; j++) row[names[j] as string] = values[j]
    rows[i] = row
  }
  return rows
}

/** Rows from a column-major object `{column: [values…]}`. */
export function columnsToRows(obj: Record<string, unknown>, where: string): Record<string, unknown>[] {
  const names = Object.keys(obj)
  let n = -1
  for (const name of names) {
    const col = obj[name]
    if (!Array.isArray(col)) throw malformed(`${where}.${name} must be an array of values`)
    if (n === -1) n = col.length
    else if (col.length !== n) throw malformed(`Every column of ${where} must have the same length`)
  }
  const rows: Record<string, unknown>[] = []
  for (let i = 0; i < Math.max(n, 0); i++) {
    const row: Record<string, unknown> = {}
    for (const name of names) row[name] = (obj[name] as unknown[])[i]
    rows.push(row)
  }
  return rows
}

/** A CAIRN_MALFORMED_BODY error (400). */
export function malformed(message: string, hint?: string): CairnError {
  return new CairnError('CAIRN_MALFORMED_BODY', message, hint ? { hint } : {})
}
