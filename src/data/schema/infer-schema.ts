import { columnTypeFromDuck } from '../engine/duck-types.js'
import type { DataEngine } from '../engine/duckdb-engine.js'
import { quoteIdent } from '../engine/sql.js'
import type { ColumnRole, ColumnSchema, DatasetSchema } from './schema.js'

/** Settings for schema inference. */
export interface InferSchemaOptions {
  /** The target column (role `target`). */
  target?: string
  /** Roles to set by column name. */
  roles?: Record<string, ColumnRole>
  /** A text column with at most this many distinct values is a category (default 1000). */
  categoryMaxDistinct?: number
  /** Rows looked at (the first ones, so inference is deterministic; default 100,000). */
  sampleRows?: number
  /** Mark columns without missing values in the sample as not nullable (default false). */
  strictNulls?: boolean
}

/**
 * Infer a schema from a relation: DuckDB's types give number/integer/boolean/datetime; text
 * columns become `category` (few distinct values), `text` (long free text) or `string`; columns
 * named like ids with unique values get role `id`, datetime columns named like timestamps role
 * `timestamp`.
 */
export async function inferSchema(
  engine: DataEngine,
  relation: string,
  options: InferSchemaOptions = {},
): Promise<DatasetSchema> {
  const described = (await engine.describe(relation)).filter((c) => !c.name.startsWith('__cairn'))
  const sample = options.sampleRows ?? 100_000
  const maxDistinct = options.categoryMaxDistinct ?? 1000
  const stats = described.length
    ? await engine.row(
        `SELECT count(*) AS n, ${described
          .map((c, i) => {
            const id = quoteIdent(c.name)
            const base = `count(${id}) AS nn${i}, approx_count_distinct(${id}) AS d${i}`
            return columnTypeFromDuck(c.type) === 'string'
              ? `${base}, avg(length(${id})) AS len${i}, max(length(${id})) AS maxlen${i}, avg(CASE WHEN contains(${id}, ' ') THEN 1 ELSE 0 END) AS sp${i}`
              : base
          })
          .join(', ')} FROM (SELECT * FROM ${relation} LIMIT ${sample})`,
        'Inferring the schema',
      )
    : undefined
  const n = Number(stats?.n ?? 0)
  const columns = described.map((c, i): ColumnSchema => {
    let type = columnTypeFromDuck(c.type)
    const nonNull = Number(stats?.[`nn${i}`] ?? 0)
    const distinct = Number(stats?.[`d${i}`] ?? 0)
    if (type === 'string') {
      const avgLen = Number(stats?.[`len${i}`] ?? 0)
      const maxLen = Number(stats?.[`maxlen${i}`] ?? 0)
      const spaces = Number(stats?.[`sp${i}`] ?? 0)
      if (distinct <= maxDistinct && (distinct <= 20 || distinct <= nonNull * 0.5)) type = 'category'
      else if (avgLen > 30 || maxLen > 200 || spaces > 0.5) type = 'text'
    }
    let role: ColumnRole = 'feature'
    if (options.roles?.[c.name]) role = options.roles[c.name] as ColumnRole
    else if (options.target === c.name) role = 'target'
    else if (
      /(^id$|_id$|^uuid$)/i.test(c.name) &&
      nonNull > 0 &&
      distinct >= nonNull * 0.97 &&
      type !== 'number'
    )
      role = 'id'
    else if (
      type === 'datetime' &&
      /(^|_)(ts|time|timestamp|date|datetime|event_time|created_at|updated_at)$/i.test(c.name)
    )
      role = 'timestamp'
    return {
      name: c.name,
      type,
      nullable: options.strictNulls ? nonNull < n : true,
      role,
    }
  })
  return { columns }
}
