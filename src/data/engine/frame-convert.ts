import type { DuckDBDataChunk, DuckDBType } from '@duckdb/node-api'
import { CairnError } from '../../core/index.js'
import { type ColumnType, type Frame, type FrameColumn, isNumericColumn } from '../frame/frame.js'
import { makeFrame } from '../frame/frame-ops.js'
import type { DataEngine } from './duckdb-engine.js'
import { duckDb } from './duckdb-module.js'
import { quoteIdent, sqlString } from './sql.js'

/** How one column of a relation becomes a frame column. */
export interface FrameColumnSpec {
  name: string
  type: ColumnType
  /** Category order (codes index it); default: the distinct values sorted. */
  categories?: readonly string[]
}

/**
 * Read a relation into a column-major Frame. Numeric columns are computed by DuckDB as DOUBLE
 * with NaN for missing and copied chunk by chunk straight from DuckDB's vectors; category codes
 * come from an ENUM cast, also copied as raw Int32 data.
 */
export async function relationToFrame(
  engine: DataEngine,
  relation: string,
  columns: readonly FrameColumnSpec[],
  options: { where?: string; orderBy?: string; limit?: number } = {},
): Promise<Frame> {
  const enums: string[] = []
  const exprs: string[] = []
  const categoryLists: (string[] | undefined)[] = []
  try {
    for (const c of columns) {
      const id = quoteIdent(c.name)
      if (c.type === 'category') {
        const cats =
          c.categories !== undefined
            ? [...c.categories]
            : (
                await engine.rows<{ v: string }>(
                  `SELECT DISTINCT CAST(${id} AS VARCHAR) AS v FROM ${relation} WHERE ${id} IS NOT NULL ORDER BY 1`,
                  `Reading categories of "${c.name}"`,
                )
              ).map((r) => r.v)
        categoryLists.push(cats)
        if (cats.length === 0) {
          exprs.push(`CAST(-1 AS INTEGER) AS ${id}`)
          continue
        }
        const enumName = engine.tempName('enum')
        enums.push(enumName)
        await engine.run(`CREATE TYPE ${quoteIdent(enumName)} AS ENUM (${cats.map(sqlString).join(', ')})`)
        exprs.push(
          `COALESCE(CAST(enum_code(CAST(CAST(${id} AS VARCHAR) AS ${quoteIdent(enumName)})) AS INTEGER), -1) AS ${id}`,
        )
        continue
      }
      categoryLists.push(undefined)
      exprs.push(`${numericExpr(id, c.type)} AS ${id}`)
    }
    const sql = `SELECT ${exprs.join(', ') || '1 AS __none'} FROM ${relation}${options.where ? ` WHERE ${options.where}` : ''}${options.orderBy ? ` ORDER BY ${options.orderBy}` : ''}${options.limit !== undefined ? ` LIMIT ${options.limit}` : ''}`
    let chunks: DuckDBDataChunk[]
    try {
      chunks = (await engine.chunks(sql, 'Converting to a frame')).chunks
    } catch (err) {
      const m = err instanceof Error ? err.message : String(err)
      if (/Could not convert string .* to .*ENUM|not found in enum|to UINT/i.test(m) || /enum/i.test(m)) {
        throw new CairnError(
          'CAIRN_UNKNOWN_CATEGORY',
          `A category column holds a value outside its declared categories: ${m}`,
          {
            cause: err,
            hint: "Add the value to the schema's categories, or map it to an existing category before converting.",
          },
        )
      }
      throw err
    }
    const rowCount = chunks.reduce((n, ch) => n + ch.rowCount, 0)
    const out: FrameColumn[] = columns.map((c, i) => {
      if (c.type === 'category') {
        const codes = new Int32Array(rowCount)
        copyChunks(chunks, i, codes, 4)
        return { name: c.name, type: 'category', codes, categories: categoryLists[i] ?? [] }
      }
      if (c.type === 'string' || c.type === 'text') {
        const values = new Array<string | null>(rowCount)
        let offset = 0
        for (const ch of chunks) {
          const v = ch.getColumnVector(i)
          const n = ch.rowCount
          for (let r = 0; r < n; r++) values[offset + r] = v.getItem(r) as string | null
          offset += n
        }
        return { name: c.name, type: c.type, values }
      }
      const values = new Float64Array(rowCount)
      copyChunks(chunks, i, values, 8)
      return { name: c.name, type: c.type, values }
    })
    return { rowCount, columns: out }
  } finally {
    for (const e of enums) await engine.run(`DROP TYPE IF EXISTS ${quoteIdent(e)}`).catch(() => undefined)
  }
}

/** Where a paged read takes its rows from, in a stable order. */
export type PagedSource =
  /** An engine table: pages are rowid ranges. */
  | { table: string; rowCount: number }
  /** A Parquet file: pages are file_row_number ranges. */
  | { parquet: string; rowCount: number }

/**
 * Read a table or Parquet file as Frames of at most `batchRows` rows, one page at a time, so a
 * table larger than memory is processed one batch at a time. Each page is its own query, so an
 * error (e.g. DuckDB running out of memory) is raised instead of ending the read early, and the
 * rows read are checked against `rowCount`. Category columns without declared categories are
 * coded per batch (each Frame carries its own categories).
 */
export async function* streamFrames(
  engine: DataEngine,
  source: PagedSource,
  columns: readonly FrameColumnSpec[],
  batchRows = 65_536,
): AsyncGenerator<Frame> {
  const exprs = columns
    .map((c) =>
      c.type === 'category'
        ? `CAST(${quoteIdent(c.name)} AS VARCHAR) AS ${quoteIdent(c.name)}`
        : `${numericExpr(quoteIdent(c.name), c.type)} AS ${quoteIdent(c.name)}`,
    )
    .join(', ')
  const [from, position] =
    'table' in source
      ? [quoteIdent(source.table), 'rowid']
      : [`read_parquet(${sqlString(source.parquet)}, file_row_number = true)`, 'file_row_number']
  let read = 0
  for (let start = 0; start < source.rowCount; start += batchRows) {
    const end = Math.min(source.rowCount, start + batchRows)
    const { chunks } = await engine.chunks(
      `SELECT ${exprs || '1 AS __none'} FROM ${from} WHERE ${position} >= ${start} AND ${position} < ${end} ORDER BY ${position}`,
      'Reading a batch',
    )
    const frame = chunksToFrame(chunks, columns)
    if (frame.rowCount !== end - start) {
      throw new CairnError(
        'CAIRN_INTERNAL',
        `Batch ${start}..${end} returned ${frame.rowCount} rows instead of ${end - start}`,
      )
    }
    read += frame.rowCount
    yield frame
  }
  if (read !== source.rowCount)
    throw new CairnError('CAIRN_INTERNAL', `Read ${read} rows instead of ${source.rowCount}`)
}

function chunksToFrame(chunks: DuckDBDataChunk[], columns: readonly FrameColumnSpec[]): Frame {
  const rowCount = chunks.reduce((n, ch) => n + ch.rowCount, 0)
  const out: FrameColumn[] = columns.map((c, i) => {
    if (c.type === 'category' || c.type === 'string' || c.type === 'text') {
      const values = new Array<string | null>(rowCount)
      let offset = 0
      for (const ch of chunks) {
        const v = ch.getColumnVector(i)
        const n = ch.rowCount
        for (let r = 0; r < n; r++) values[offset + r] = v.getItem(r) as string | null
        offset += n
      }
      if (c.type !== 'category') return { name: c.name, type: c.type, values }
      const categories = c.categories
        ? [...c.categories]
        : [...new Set(values.filter((v): v is string => v !== null))].sort()
      const index = new Map(categories.map((v, k) => [v, k]))
      const codes = new Int32Array(rowCount)
      for (let r = 0; r < rowCount; r++) {
        const v = values[r]
        if (v === null || v === undefined) codes[r] = -1
        else {
          const code = index.get(v)
          if (code === undefined) {
            throw new CairnError(
              'CAIRN_UNKNOWN_CATEGORY',
              `Column "${c.name}": "${v}" is not one of its declared categories`,
              {
                details: { column: c.name, value: v },
              },
            )
          }
          codes[r] = code
        }
      }
      return { name: c.name, type: 'category', codes, categories }
    }
    const values = new Float64Array(rowCount)
    copyChunks(chunks, i, values, 8)
    return { name: c.name, type: c.type, values }
  })
  return { rowCount, columns: out }
}

function numericExpr(id: string, type: ColumnType): string {
  if (type === 'datetime')
    return `COALESCE(CAST(epoch_ms(CAST(${id} AS TIMESTAMP)) AS DOUBLE), 'NaN'::DOUBLE)`
  if (type === 'boolean') return `COALESCE(CAST(CAST(${id} AS BOOLEAN) AS DOUBLE), 'NaN'::DOUBLE)`
  if (type === 'string' || type === 'text') return `CAST(${id} AS VARCHAR)`
  return `COALESCE(CAST(${id} AS DOUBLE), 'NaN'::DOUBLE)`
}

function copyChunks(
  chunks: DuckDBDataChunk[],
  column: number,
  target: Float64Array | Int32Array,
  width: 4 | 8,
) {
  const { bindings } = duckDb()
  let offset = 0
  for (const ch of chunks) {
    const n = ch.rowCount
    const vec = bindings.data_chunk_get_vector(ch.chunk, column)
    const bytes = bindings.vector_get_data(vec, n * width)
    const view =
      width === 8
        ? new Float64Array(bytes.buffer, bytes.byteOffset, n)
        : new Int32Array(bytes.buffer, bytes.byteOffset, n)
    target.set(view, offset)
    offset += n
  }
}

const CHUNK_ROWS = 2048

/**
 * Load a Frame into a new DuckDB table `table`, column by column: numbers are copied into DuckDB
 * vectors as raw doubles (NaN becomes NULL), categories and strings as text.
 */
export async function frameToTable(engine: DataEngine, frame: Frame, table: string): Promise<void> {
  makeFrame([...frame.columns]) // a clear error on ragged frames before any copying
  const { api, bindings } = duckDb()
  const { DOUBLE, VARCHAR, DuckDBTypeId, DuckDBDataChunk } = api
  const staging = engine.tempName('load')
  const types: DuckDBType[] = frame.columns.map((c) =>
    c.type === 'category' || c.type === 'string' || c.type === 'text' ? VARCHAR : DOUBLE,
  )
  const cols = frame.columns
  if (cols.length === 0) throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Cannot load a frame without columns')
  const defs = cols.map(
    (c, i) => `${quoteIdent(c.name)} ${types[i]?.typeId === DuckDBTypeId.VARCHAR ? 'VARCHAR' : 'DOUBLE'}`,
  )
  await engine.run(`CREATE TABLE ${quoteIdent(staging)} (${defs.join(', ')})`)
  try {
    await engine.withConnection(async (conn) => {
      const appender = await conn.createAppender(staging)
      try {
        for (let start = 0; start < frame.rowCount; start += CHUNK_ROWS) {
          const n = Math.min(CHUNK_ROWS, frame.rowCount - start)
          const chunk = DuckDBDataChunk.create(types, n)
          cols.forEach((c, i) => {
            if (c.type === 'category') {
              const values = new Array<string | null>(n)
              for (let r = 0; r < n; r++) {
                const code = c.codes[start + r] as number
                values[r] = code < 0 ? null : (c.categories[code] ?? null)
              }
              chunk.setColumnValues(i, values)
            } else if (c.type === 'string' || c.type === 'text') {
              chunk.setColumnValues(i, c.values.slice(start, start + n))
            } else if (isNumericColumn(c)) {
              const src = c.values.subarray(start, start + n)
              const vec = bindings.data_chunk_get_vector(chunk.chunk, i)
              bindings.copy_data_to_vector(vec, 0, src.buffer as ArrayBuffer, src.byteOffset, n * 8)
            }
          })
          appender.appendDataChunk(chunk)
        }
        appender.flushSync()
      } finally {
        appender.closeSync()
      }
    })
    const select = cols.map((c) => `${finalExpr(c)} AS ${quoteIdent(c.name)}`).join(', ')
    await engine.run(
      `CREATE OR REPLACE TABLE ${quoteIdent(table)} AS SELECT ${select} FROM ${quoteIdent(staging)} ORDER BY rowid`,
    )
  } finally {
    await engine.drop(staging)
  }
}

function finalExpr(c: FrameColumn): string {
  const id = quoteIdent(c.name)
  const val = `CASE WHEN isnan(${id}) THEN NULL ELSE ${id} END`
  switch (c.type) {
    case 'integer':
      return `CAST(${val} AS BIGINT)`
    case 'boolean':
      return `(${val}) <> 0`
    case 'datetime':
      return `make_timestamp(CAST(round((${val}) * 1000) AS BIGINT))`
    case 'number':
      return val
    default:
      return id
  }
}
