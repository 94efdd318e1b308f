import type { DataEngine, SqlRow } from '../engine/duckdb-engine.js'
import { type FrameColumnSpec, relationToFrame, streamFrames } from '../engine/frame-convert.js'
import { quoteIdent } from '../engine/sql.js'
import type { Frame } from '../frame/frame.js'
import { type ColumnSchema, type DatasetSchema, schemaColumn } from '../schema/schema.js'
import { type MalformedReport, noMalformedRows } from '../sources/malformed.js'
import type { SourceInfo } from '../sources/source-spec.js'
import type { RowLocator } from './row-locator.js'

/** The step that produced a table: kept as lineage on the dataset version written from it. */
export interface TransformInfo {
  kind: 'ingest' | 'sql' | 'function' | 'split' | 'quarantine' | 'filter' | 'concat' | string
  /** SQL text, a function's name, or a short description. */
  description?: string
  /** Parameters that decide the output (seed, fractions, …). */
  params?: Record<string, unknown>
  /** Hash of the transform's code or SQL, when known. */
  codeHash?: string
}

/** Where a table came from. */
export interface Lineage {
  /** The external source it was ingested from. */
  source?: SourceInfo
  /** Dataset versions it was computed from (`name@version`). */
  parents: string[]
  transform?: TransformInfo
}

/** What a DataTable is built from. */
export interface DataTableInit {
  schema: DatasetSchema
  rowCount: number
  lineage: Lineage
  malformed?: MalformedReport
  locator?: RowLocator
}

/**
 * A table the data layer works on: a DuckDB table in the engine, its schema, where it came from,
 * and (for ingested files) the rows that could not be read and a way to find any row's line.
 * Rows keep their source order (DuckDB's rowid).
 */
export class DataTable {
  readonly engine: DataEngine
  /** The DuckDB table's name in the engine. */
  readonly tableName: string
  readonly schema: DatasetSchema
  readonly rowCount: number
  readonly lineage: Lineage
  readonly malformed: MalformedReport
  readonly locator: RowLocator | undefined

  constructor(engine: DataEngine, tableName: string, init: DataTableInit) {
    this.engine = engine
    this.tableName = tableName
    this.schema = init.schema
    this.rowCount = init.rowCount
    this.lineage = init.lineage
    this.malformed = init.malformed ?? noMalformedRows()
    this.locator = init.locator
  }

  /** The table as an SQL relation (a quoted identifier) to use in queries. */
  get relation(): string {
    return quoteIdent(this.tableName)
  }

  /** Column names in order. */
  get columnNames(): string[] {
    return this.schema.columns.map((c) => c.name)
  }

  /** The schema column named `name`, or undefined. */
  column(name: string): ColumnSchema | undefined {
    return this.schema.columns.find((c) => c.name === name)
  }

  /**
   * The table (or some of its columns) as a column-major Frame; numbers are copied column-wise
   * from DuckDB's vectors.
   */
  async toFrame(
    options: { columns?: readonly string[]; where?: string; limit?: number } = {},
  ): Promise<Frame> {
    return relationToFrame(this.engine, this.relation, this.#specs(options.columns), {
      ...(options.where ? { where: options.where } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
    })
  }

  /** Frames of at most `batchRows` rows, streamed without loading the table into JS at once. */
  batches(batchRows = 65_536, columns?: readonly string[]): AsyncGenerator<Frame> {
    return streamFrames(
      this.engine,
      { table: this.tableName, rowCount: this.rowCount },
      this.#specs(columns),
      batchRows,
    )
  }

  /** The first `n` rows as plain objects. */
  async head(n = 10): Promise<SqlRow[]> {
    return this.engine.rows(`SELECT * FROM ${this.relation} LIMIT ${Math.max(0, Math.floor(n))}`)
  }

  /** Rows as plain objects (for display and small tables). */
  async toRows(options: { limit?: number; offset?: number; where?: string } = {}): Promise<SqlRow[]> {
    return this.engine.rows(
      `SELECT * FROM ${this.relation}${options.where ? ` WHERE ${options.where}` : ''}${options.limit !== undefined ? ` LIMIT ${options.limit}` : ''}${options.offset ? ` OFFSET ${options.offset}` : ''}`,
    )
  }

  /** A new DataTable over another engine table, inheriting nothing but what is given. */
  derive(tableName: string, init: DataTableInit): DataTable {
    return new DataTable(this.engine, tableName, init)
  }

  /** Drop the engine table (the DataTable is unusable afterwards). */
  async drop(): Promise<void> {
    await this.engine.drop(this.tableName)
  }

  #specs(columns?: readonly string[]): FrameColumnSpec[] {
    const cols = columns ? columns.map((n) => schemaColumn(this.schema, n)) : this.schema.columns
    return cols.map((c) => ({
      name: c.name,
      type: c.type,
      ...(c.categories ? { categories: c.categories } : {}),
    }))
  }
}
