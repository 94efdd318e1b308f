/** Quote an SQL identifier for DuckDB (and PostgreSQL): `"my ""col"""`. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** An SQL string literal: `'it''s'`. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** An SQL literal for a JS value (strings, numbers, booleans, null, Dates as timestamps). */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return "'NaN'::DOUBLE"
    if (!Number.isFinite(value)) return value > 0 ? "'Infinity'::DOUBLE" : "'-Infinity'::DOUBLE"
    return Number.isInteger(value) ? String(value) : `${value}::DOUBLE`
  }
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (value instanceof Date)
    return `TIMESTAMP ${sqlString(value.toISOString().replace('T', ' ').replace('Z', ''))}`
  return sqlString(String(value))
}

/** `[a, b, c]` as a DuckDB list literal of string literals. */
export function sqlStringList(values: readonly string[]): string {
  return `[${values.map(sqlString).join(', ')}]`
}
