import { CairnError } from '../../core/index.js'
import { columnTypeFromDuck, duckTypeFor } from '../engine/duck-types.js'
import type { DataEngine } from '../engine/duckdb-engine.js'
import { quoteIdent } from '../engine/sql.js'
import type { ColumnType } from '../frame/frame.js'
import type { ColumnSchema } from '../schema/schema.js'

/** Settings for fitting a raw table to declared columns. */
export interface ConformOptions {
  declared?: readonly ColumnSchema[]
  extraColumns?: 'keep' | 'drop' | 'error'
  /** Names the source in errors. */
  sourceName: string
  /** Says where a row came from (`file.parquet row 17`), for errors. */
  describeRow: (rowid: number) => Promise<string>
}

/**
 * Fit a raw table (Parquet, JSON, SQL or in-memory rows as read) to the declared columns: every
 * declared column must exist, values are cast to the declared type, and a value that cannot be
 * cast is an error naming where the row came from, the column and the value. Undeclared columns
 * are kept (nested values as JSON text), dropped, or refused. Returns the new table and its
 * column types; the raw table is dropped.
 */
export async function conformTable(
  engine: DataEngine,
  raw: string,
  options: ConformOptions,
): Promise<{ table: string; columns: { name: string; type: ColumnType }[] }> {
  const described = await engine.describe(quoteIdent(raw))
  const declared = new Map((options.declared ?? []).map((c) => [c.name, c]))
  const names = described.map((c) => c.name)
  const missing = [...declared.keys()].filter((n) => !names.includes(n))
  if (missing.length > 0) {
    await engine.drop(raw)
    throw new CairnError(
      'CAIRN_COLUMN_NOT_FOUND',
      `${options.sourceName}: column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} declared in the schema ${missing.length > 1 ? 'are' : 'is'} missing`,
      {
        details: { source: options.sourceName, missing, columns: names },
        hint: `The source's columns are: ${names.join(', ')}`,
      },
    )
  }
  const extra = names.filter((n) => !declared.has(n))
  if (options.declared && extra.length > 0 && options.extraColumns === 'error') {
    await engine.drop(raw)
    throw new CairnError(
      'CAIRN_SCHEMA_INVALID',
      `${options.sourceName}: columns not in the schema: ${extra.join(', ')}`,
      {
        details: { source: options.sourceName, extra },
      },
    )
  }
  const out: { name: string; type: ColumnType }[] = []
  const exprs: string[] = []
  const checks: { name: string; type: ColumnType; expr: string }[] = []
  for (const c of described) {
    const id = quoteIdent(c.name)
    const want = declared.get(c.name)
    const have = columnTypeFromDuck(c.type)
    if (want) {
      out.push({ name: c.name, type: want.type })
      const target = duckTypeFor(want.type)
      if (have === want.type || (target === 'VARCHAR' && c.type === 'VARCHAR')) exprs.push(id)
      else {
        const cast = castExpr(id, c.type, want.type)
        exprs.push(`${cast} AS ${id}`)
        checks.push({
          name: c.name,
          type: want.type,
          expr: `${id} IS NOT NULL AND ${cast.replace(/^CAST/, 'TRY_CAST')} IS NULL`,
        })
      }
    } else if (!(options.declared && options.extraColumns === 'drop')) {
      if (have === 'text' && c.type !== 'VARCHAR') {
        out.push({ name: c.name, type: 'text' })
        exprs.push(`CAST(to_json(${id}) AS VARCHAR) AS ${id}`)
      } else {
        out.push({ name: c.name, type: have })
        exprs.push(have === 'number' && c.type !== 'DOUBLE' ? `CAST(${id} AS DOUBLE) AS ${id}` : id)
      }
    }
  }
  for (const check of checks) {
    const bad = await engine.row<{ rid: number; v: string }>(
      `SELECT rowid AS rid, CAST(${quoteIdent(check.name)} AS VARCHAR) AS v FROM ${quoteIdent(raw)} WHERE ${check.expr} ORDER BY rowid LIMIT 1`,
    )
    if (bad) {
      const where = await options.describeRow(Number(bad.rid))
      await engine.drop(raw)
      throw new CairnError(
        'CAIRN_TYPE_CAST_FAILED',
        `${where}, column "${check.name}": ${JSON.stringify(bad.v)} cannot be read as ${check.type}`,
        {
          details: { source: options.sourceName, where, column: check.name, value: bad.v, type: check.type },
          hint: `Declare "${check.name}" with the type its values have, or clean the source.`,
        },
      )
    }
  }
  const table = engine.tempName('table')
  try {
    await engine.run(
      `CREATE TABLE ${quoteIdent(table)} AS SELECT ${exprs.join(', ')} FROM ${quoteIdent(raw)}`,
    )
  } finally {
    await engine.drop(raw)
  }
  return { table, columns: out }
}

function castExpr(id: string, duckType: string, to: ColumnType): string {
  if (to === 'boolean' && /^VARCHAR/.test(duckType)) {
    return `CAST(CASE lower(trim(${id})) WHEN 'yes' THEN 'true' WHEN 'no' THEN 'false' WHEN 'y' THEN 'true' WHEN 'n' THEN 'false' ELSE trim(${id}) END AS BOOLEAN)`
  }
  if ((to === 'string' || to === 'category' || to === 'text') && /^(STRUCT|MAP|JSON)|\[\]$/.test(duckType)) {
    return `CAST(to_json(${id}) AS VARCHAR)`
  }
  return `CAST(${id} AS ${duckTypeFor(to)})`
}
