import { mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type {
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBMaterializedResult,
} from '@duckdb/node-api'
import { shortId } from '../../core/index.js'
import { loadDuckDb } from './duckdb-module.js'
import { duckError } from './engine-errors.js'
import { quoteIdent } from './sql.js'

/** Settings of the embedded DuckDB the data layer computes with. */
export interface DataEngineOptions {
  /** DuckDB `memory_limit`, e.g. `'2GB'`; beyond it DuckDB spills to `tempDirectory`. */
  memoryLimit?: string
  /** Worker threads (default: DuckDB's choice, the number of cores). */
  threads?: number
  /** Where DuckDB spills when a query needs more than `memoryLimit`. */
  tempDirectory?: string
}

/** Progress of a running query as DuckDB estimates it. */
export interface QueryProgress {
  /** 0..1 */
  fraction: number
}

/** A plain JS row: numbers (BIGINT within 2^53 as numbers), strings, booleans, Dates, arrays, null. */
export type SqlRow = Record<string, unknown>

/**
 * The embedded DuckDB the data layer computes with: one in-memory database, one serialised main
 * connection, and extra connections for streams so a long read never blocks other queries.
 */
export class DataEngine {
  readonly #instance: DuckDBInstance
  readonly #conn: DuckDBConnection
  #ownTemp: string | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #closed = false

  private constructor(instance: DuckDBInstance, conn: DuckDBConnection) {
    this.#instance = instance
    this.#conn = conn
  }

  /** Open an in-memory DuckDB with the given settings. */
  static async create(options: DataEngineOptions = {}): Promise<DataEngine> {
    const config: Record<string, string> = {}
    if (options.memoryLimit) config.memory_limit = options.memoryLimit
    if (options.threads) config.threads = String(options.threads)
    const temp = options.tempDirectory ?? join(tmpdir(), `cairn-duckdb-${process.pid}-${shortId()}`)
    mkdirSync(temp, { recursive: true })
    config.temp_directory = temp
    const { DuckDBInstance } = (await loadDuckDb()).api
    const instance = await DuckDBInstance.create(':memory:', config)
    const conn = await instance.connect()
    await conn.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false')
    const engine = new DataEngine(instance, conn)
    if (!options.tempDirectory) engine.#ownTemp = temp
    return engine
  }

  /** A fresh name for a table or view the engine owns. */
  tempName(prefix = 't'): string {
    return `__cairn_${prefix}_${shortId()}`
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(duckError(new Error('engine closed'), 'DuckDB'))
    const next = this.#queue.then(fn, fn)
    this.#queue = next.catch(() => undefined)
    return next
  }

  /** Run statements, discarding results. */
  async run(sql: string, context = 'DuckDB'): Promise<void> {
    await this.#serial(async () => {
      try {
        await this.#conn.run(sql)
      } catch (err) {
        throw duckError(err, context)
      }
    })
  }

  /**
   * Run one statement while reporting DuckDB's progress estimate every `everyMs` milliseconds.
   */
  async runWithProgress(
    sql: string,
    onProgress: ((p: QueryProgress) => void) | undefined,
    context = 'DuckDB',
    everyMs = 200,
  ): Promise<DuckDBMaterializedResult> {
    return this.#serial(async () => {
      const timer = onProgress
        ? setInterval(() => {
            const p = this.#conn.progress.percentage
            if (p >= 0) onProgress({ fraction: Math.min(1, p / 100) })
          }, everyMs)
        : undefined
      try {
        return await this.#conn.run(sql)
      } catch (err) {
        throw duckError(err, context)
      } finally {
        if (timer) clearInterval(timer)
      }
    })
  }

  /** Run a query and return its rows as plain JS objects. */
  async rows<T extends SqlRow = SqlRow>(sql: string, context = 'DuckDB'): Promise<T[]> {
    return this.#serial(async () => {
      try {
        const reader = await this.#conn.runAndReadAll(sql)
        return reader.getRowObjectsJS().map((r) => normalizeRow(r) as T)
      } catch (err) {
        throw duckError(err, context)
      }
    })
  }

  /** The first row of a query, or undefined. */
  async row<T extends SqlRow = SqlRow>(sql: string, context = 'DuckDB'): Promise<T | undefined> {
    return (await this.rows<T>(sql, context))[0]
  }

  /** The first column of the first row. */
  async value<T = unknown>(sql: string, context = 'DuckDB'): Promise<T> {
    const r = await this.row(sql, context)
    return (r ? Object.values(r)[0] : undefined) as T
  }

  /** Materialised data chunks of a query, in order (for column-wise conversion). */
  async chunks(sql: string, context = 'DuckDB'): Promise<{ names: string[]; chunks: DuckDBDataChunk[] }> {
    return this.#serial(async () => {
      try {
        const result = await this.#conn.run(sql)
        return { names: result.columnNames(), chunks: await result.fetchAllChunks() }
      } catch (err) {
        throw duckError(err, context)
      }
    })
  }

  /** Run `fn` with a connection of its own (for appenders and long parallel work). */
  async withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.#instance.connect()
    try {
      return await fn(conn)
    } finally {
      conn.closeSync()
    }
  }

  /** Column names and DuckDB types of a relation or query. */
  async describe(relation: string): Promise<{ name: string; type: string }[]> {
    const rows = await this.rows<{ column_name: string; column_type: string }>(
      `DESCRIBE SELECT * FROM ${relation}`,
      `Describing ${relation}`,
    )
    return rows.map((r) => ({ name: r.column_name, type: r.column_type }))
  }

  /** Drop a table or view the engine owns (ignores missing ones). */
  async drop(name: string): Promise<void> {
    await this.run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`).catch(() => undefined)
    await this.run(`DROP VIEW IF EXISTS ${quoteIdent(name)}`).catch(() => undefined)
  }

  /** Close the database. */
  async close(): Promise<void> {
    if (this.#closed) return
    await this.#queue
    this.#closed = true
    this.#conn.closeSync()
    this.#instance.closeSync()
    if (this.#ownTemp) rmSync(this.#ownTemp, { recursive: true, force: true })
  }
}

function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(row)) out[k] = normalizeValue(v)
  return out
}

function normalizeValue(v: unknown): unknown {
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(v)
      : v.toString()
  }
  if (Array.isArray(v)) return v.map(normalizeValue)
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = normalizeValue(x)
    return out
  }
  return v
}
