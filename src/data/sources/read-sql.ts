import Database from 'better-sqlite3'
import { CairnError } from '../../core/index.js'
import type { DataEngine } from '../engine/duckdb-engine.js'
import { frameToTable } from '../engine/frame-convert.js'
import { quoteIdent } from '../engine/sql.js'
import type { ColumnType, FrameColumn } from '../frame/frame.js'
import type { PostgresSourceSpec, SqliteSourceSpec } from './source-spec.js'

const BATCH_ROWS = 10_000

/** How a SQL column's values are loaded. */
type LoadKind = 'number' | 'integer' | 'boolean' | 'datetime' | 'string'

/** A raw table read from a SQL database, with the column types its metadata implies. */
export interface SqlRead {
  table: string
  rows: number
  /** Types from the database's column metadata (a declared schema overrides them). */
  types: Record<string, ColumnType>
  query: string
}

/** Read a SQLite table or query (through better-sqlite3) into a raw DuckDB table, in batches. */
export async function readSqlite(
  engine: DataEngine,
  spec: SqliteSourceSpec,
  onRows?: (rows: number) => void,
): Promise<SqlRead> {
  const query = sqlOf(spec, `sqlite:${spec.path}`)
  let db: Database.Database
  try {
    db = new Database(spec.path, { readonly: true, fileMustExist: true })
  } catch (err) {
    throw new CairnError(
      'CAIRN_SOURCE_NOT_FOUND',
      `SQLite database ${spec.path} cannot be opened: ${(err as Error).message}`,
      {
        cause: err,
        details: { path: spec.path },
      },
    )
  }
  try {
    let stmt: Database.Statement
    try {
      stmt = db.prepare(query)
    } catch (err) {
      throw new CairnError(
        /no such table/i.test((err as Error).message) ? 'CAIRN_SOURCE_NOT_FOUND' : 'CAIRN_INVALID_ARGUMENT',
        `sqlite:${spec.path}: ${(err as Error).message}`,
        { cause: err, details: { query } },
      )
    }
    const cols = stmt.columns()
    const names = cols.map((c) => c.name)
    const declared = cols.map((c) => sqliteKind(c.type))
    const loader = new BatchLoader(engine, names, `sqlite:${spec.path}`)
    stmt.raw(true)
    stmt.safeIntegers(false)
    let batch: unknown[][] = []
    for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
      batch.push(row)
      if (batch.length >= BATCH_ROWS) {
        await loader.add(batch, declared)
        onRows?.(loader.rows)
        batch = []
      }
    }
    await loader.add(batch, declared)
    onRows?.(loader.rows)
    return { table: await loader.finish(), rows: loader.rows, types: loader.types(), query }
  } finally {
    db.close()
  }
}

/** Read a PostgreSQL table or query (through pg, with a server-side cursor) into a raw DuckDB table. */
export async function readPostgres(
  engine: DataEngine,
  spec: PostgresSourceSpec,
  onRows?: (rows: number) => void,
): Promise<SqlRead> {
  const safeUrl = spec.url.replace(/\/\/[^@/]*@/, '//')
  const query = sqlOf(spec, safeUrl, true)
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: spec.url })
  try {
    await client.connect()
  } catch (err) {
    throw new CairnError(
      'CAIRN_SOURCE_UNREADABLE',
      `Cannot connect to ${safeUrl}: ${(err as Error).message}`,
      {
        cause: err,
      },
    )
  }
  const keepText = (oid: number, format?: string) =>
    oid === 1082 || oid === 1114 || oid === 20 || oid === 1700
      ? (v: string) => v
      : pg.types.getTypeParser(oid, format as 'text')
  try {
    await client.query('BEGIN READ ONLY')
    try {
      await client.query(`DECLARE cairn_source NO SCROLL CURSOR FOR ${query}`)
    } catch (err) {
      throw new CairnError(
        /does not exist/i.test((err as Error).message) ? 'CAIRN_SOURCE_NOT_FOUND' : 'CAIRN_INVALID_ARGUMENT',
        `${safeUrl}: ${(err as Error).message}`,
        { cause: err, details: { query } },
      )
    }
    let loader: BatchLoader | undefined
    let kinds: LoadKind[] = []
    while (true) {
      const res = await client.query({
        text: `FETCH ${BATCH_ROWS} FROM cairn_source`,
        rowMode: 'array',
        types: { getTypeParser: keepText as never },
      })
      if (!loader) {
        loader = new BatchLoader(
          engine,
          res.fields.map((f) => f.name),
          safeUrl,
        )
        kinds = res.fields.map((f) => pgKind(f.dataTypeID))
      }
      if (res.rows.length === 0) break
      await loader.add(res.rows as unknown[][], kinds)
      onRows?.(loader.rows)
    }
    await client.query('COMMIT')
    if (!loader) throw new CairnError('CAIRN_INTERNAL', 'no result description from PostgreSQL')
    return { table: await loader.finish(), rows: loader.rows, types: loader.types(), query }
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  } finally {
    await client.end()
  }
}

function sqlOf(spec: { table?: string; query?: string }, where: string, postgres = false): string {
  if (spec.query) return spec.query
  if (spec.table) {
    const parts = spec.table.split('.')
    return `SELECT * FROM ${parts.map((p) => quoteIdent(p)).join('.')}`
  }
  throw new CairnError('CAIRN_INVALID_ARGUMENT', `${where}: say which table or query to read`, {
    hint: postgres
      ? "{ kind: 'postgres', url, table: 'public.events' }"
      : "{ kind: 'sqlite', path, table: 'events' }",
  })
}

function sqliteKind(declared: string | null): LoadKind | undefined {
  if (!declared) return undefined
  const t = declared.toUpperCase()
  if (t.includes('BOOL')) return 'boolean'
  if (t.includes('INT')) return 'integer'
  if (/REAL|FLOA|DOUB/.test(t)) return 'number'
  if (/DATE|TIME/.test(t)) return 'datetime'
  if (/CHAR|CLOB|TEXT/.test(t)) return 'string'
  return undefined
}

function pgKind(oid: number): LoadKind {
  switch (oid) {
    case 16:
      return 'boolean'
    case 20:
    case 21:
    case 23:
      return 'integer'
    case 700:
    case 701:
    case 1700:
      return 'number'
    case 1082:
    case 1114:
    case 1184:
      return 'datetime'
    default:
      return 'string'
  }
}

/** Loads batches of array rows into one DuckDB table through Frames. */
class BatchLoader {
  readonly #engine: DataEngine
  readonly #names: string[]
  readonly #source: string
  #table: string | undefined
  #kinds: LoadKind[] | undefined
  rows = 0

  constructor(engine: DataEngine, names: string[], source: string) {
    this.#engine = engine
    this.#names = names
    this.#source = source
  }

  async add(batch: unknown[][], declared: (LoadKind | undefined)[]): Promise<void> {
    if (!this.#kinds) {
      this.#kinds = this.#names.map((_, i) => declared[i] ?? detectKind(batch, i))
    }
    if (batch.length === 0 && this.#table) return
    const kinds = this.#kinds
    const columns = this.#names.map((name, i) =>
      buildColumn(name, kinds[i] as LoadKind, batch, i, this.rows, this.#source),
    )
    const part = this.#engine.tempName('batch')
    try {
      await frameToTable(this.#engine, { rowCount: batch.length, columns }, part)
      if (!this.#table) {
        this.#table = this.#engine.tempName('raw')
        await this.#engine.run(`CREATE TABLE ${quoteIdent(this.#table)} AS SELECT * FROM ${quoteIdent(part)}`)
      } else {
        await this.#engine.run(`INSERT INTO ${quoteIdent(this.#table)} SELECT * FROM ${quoteIdent(part)}`)
      }
    } finally {
      await this.#engine.drop(part)
    }
    this.rows += batch.length
  }

  types(): Record<string, ColumnType> {
    const out: Record<string, ColumnType> = {}
    this.#names.forEach((n, i) => {
      out[n] = (this.#kinds?.[i] ?? 'string') as ColumnType
    })
    return out
  }

  async finish(): Promise<string> {
    if (!this.#table) throw new CairnError('CAIRN_INTERNAL', 'nothing loaded')
    return this.#table
  }
}

function detectKind(batch: unknown[][], i: number): LoadKind {
  let kind: LoadKind | undefined
  for (const row of batch) {
    const v = row[i]
    if (v === null || v === undefined) continue
    const k: LoadKind =
      typeof v === 'number' || typeof v === 'bigint'
        ? 'number'
        : typeof v === 'boolean'
          ? 'boolean'
          : v instanceof Date
            ? 'datetime'
            : 'string'
    if (kind === undefined) kind = k
    else if (kind !== k) return 'string'
  }
  return kind ?? 'string'
}

function buildColumn(
  name: string,
  kind: LoadKind,
  batch: unknown[][],
  i: number,
  offset: number,
  source: string,
): FrameColumn {
  const n = batch.length
  if (kind === 'string' || (kind === 'datetime' && batch.some((r) => typeof r[i] === 'string'))) {
    const values = new Array<string | null>(n)
    for (let r = 0; r < n; r++) {
      const v = (batch[r] as unknown[])[i]
      values[r] =
        v === null || v === undefined
          ? null
          : v instanceof Date
            ? v.toISOString()
            : v instanceof Uint8Array
              ? Buffer.from(v).toString('base64')
              : typeof v === 'object'
                ? JSON.stringify(v)
                : String(v)
    }
    return { name, type: 'string', values }
  }
  const values = new Float64Array(n)
  for (let r = 0; r < n; r++) {
    const v = (batch[r] as unknown[])[i]
    if (v === null || v === undefined) values[r] = Number.NaN
    else if (typeof v === 'number') values[r] = v
    else if (typeof v === 'bigint') values[r] = Number(v)
    else if (typeof v === 'boolean') values[r] = v ? 1 : 0
    else if (v instanceof Date) values[r] = v.getTime()
    else if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) values[r] = Number(v)
    else {
      throw new CairnError(
        'CAIRN_TYPE_CAST_FAILED',
        `${source} row ${offset + r + 1}, column "${name}": ${JSON.stringify(v)} cannot be read as ${kind}`,
        { details: { source, row: offset + r + 1, column: name, value: String(v), type: kind } },
      )
    }
  }
  return { name, type: kind === 'datetime' ? 'datetime' : kind, values }
}
