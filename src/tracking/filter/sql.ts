import { type RawBuilder, type SqlBool, sql } from 'kysely'
import type { SqlDialect } from '../../store/index.js'
import type { ComparisonOp } from './parser.js'

/** Turn a LIKE pattern into a GLOB pattern (SQLite's case-sensitive match). */
export function likeToGlob(pattern: string): string {
  let out = ''
  for (const c of pattern) {
    if (c === '%') out += '*'
    else if (c === '_') out += '?'
    else if (c === '*' || c === '?' || c === '[') out += `[${c}]`
    else out += c
  }
  return out
}

/**
 * `column <op> value` as a parameterised SQL fragment. Values are always bound parameters; the
 * operator comes from the parser's closed set. LIKE is case-sensitive and ILIKE is not, on both
 * dialects (SQLite uses GLOB for LIKE).
 */
export function compareSql(
  column: RawBuilder<unknown>,
  op: ComparisonOp,
  value: string | number | Array<string | number> | null,
  dialect: SqlDialect,
): RawBuilder<SqlBool> {
  switch (op) {
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return sql<SqlBool>`${column} ${sql.raw(op)} ${value}`
    case 'LIKE':
      return dialect === 'sqlite'
        ? sql<SqlBool>`${column} GLOB ${likeToGlob(String(value))}`
        : sql<SqlBool>`${column} LIKE ${value}`
    case 'NOT LIKE':
      return sql<SqlBool>`not (${compareSql(column, 'LIKE', value, dialect)})`
    case 'ILIKE':
      return dialect === 'sqlite'
        ? sql<SqlBool>`lower(${column}) LIKE lower(${value})`
        : sql<SqlBool>`${column} ILIKE ${value}`
    case 'NOT ILIKE':
      return sql<SqlBool>`not (${compareSql(column, 'ILIKE', value, dialect)})`
    case 'IN':
    case 'NOT IN': {
      const list = Array.isArray(value) ? value : [value]
      return sql<SqlBool>`${column} ${sql.raw(op === 'IN' ? 'in' : 'not in')} (${sql.join(list)})`
    }
    case 'IS NULL':
      return sql<SqlBool>`${column} is null`
    case 'IS NOT NULL':
      return sql<SqlBool>`${column} is not null`
  }
}

/** Join fragments with AND / OR, parenthesised. */
export function joinBool(items: RawBuilder<SqlBool>[], how: 'and' | 'or'): RawBuilder<SqlBool> {
  if (items.length === 1) return items[0]!
  return sql<SqlBool>`(${sql.join(
    items.map((i) => sql`(${i})`),
    sql.raw(how === 'and' ? ' and ' : ' or '),
  )})`
}
