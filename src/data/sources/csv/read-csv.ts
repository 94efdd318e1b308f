import { CairnError } from '../../../core/index.js'
import { duckTypeFor } from '../../engine/duck-types.js'
import type { DataEngine } from '../../engine/duckdb-engine.js'
import { quoteIdent, sqlString, sqlStringList } from '../../engine/sql.js'
import type { ColumnType } from '../../frame/frame.js'
import type { ColumnSchema } from '../../schema/schema.js'
import { type MalformedRow, malformedKindOf } from '../malformed.js'
import type { ResolvedFile } from '../source-spec.js'
import { type CsvLayout, locateRejectedLines } from './csv-lines.js'
import type { CsvDialect, CsvOptions } from './csv-options.js'
import { readHead, sniffDialect, splitCsvLine } from './sniff-dialect.js'

/** A file's place in the ingested table. */
export interface FileRows {
  file: ResolvedFile
  /** rowid of the file's first row in the table. */
  firstRow: number
  rows: number
  /** How to find the file's lines again (CSV only). */
  layout?: CsvLayout
}

/** What reading files into a DuckDB table produced. */
export interface FileReadResult {
  table: string
  /** Column types as read (declared ones as declared). */
  columns: { name: string; type: ColumnType }[]
  malformed: MalformedRow[]
  fileRows: FileRows[]
}

/** Settings for reading CSV files. */
export interface ReadCsvOptions {
  csv?: CsvOptions
  /** Declared columns: their types are enforced; a missing one is an error. */
  declared?: readonly ColumnSchema[]
  /** Columns the files have but the schema does not declare (default keep). */
  extraColumns?: 'keep' | 'drop' | 'error'
  /** Fraction read and, for CSV, the rows expected (estimated from the first lines). */
  onProgress?: (fraction: number, estimatedRows?: number) => void
  /** Rows looked at to infer the types of undeclared columns (default 20,000). */
  sampleRows?: number
}

const CAST_FAILURE_FATAL_FRACTION = 0.5
/** CSV read buffer of lazy scans: small, so streaming work fits a low memory limit. */
const LAZY_BUFFER_BYTES = 4 * 1024 * 1024

/**
 * Read CSV files into one new DuckDB table, file after file (so each row's file and line can be
 * found again). Rows DuckDB cannot read (wrong field count, bad quoting, a value that does not
 * cast) are collected with exact line numbers instead of being dropped silently; an encoding
 * error, or a declared type that most values cannot be cast to, stops the read with an error
 * naming the file, line and column. On error the table is dropped.
 */
export async function readCsvFiles(
  engine: DataEngine,
  files: readonly ResolvedFile[],
  options: ReadCsvOptions = {},
): Promise<FileReadResult> {
  const first = files[0]
  if (!first) throw new CairnError('CAIRN_SOURCE_NOT_FOUND', 'No CSV files to read')
  const table = engine.tempName('csv')
  const fileRows: FileRows[] = []
  const malformed: MalformedRow[] = []
  const totalBytes = files.reduce((n, f) => n + f.bytes, 0) || 1
  let doneBytes = 0
  let columns: { name: string; type: ColumnType }[] | undefined
  let estimatedRows: number | undefined
  const partitionKeys = [...new Set(files.flatMap((f) => Object.keys(f.partition)))]
  try {
    for (const file of files) {
      const head = await readHead(file.localPath)
      if (head.toString('utf8').trim() === '') {
        throw new CairnError('CAIRN_SOURCE_EMPTY', `${file.displayPath} is empty`, {
          details: { file: file.displayPath },
          hint: 'Check that the file was written completely, or remove it from the input.',
        })
      }
      const dialect = sniffDialect(head, file.localPath, options.csv)
      const names = headerNames(head, dialect, options.csv?.columnNames, file)
      if (estimatedRows === undefined) {
        const lines = Math.max(1, head.toString('latin1').split('\n').length - 1)
        estimatedRows =
          Math.round((totalBytes / Math.max(1, head.length)) * lines) - (dialect.header ? files.length : 0)
      }
      if (!columns) columns = await resolveColumnTypes(engine, file, dialect, names, options)
      else checkSameHeader(columns, names, file, options)
      const rejects = engine.tempName('rejects')
      const scan = engine.tempName('scan')
      const fileColumns = columns.filter((c) => names.includes(c.name))
      const colsArg = names
        .map((n) => {
          const c = fileColumns.find((x) => x.name === n)
          return `${sqlString(n)}: ${sqlString(c ? duckTypeFor(c.type) : 'VARCHAR')}`
        })
        .join(', ')
      const select = [
        ...columns.filter((c) => !partitionKeys.includes(c.name)).map((c) => quoteIdent(c.name)),
        ...partitionKeys.map((k) => partitionExpr(file.partition[k], k)),
      ].join(', ')
      const read = `read_csv(${sqlString(file.localPath)}, ${dialectArgs(dialect, options.csv)}, columns = {${colsArg}}, store_rejects = true, rejects_table = ${sqlString(rejects)}, rejects_scan = ${sqlString(scan)})`
      const before =
        fileRows.length === 0 ? 0 : (fileRows.at(-1)?.firstRow ?? 0) + (fileRows.at(-1)?.rows ?? 0)
      const statement =
        fileRows.length === 0
          ? `CREATE TABLE ${quoteIdent(table)} AS SELECT ${select} FROM ${read}`
          : `INSERT INTO ${quoteIdent(table)} BY NAME SELECT ${select} FROM ${read}`
      try {
        await engine.runWithProgress(
          statement,
          options.onProgress
            ? (p) => options.onProgress?.((doneBytes + p.fraction * file.bytes) / totalBytes, estimatedRows)
            : undefined,
          `Reading ${file.displayPath}`,
        )
      } catch (err) {
        throw csvError(err, file)
      }
      doneBytes += file.bytes
      options.onProgress?.(doneBytes / totalBytes, estimatedRows)
      const total = Number(await engine.value(`SELECT count(*) FROM ${quoteIdent(table)}`))
      const bad = await collectRejects(engine, rejects, file)
      await engine.drop(rejects)
      await engine.drop(scan)
      const encoding = bad.find((b) => b.kind === 'encoding')
      if (encoding) {
        throw new CairnError(
          'CAIRN_ENCODING_ERROR',
          `${file.displayPath}:${encoding.line}: the bytes are not valid ${dialect.encoding}`,
          {
            details: { file: file.displayPath, line: encoding.line, encoding: dialect.encoding },
            hint: "Set the file's encoding, e.g. csv: { encoding: 'latin-1' } (or --encoding latin-1).",
          },
        )
      }
      const rows = total - before
      checkCastFailures(bad, rows, file, columns)
      malformed.push(...bad)
      fileRows.push({
        file,
        firstRow: before,
        rows,
        layout: {
          quote: dialect.quote,
          comment: dialect.comment,
          skipRows: dialect.skipRows,
          header: dialect.header,
          rejected: bad.map((b) => ({ line: b.line, span: b.text.split('\n').length })),
        },
      })
    }
    return { table, columns: columns ?? [], malformed, fileRows }
  } catch (err) {
    await engine.drop(table)
    throw err
  }
}

/**
 * The SQL relation that reads CSV files lazily (no table is created): for streaming work over
 * files larger than memory. Column types are declared or inferred from the first file; a
 * malformed row stops the scan with an error naming the file and line.
 */
export async function csvScanRelation(
  engine: DataEngine,
  files: readonly ResolvedFile[],
  options: ReadCsvOptions = {},
): Promise<{ relation: string; columns: { name: string; type: ColumnType }[] }> {
  const first = files[0]
  if (!first) throw new CairnError('CAIRN_SOURCE_NOT_FOUND', 'No CSV files to read')
  const head = await readHead(first.localPath)
  if (head.toString('utf8').trim() === '') {
    throw new CairnError('CAIRN_SOURCE_EMPTY', `${first.displayPath} is empty`, {
      details: { file: first.displayPath },
    })
  }
  const dialect = sniffDialect(head, first.localPath, options.csv)
  const names = headerNames(head, dialect, options.csv?.columnNames, first)
  const columns = (
    await resolveColumnTypes(engine, { ...first, partition: {} }, dialect, names, options)
  ).filter((c) => names.includes(c.name))
  const colsArg = names
    .map(
      (n) =>
        `${sqlString(n)}: ${sqlString(duckTypeFor(columns.find((c) => c.name === n)?.type ?? 'string'))}`,
    )
    .join(', ')
  const list = `[${files.map((f) => sqlString(f.localPath)).join(', ')}]`
  const keep = columns.map((c) => quoteIdent(c.name)).join(', ')
  return {
    relation: `(SELECT ${keep} FROM read_csv(${list}, ${dialectArgs(dialect, options.csv)}, buffer_size = ${LAZY_BUFFER_BYTES}, columns = {${colsArg}}))`,
    columns,
  }
}

function partitionExpr(value: string | undefined, key: string): string {
  if (value === undefined) return `NULL AS ${quoteIdent(key)}`
  return /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? `CAST(${sqlString(value)} AS TIMESTAMP) AS ${quoteIdent(key)}`
    : `${sqlString(value)} AS ${quoteIdent(key)}`
}

function dialectArgs(d: CsvDialect, o: CsvOptions | undefined): string {
  const args = [
    'auto_detect = false',
    `delim = ${sqlString(d.delimiter)}`,
    `quote = ${sqlString(d.quote)}`,
    `escape = ${sqlString(d.escape)}`,
    `header = ${d.header}`,
    `skip = ${d.skipRows}`,
    `nullstr = ${sqlStringList(d.nullValues)}`,
    `encoding = ${sqlString(d.encoding)}`,
    'null_padding = false',
  ]
  if (d.comment) args.push(`comment = ${sqlString(d.comment)}`)
  if (o?.dateFormat) args.push(`dateformat = ${sqlString(o.dateFormat)}`)
  if (o?.timestampFormat) args.push(`timestampformat = ${sqlString(o.timestampFormat)}`)
  return args.join(', ')
}

function headerNames(head: Buffer, d: CsvDialect, given: string[] | undefined, file: ResolvedFile): string[] {
  const text = head.toString(d.encoding === 'latin-1' ? 'latin1' : 'utf8')
  const lines = text.split(/\r?\n/).slice(d.skipRows)
  const firstLine = lines.find((l) => l.trim() !== '' && !(d.comment && l.startsWith(d.comment))) ?? ''
  const fields = splitCsvLine(firstLine, d.delimiter, d.quote)
  if (given) {
    if (given.length !== fields.length) {
      throw new CairnError(
        'CAIRN_SCHEMA_INVALID',
        `${file.displayPath}: ${given.length} column names given but the file has ${fields.length} fields per line`,
        { details: { file: file.displayPath, given, fields: fields.length } },
      )
    }
    return given
  }
  const raw = d.header ? fields.map((f) => f.trim()) : fields.map((_, i) => `column${i}`)
  const seen = new Map<string, number>()
  return raw.map((n, i) => {
    const base = n === '' ? `column${i}` : n
    const k = seen.get(base) ?? 0
    seen.set(base, k + 1)
    return k === 0 ? base : `${base}_${k + 1}`
  })
}

async function resolveColumnTypes(
  engine: DataEngine,
  file: ResolvedFile,
  dialect: CsvDialect,
  names: string[],
  options: ReadCsvOptions,
): Promise<{ name: string; type: ColumnType }[]> {
  const declared = new Map((options.declared ?? []).map((c) => [c.name, c]))
  const missing = [...declared.keys()].filter((n) => !names.includes(n) && !(n in file.partition))
  if (missing.length > 0) {
    throw new CairnError(
      'CAIRN_COLUMN_NOT_FOUND',
      `${file.displayPath}:${dialect.skipRows + 1}: column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} declared in the schema ${missing.length > 1 ? 'are' : 'is'} not in the header`,
      {
        details: { file: file.displayPath, line: dialect.skipRows + 1, missing, columns: names },
        hint: `The file's columns are: ${names.join(', ')}`,
      },
    )
  }
  const extra = names.filter((n) => !declared.has(n))
  if (options.declared && extra.length > 0 && options.extraColumns === 'error') {
    throw new CairnError(
      'CAIRN_SCHEMA_INVALID',
      `${file.displayPath}: columns not in the schema: ${extra.join(', ')}`,
      { details: { file: file.displayPath, extra } },
    )
  }
  const toInfer = options.declared && options.extraColumns === 'drop' ? [] : extra
  const inferred =
    toInfer.length > 0 ? await inferCsvTypes(engine, file, dialect, names, toInfer, options) : {}
  const out: { name: string; type: ColumnType }[] = []
  for (const n of names) {
    const d = declared.get(n)
    if (d) out.push({ name: n, type: d.type })
    else if (n in inferred) out.push({ name: n, type: inferred[n] as ColumnType })
  }
  for (const k of Object.keys(file.partition)) {
    if (!out.some((c) => c.name === k)) {
      out.push({ name: k, type: /^\d{4}-\d{2}-\d{2}$/.test(file.partition[k] ?? '') ? 'datetime' : 'string' })
    }
  }
  return out
}

/**
 * Types of undeclared columns from the first rows, read as text: a column is boolean, integer,
 * number or datetime when all but 1% (at least one, in samples of 8 or more) of its non-missing
 * sample values read as one — the rest then surface as malformed rows with their lines — and
 * text otherwise.
 */
async function inferCsvTypes(
  engine: DataEngine,
  file: ResolvedFile,
  dialect: CsvDialect,
  names: string[],
  which: string[],
  options: ReadCsvOptions,
): Promise<Record<string, ColumnType>> {
  const sample = engine.tempName('sample')
  const rejects = engine.tempName('rejects')
  const scan = engine.tempName('scan')
  const colsArg = names.map((n) => `${sqlString(n)}: 'VARCHAR'`).join(', ')
  try {
    await engine
      .run(
        `CREATE TABLE ${quoteIdent(sample)} AS SELECT * FROM read_csv(${sqlString(file.localPath)}, ${dialectArgs(dialect, undefined)}, columns = {${colsArg}}, store_rejects = true, rejects_table = ${sqlString(rejects)}, rejects_scan = ${sqlString(scan)}) LIMIT ${options.sampleRows ?? 20_000}`,
        `Reading ${file.displayPath}`,
      )
      .catch((err) => {
        throw csvError(err, file)
      })
    const parts = which.map((n, i) => {
      const id = quoteIdent(n)
      const t = `trim(${id})`
      return [
        `count(${id}) AS nn${i}`,
        `count(CASE WHEN lower(${t}) IN ('true', 'false') THEN 1 END) AS b${i}`,
        `count(CASE WHEN regexp_full_match(${t}, '[-+]?[0-9]+') AND TRY_CAST(${t} AS BIGINT) IS NOT NULL THEN 1 END) AS i${i}`,
        `count(TRY_CAST(${t} AS DOUBLE)) AS d${i}`,
        `count(CASE WHEN TRY_CAST(${t} AS DOUBLE) IS NULL AND TRY_CAST(${t} AS TIMESTAMP) IS NOT NULL THEN 1 END) AS t${i}`,
      ].join(', ')
    })
    const stats = (await engine.row(`SELECT ${parts.join(', ')} FROM ${quoteIdent(sample)}`)) ?? {}
    const out: Record<string, ColumnType> = {}
    which.forEach((n, i) => {
      const nn = Number(stats[`nn${i}`] ?? 0)
      const allowed = nn >= 8 ? Math.max(1, Math.floor(nn * 0.01)) : 0
      const ok = (k: string) => nn > 0 && Number(stats[`${k}${i}`] ?? 0) >= nn - allowed
      out[n] =
        nn > 0 && Number(stats[`b${i}`]) === nn
          ? 'boolean'
          : ok('i')
            ? 'integer'
            : ok('d')
              ? 'number'
              : ok('t')
                ? 'datetime'
                : 'string'
    })
    return out
  } finally {
    await engine.drop(sample)
    await engine.drop(rejects)
    await engine.drop(scan)
  }
}

function checkSameHeader(
  columns: { name: string; type: ColumnType }[],
  names: string[],
  file: ResolvedFile,
  options: ReadCsvOptions,
): void {
  const known = new Set(columns.map((c) => c.name))
  const unknown = names.filter((n) => !known.has(n))
  const missing = columns
    .filter((c) => !names.includes(c.name) && !(c.name in file.partition))
    .map((c) => c.name)
  if ((unknown.length > 0 && options.extraColumns !== 'drop') || missing.length > 0) {
    throw new CairnError(
      'CAIRN_SCHEMA_INVALID',
      `${file.displayPath}: its columns differ from the first file's${missing.length ? ` (missing ${missing.join(', ')})` : ''}${unknown.length ? ` (extra ${unknown.join(', ')})` : ''}`,
      {
        details: { file: file.displayPath, missing, extra: unknown },
        hint: 'All files read as one table need the same columns; declare a schema or read them separately.',
      },
    )
  }
}

async function collectRejects(
  engine: DataEngine,
  rejects: string,
  file: ResolvedFile,
): Promise<MalformedRow[]> {
  const rows = await engine.rows<{
    line: number
    pos: number
    column_name: string | null
    error_type: string
    csv_line: string | null
    error_message: string
  }>(
    `SELECT line, coalesce(line_byte_position, byte_position) AS pos, column_name, CAST(error_type AS VARCHAR) AS error_type, csv_line, error_message FROM ${quoteIdent(rejects)} ORDER BY line, column_idx`,
    'Reading rejected rows',
  )
  if (rows.length === 0) return []
  // one entry per row: DuckDB lists a row once per failing column
  const byLine = new Map<number, (typeof rows)[number][]>()
  for (const r of rows) {
    const list = byLine.get(r.line) ?? []
    list.push(r)
    byLine.set(r.line, list)
  }
  const entries = [...byLine.values()]
  const lines = await locateRejectedLines(
    file.localPath,
    entries.map((e) => ({ approxByte: Number(e[0]?.pos ?? 0), text: e[0]?.csv_line ?? '' })),
  )
  return entries.map((e, i) => {
    const r = e[0] as (typeof rows)[number]
    const kind = malformedKindOf(r.error_type)
    const columns = [...new Set(e.map((x) => x.column_name).filter((c): c is string => !!c))]
    return {
      file: file.displayPath,
      line: lines[i] ?? Number(r.line),
      kind,
      ...(columns.length > 0 && kind !== 'field_count' ? { column: columns.join(', ') } : {}),
      message: e.map((x) => x.error_message.split('\n')[0]).join('; '),
      text: (r.csv_line ?? '').replace(/^(\r?\n)+/, '').slice(0, 500),
    }
  })
}

function checkCastFailures(
  bad: MalformedRow[],
  goodRows: number,
  file: ResolvedFile,
  columns: { name: string; type: ColumnType }[],
): void {
  const total = goodRows + bad.length
  const byColumn = new Map<string, MalformedRow[]>()
  for (const b of bad) {
    if (b.kind !== 'type' || !b.column) continue
    for (const c of b.column.split(', ')) byColumn.set(c, [...(byColumn.get(c) ?? []), b])
  }
  for (const [column, list] of byColumn) {
    if (list.length >= Math.max(1, total * CAST_FAILURE_FATAL_FRACTION)) {
      const f = list[0] as MalformedRow
      const type = columns.find((c) => c.name === column)?.type
      throw new CairnError(
        'CAIRN_TYPE_CAST_FAILED',
        `${file.displayPath}:${f.line}: column "${column}" cannot be read as ${type} (${list.length} of ${total} rows fail, e.g. ${JSON.stringify(f.text.slice(0, 80))})`,
        {
          details: { file: file.displayPath, line: f.line, column, type, failing: list.length, rows: total },
          hint: `Declare "${column}" with the type its values have (e.g. string), or fix the file.`,
        },
      )
    }
  }
}

function csvError(err: unknown, file: ResolvedFile): CairnError {
  if (err instanceof CairnError && err.code !== 'CAIRN_INTERNAL' && err.code !== 'CAIRN_INVALID_ARGUMENT')
    return err
  const raw = err instanceof Error ? err.message : String(err)
  const line = /CSV Error on Line: (\d+)/.exec(raw)?.[1]
  if (/not utf-8 encoded|Invalid unicode/i.test(raw)) {
    return new CairnError(
      'CAIRN_ENCODING_ERROR',
      `${file.displayPath}${line ? `:${line}` : ''}: the bytes are not valid UTF-8`,
      {
        cause: err,
        details: { file: file.displayPath, line: line ? Number(line) : undefined },
        hint: "Set the file's encoding, e.g. csv: { encoding: 'latin-1' }.",
      },
    )
  }
  return new CairnError(
    'CAIRN_SOURCE_UNREADABLE',
    `${file.displayPath}${line ? `:${line}` : ''}: ${raw.split('\n')[0]}`,
    {
      cause: err,
      details: { file: file.displayPath, duckdb: raw },
      hint: 'Check the delimiter, quote and header settings (csv options), or the file itself.',
    },
  )
}
