import type { DataEngine } from '../engine/duckdb-engine.js'
import { quoteIdent } from '../engine/sql.js'
import { diffSchemas, type SchemaDiff } from '../schema/schema-diff.js'
import type { DatasetStore } from '../versions/dataset-store.js'

/** How one column's statistics moved between two versions. */
export interface ColumnChange {
  name: string
  missingFraction: [number, number]
  distinct: [number, number]
  /** For numeric columns. */
  mean?: [number | null, number | null]
  std?: [number | null, number | null]
}

/** The differences between two dataset versions. */
export interface DatasetDiff {
  from: string
  to: string
  same: boolean
  schema: SchemaDiff
  rowCount: { from: number; to: number; delta: number }
  /**
   * Rows only in `to` (added) and only in `from` (removed), compared on the common columns as
   * multisets; undefined when the versions share no columns.
   */
  rows?: { added: number; removed: number; unchanged: number }
  columns: ColumnChange[]
  partitions?: { added: string[]; removed: string[]; changed: string[] }
}

/** Compare two versions: schema changes, row changes (EXCEPT ALL in DuckDB) and column statistics. */
export async function diffDatasets(
  engine: DataEngine,
  store: DatasetStore,
  from: string,
  to: string,
): Promise<DatasetDiff> {
  const a = await store.view(from)
  const b = await store.view(to)
  try {
    const schema = diffSchemas(a.version.schema, b.version.schema)
    const common = a.schema.columns
      .filter((c) => b.schema.columns.some((d) => d.name === c.name))
      .map((c) => quoteIdent(c.name))
    let rows: DatasetDiff['rows']
    if (common.length > 0) {
      const cols = common.join(', ')
      const r = await engine.row<{ added: number; removed: number }>(
        `SELECT (SELECT count(*) FROM (SELECT ${cols} FROM ${quoteIdent(b.name)} EXCEPT ALL SELECT ${cols} FROM ${quoteIdent(a.name)})) AS added, (SELECT count(*) FROM (SELECT ${cols} FROM ${quoteIdent(a.name)} EXCEPT ALL SELECT ${cols} FROM ${quoteIdent(b.name)})) AS removed`,
        'Comparing versions',
      )
      const added = Number(r?.added ?? 0)
      const removed = Number(r?.removed ?? 0)
      rows = { added, removed, unchanged: b.version.rowCount - added }
    }
    const pa = new Map((a.version.profile?.columns ?? []).map((c) => [c.name, c]))
    const columns: ColumnChange[] = []
    for (const cb of b.version.profile?.columns ?? []) {
      const ca = pa.get(cb.name)
      if (!ca) continue
      columns.push({
        name: cb.name,
        missingFraction: [ca.missingFraction, cb.missingFraction],
        distinct: [ca.distinct, cb.distinct],
        ...(ca.kind === 'numeric' && cb.kind === 'numeric'
          ? {
              mean: [ca.mean, cb.mean] as [number | null, number | null],
              std: [ca.std, cb.std] as [number | null, number | null],
            }
          : {}),
      })
    }
    const ka = new Map(a.version.partitions.map((p) => [p.key, p.sha256]))
    const kb = new Map(b.version.partitions.map((p) => [p.key, p.sha256]))
    const partitioned = [...ka.keys(), ...kb.keys()].some((k) => k !== '')
    const partitions = partitioned
      ? {
          added: [...kb.keys()].filter((k) => !ka.has(k)),
          removed: [...ka.keys()].filter((k) => !kb.has(k)),
          changed: [...kb.keys()].filter((k) => ka.has(k) && ka.get(k) !== kb.get(k)),
        }
      : undefined
    return {
      from: `${a.version.name}@${a.version.version}`,
      to: `${b.version.name}@${b.version.version}`,
      same: a.version.contentHash === b.version.contentHash,
      schema,
      rowCount: {
        from: a.version.rowCount,
        to: b.version.rowCount,
        delta: b.version.rowCount - a.version.rowCount,
      },
      ...(rows ? { rows } : {}),
      columns,
      ...(partitions ? { partitions } : {}),
    }
  } finally {
    await engine.run(`DROP VIEW IF EXISTS ${quoteIdent(a.name)}`).catch(() => undefined)
    await engine.run(`DROP VIEW IF EXISTS ${quoteIdent(b.name)}`).catch(() => undefined)
  }
}
