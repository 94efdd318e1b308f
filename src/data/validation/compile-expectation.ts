import { CairnError } from '../../core/index.js'
import { quoteIdent, sqlLiteral, sqlString } from '../engine/sql.js'
import type { ColumnType } from '../frame/frame.js'
import type { DatasetSchema } from '../schema/schema.js'
import { type Expectation, parseDuration } from './expectation.js'

/** An expectation as SQL: a per-row failure predicate, or a table aggregate and its test. */
export type CompiledExpectation =
  | {
      level: 'row'
      /** True for rows that fail (never NULL). May use subqueries over the table and its rowid. */
      failing: string
      /** Rows the failing fraction is taken over: all rows or the non-missing ones. */
      denominator: string
      expected: string
    }
  | {
      level: 'table'
      /** One aggregate over the table. */
      aggregate: string
      test: (observed: unknown) => boolean
      expected: string
    }
  | { level: 'schema'; passed: boolean; observed: unknown; expected: string }

/** Resolves the relation a `references` expectation points at (a dataset reference). */
export type ReferenceResolver = (dataset: string) => Promise<string>

/** Compile one expectation against a table's schema; unknown columns are a clear error. */
export async function compileExpectation(
  e: Expectation,
  schema: DatasetSchema,
  table: string,
  resolveReference?: ReferenceResolver,
  now: number = Date.now(),
): Promise<CompiledExpectation> {
  const typeOf = (name: string): ColumnType => {
    const c = schema.columns.find((x) => x.name === name)
    if (!c) {
      throw new CairnError(
        'CAIRN_COLUMN_NOT_FOUND',
        `Expectation ${e.kind} names column "${name}", which the table does not have`,
        {
          details: { column: name, available: schema.columns.map((x) => x.name) },
        },
      )
    }
    return c.type
  }
  const col = (name: string) => {
    typeOf(name)
    return quoteIdent(name)
  }
  const lit = (name: string, v: unknown) => literalFor(typeOf(name), v)
  const nonNull = (c: string) => `(${c} IS NOT NULL)`
  const row = (failing: string, denominator: string, expected: string): CompiledExpectation => ({
    level: 'row',
    failing: `coalesce(${failing}, false)`,
    denominator,
    expected,
  })
  switch (e.kind) {
    case 'column_exists':
      return {
        level: 'schema',
        passed: schema.columns.some((c) => c.name === e.column),
        observed: schema.columns.map((c) => c.name),
        expected: `column "${e.column}" exists`,
      }
    case 'not_null': {
      const c = col(e.column)
      return row(`${c} IS NULL`, 'true', 'no missing values')
    }
    case 'unique': {
      const cols = (Array.isArray(e.column) ? e.column : [e.column]).map(col)
      const anyNull = cols.map((c) => `${c} IS NULL`).join(' OR ')
      const key = cols.length === 1 ? (cols[0] as string) : `(${cols.join(', ')})`
      return row(
        `NOT (${anyNull}) AND ${key} IN (SELECT ${key} FROM ${table} WHERE NOT (${anyNull}) GROUP BY ALL HAVING count(*) > 1)`,
        `NOT (${anyNull})`,
        'each value once',
      )
    }
    case 'between': {
      const numericBounds = [e.min, e.max].every((b) => b === undefined || typeof b === 'number')
      const textual = ['string', 'category', 'text'].includes(typeOf(e.column))
      if (textual && numericBounds) {
        // numbers stored as text: a value that is not a number fails too
        const raw = col(e.column)
        const c = `TRY_CAST(${raw} AS DOUBLE)`
        const parts = [`${c} IS NULL`]
        if (e.min !== undefined) parts.push(`${c} ${e.strictMin ? '<=' : '<'} ${Number(e.min)}`)
        if (e.max !== undefined) parts.push(`${c} ${e.strictMax ? '>=' : '>'} ${Number(e.max)}`)
        return row(
          `${nonNull(raw)} AND (${parts.join(' OR ')})`,
          nonNull(raw),
          `a number with ${e.min ?? '-∞'} ${e.strictMin ? '<' : '≤'} value ${e.strictMax ? '<' : '≤'} ${e.max ?? '∞'}`,
        )
      }
      const c = col(e.column)
      const parts: string[] = []
      if (e.min !== undefined) parts.push(`${c} ${e.strictMin ? '<=' : '<'} ${lit(e.column, e.min)}`)
      if (e.max !== undefined) parts.push(`${c} ${e.strictMax ? '>=' : '>'} ${lit(e.column, e.max)}`)
      if (isFloat(typeOf(e.column))) parts.push(`isnan(${c})`)
      return row(
        parts.length ? `${nonNull(c)} AND (${parts.join(' OR ')})` : 'false',
        nonNull(c),
        `${e.min ?? '-∞'} ${e.strictMin ? '<' : '≤'} value ${e.strictMax ? '<' : '≤'} ${e.max ?? '∞'}`,
      )
    }
    case 'in_set':
    case 'not_in_set': {
      const c = col(e.column)
      const list = e.values.map((v) => lit(e.column, v)).join(', ')
      const member = list ? `${c} IN (${list})` : 'false'
      return row(
        `${nonNull(c)} AND ${e.kind === 'in_set' ? `NOT (${member})` : member}`,
        nonNull(c),
        `${e.kind === 'in_set' ? 'one of' : 'none of'} ${JSON.stringify(e.values).slice(0, 200)}`,
      )
    }
    case 'match_regex':
    case 'not_match_regex': {
      const c = col(e.column)
      const m = `regexp_matches(CAST(${c} AS VARCHAR), ${sqlString(e.pattern)})`
      return row(
        `${nonNull(c)} AND ${e.kind === 'match_regex' ? `NOT ${m}` : m}`,
        nonNull(c),
        `${e.kind === 'match_regex' ? 'matches' : 'does not match'} /${e.pattern}/`,
      )
    }
    case 'length_between': {
      const c = col(e.column)
      const len = `length(CAST(${c} AS VARCHAR))`
      const parts: string[] = []
      if (e.min !== undefined) parts.push(`${len} < ${Number(e.min)}`)
      if (e.max !== undefined) parts.push(`${len} > ${Number(e.max)}`)
      return row(
        parts.length ? `${nonNull(c)} AND (${parts.join(' OR ')})` : 'false',
        nonNull(c),
        `length in [${e.min ?? 0}, ${e.max ?? '∞'}]`,
      )
    }
    case 'column_pair': {
      const a = col(e.left)
      const b = col(e.right)
      return row(
        `${a} IS NOT NULL AND ${b} IS NOT NULL AND NOT (${a} ${e.op} ${b})`,
        `${a} IS NOT NULL AND ${b} IS NOT NULL`,
        `${e.left} ${e.op} ${e.right}`,
      )
    }
    case 'no_duplicate_rows': {
      const cols = (e.columns ?? schema.columns.map((c) => c.name)).map(col)
      return row(
        `rowid NOT IN (SELECT min(rowid) FROM ${table} GROUP BY ${cols.join(', ')})`,
        'true',
        'no repeated rows (copies after the first fail)',
      )
    }
    case 'references': {
      const c = col(e.column)
      if (!resolveReference) {
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          `references(${e.column}) needs datasets to look up "${e.dataset}"`,
          {
            hint: 'Validate through the data service, which resolves dataset references.',
          },
        )
      }
      const rel = await resolveReference(e.dataset)
      const rc = quoteIdent(e.refColumn ?? e.column)
      return row(
        `${nonNull(c)} AND ${c} NOT IN (SELECT ${rc} FROM ${rel} WHERE ${rc} IS NOT NULL)`,
        nonNull(c),
        `every value appears in ${e.dataset}.${e.refColumn ?? e.column}`,
      )
    }
    case 'row_count_between':
      return {
        level: 'table',
        aggregate: 'count(*)',
        test: (v) => inRange(Number(v), e.min, e.max),
        expected: `${e.min ?? 0} ≤ rows ≤ ${e.max ?? '∞'}`,
      }
    case 'mean_between':
    case 'median_between':
    case 'std_between': {
      const c = col(e.column)
      const fn = e.kind === 'mean_between' ? 'avg' : e.kind === 'median_between' ? 'median' : 'stddev_samp'
      return {
        level: 'table',
        aggregate: `${fn}(CAST(${c} AS DOUBLE))`,
        test: (v) => v !== null && v !== undefined && inRange(Number(v), toNumber(e.min), toNumber(e.max)),
        expected: `${e.min ?? '-∞'} ≤ ${fn === 'stddev_samp' ? 'std' : fn === 'avg' ? 'mean' : 'median'} ≤ ${e.max ?? '∞'}`,
      }
    }
    case 'fresh': {
      const c = col(e.column)
      const maxAge = parseDuration(e.maxAge) ?? 0
      return {
        level: 'table',
        aggregate: `epoch_ms(max(CAST(${c} AS TIMESTAMP)))`,
        test: (v) => v !== null && v !== undefined && now - Number(v) <= maxAge,
        expected: `newest ${e.column} within ${typeof e.maxAge === 'number' ? `${e.maxAge} ms` : e.maxAge} of now`,
      }
    }
  }
}

function isFloat(t: ColumnType): boolean {
  return t === 'number'
}

function inRange(v: number, min: number | string | undefined, max: number | string | undefined): boolean {
  if (Number.isNaN(v)) return false
  if (min !== undefined && v < Number(min)) return false
  if (max !== undefined && v > Number(max)) return false
  return true
}

function toNumber(v: number | string | undefined): number | undefined {
  return v === undefined ? undefined : Number(v)
}

function literalFor(type: ColumnType, v: unknown): string {
  if (type === 'datetime')
    return `CAST(${sqlString(v instanceof Date ? v.toISOString() : String(v))} AS TIMESTAMP)`
  if (type === 'string' || type === 'category' || type === 'text') return sqlString(String(v))
  if (type === 'boolean') return v === true || v === 'true' || v === 1 ? 'TRUE' : 'FALSE'
  return sqlLiteral(typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v)
}
