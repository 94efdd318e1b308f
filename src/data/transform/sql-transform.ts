import { CairnError, hashBytes } from '../../core/index.js'
import type { DataEngine } from '../engine/duckdb-engine.js'
import { quoteIdent } from '../engine/sql.js'
import { inferSchema } from '../schema/infer-schema.js'
import type { ColumnSchema } from '../schema/schema.js'
import { DataTable } from '../table/data-table.js'

/** A table SQL can read: an engine table or a view (e.g. over a dataset's Parquet files). */
export interface SqlInput {
  relation: string
  schema: { columns: ColumnSchema[] }
  /** Lineage parents this input contributes (`name@version`). */
  parents: string[]
}

/**
 * Run SQL over named inputs in DuckDB: each input is visible under its name (as a CTE), so
 * `SELECT h.*, r.region FROM housing h JOIN regions r USING (zip)` works as written. The result
 * is a new table whose lineage lists every input's versions and the SQL (with its hash).
 */
export async function sqlTransform(
  engine: DataEngine,
  sql: string,
  inputs: Record<string, SqlInput>,
): Promise<DataTable> {
  const ctes = Object.entries(inputs).map(
    ([alias, input]) => `${quoteIdent(alias)} AS (SELECT * FROM ${input.relation})`,
  )
  const trimmed = sql.trim().replace(/;\s*$/, '')
  if (trimmed.includes(';')) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'A SQL transform is one query', {
      hint: 'Remove the extra statements.',
    })
  }
  let query = trimmed
  if (ctes.length > 0) {
    const m = /^\s*with\s+(recursive\s+)?/i.exec(trimmed)
    query = m
      ? `WITH ${m[1] ?? ''}${ctes.join(', ')}, ${trimmed.slice(m[0].length)}`
      : `WITH ${ctes.join(', ')} ${trimmed}`
  }
  const table = engine.tempName('sql')
  await engine.run(`CREATE TABLE ${quoteIdent(table)} AS ${query}`, 'SQL transform')
  try {
    const inferred = await inferSchema(engine, quoteIdent(table))
    const known = new Map<string, ColumnSchema>()
    for (const input of Object.values(inputs))
      for (const c of input.schema.columns) if (!known.has(c.name)) known.set(c.name, c)
    const columns = inferred.columns.map((c) => {
      const k = known.get(c.name)
      return k && (k.type === c.type || (isTextual(k.type) && isTextual(c.type))) ? k : c
    })
    const rowCount = Number(await engine.value(`SELECT count(*) FROM ${quoteIdent(table)}`))
    return new DataTable(engine, table, {
      schema: { columns },
      rowCount,
      lineage: {
        parents: [...new Set(Object.values(inputs).flatMap((i) => i.parents))],
        transform: { kind: 'sql', description: trimmed, codeHash: hashBytes(trimmed) },
      },
    })
  } catch (err) {
    await engine.drop(table)
    throw err
  }
}

function isTextual(t: string): boolean {
  return t === 'string' || t === 'category' || t === 'text'
}
