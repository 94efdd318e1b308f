import type { ColumnType } from '../frame/frame.js'

/** The DuckDB type a column of a schema type is stored as. */
export function duckTypeFor(type: ColumnType): string {
  switch (type) {
    case 'number':
      return 'DOUBLE'
    case 'integer':
      return 'BIGINT'
    case 'boolean':
      return 'BOOLEAN'
    case 'datetime':
      return 'TIMESTAMP'
    default:
      return 'VARCHAR'
  }
}

/**
 * The schema type closest to a DuckDB type. VARCHAR maps to `string`; inference refines it to
 * `category` or `text` by looking at the values.
 */
export function columnTypeFromDuck(duckType: string): ColumnType {
  const t = duckType.toUpperCase()
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC)/.test(t)) return 'number'
  if (/^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)\b/.test(t))
    return 'integer'
  if (t === 'BOOLEAN') return 'boolean'
  if (/^(DATE|TIMESTAMP)/.test(t)) return 'datetime'
  if (t.startsWith('ENUM')) return 'category'
  if (t === 'VARCHAR') return 'string'
  return 'text'
}

/** True when values of this DuckDB type are numbers (aggregates like mean apply). */
export function isNumericDuckType(duckType: string): boolean {
  const t = columnTypeFromDuck(duckType)
  return t === 'number' || t === 'integer'
}
