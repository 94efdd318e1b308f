import { resolve } from 'node:path'
import { CairnError } from '../../core/index.js'
import type { DataEngine } from '../engine/duckdb-engine.js'
import { frameToTable } from '../engine/frame-convert.js'
import { quoteIdent } from '../engine/sql.js'
import type { ColumnType } from '../frame/frame.js'
import { frameFromRows } from '../frame/frame-ops.js'
import { type InferSchemaOptions, inferSchema } from '../schema/infer-schema.js'
import type { ColumnSchema, DatasetSchema } from '../schema/schema.js'
import { DataTable } from '../table/data-table.js'
import { type FileSpan, fileRowLocator, type RowLocator } from '../table/row-locator.js'
import { conformTable } from './conform.js'
import { readCsvFiles } from './csv/read-csv.js'
import type { S3SourceOptions } from './fetch-s3.js'
import { type MalformedReport, malformedReport, noMalformedRows } from './malformed.js'
import { readPostgres, readSqlite } from './read-sql.js'
import { readStructuredFiles } from './read-structured.js'
import { resolveFiles } from './resolve-files.js'
import { type SourceInfo, type SourceSpec, toSourceSpec } from './source-spec.js'

/** Progress of an ingest: downloading, then reading. */
export interface IngestProgress {
  phase: 'download' | 'read'
  /** 0..1 when known. */
  fraction?: number
  /** Rows read so far (SQL sources) or bytes received (downloads). */
  done?: number
  total?: number
}

/** Settings for reading a source into a table. */
export interface IngestOptions extends Omit<InferSchemaOptions, 'sampleRows'> {
  /** Declared columns (types enforced; missing columns are errors). Others are inferred. */
  schema?: DatasetSchema
  /** Columns the source has but the schema does not declare (default keep). */
  extraColumns?: 'keep' | 'drop' | 'error'
  /** `report` (default) keeps the readable rows and reports the others; `fail` stops at any. */
  onMalformed?: 'report' | 'fail'
  /** Accept a source with no rows (default: CAIRN_SOURCE_EMPTY). */
  allowEmpty?: boolean
  onProgress?: (p: IngestProgress) => void
  /** Download cache for URLs and S3 objects. */
  cacheDir: string
  s3?: S3SourceOptions
  /** Relative paths start here (default: the working directory). */
  base?: string
}

/**
 * Read any source into a DataTable: files (CSV/TSV, Parquet, JSON, NDJSON; globs, folders and
 * `dt=` partitions as one table; URLs and S3 objects through the download cache), SQLite and
 * PostgreSQL tables or queries, and rows from TypeScript. Declared columns are enforced, others
 * inferred; rows that cannot be read are reported with their lines (or stop the ingest with
 * `onMalformed: 'fail'`). Nothing of a failed ingest is left behind in the engine.
 */
export async function ingestSource(
  engine: DataEngine,
  source: SourceSpec,
  options: IngestOptions,
): Promise<DataTable> {
  const spec = toSourceSpec(source)
  let table: string
  let columns: { name: string; type: ColumnType }[]
  let malformed: MalformedReport = noMalformedRows()
  let locator: RowLocator | undefined
  let info: SourceInfo
  const declared = options.schema?.columns
  const progress = (fraction: number, estimatedRows?: number) =>
    options.onProgress?.({
      phase: 'read',
      fraction,
      ...(estimatedRows !== undefined
        ? { total: estimatedRows, done: Math.round(fraction * estimatedRows) }
        : {}),
    })
  if (spec.kind === 'file') {
    const files = await resolveFiles(spec, {
      cacheDir: options.cacheDir,
      ...(options.s3 ? { s3: options.s3 } : {}),
      ...(options.base ? { base: options.base } : {}),
      onDownload: (done, total) =>
        options.onProgress?.({
          phase: 'download',
          done,
          ...(total !== undefined ? { total, fraction: done / total } : {}),
        }),
    })
    const kind = /^https?:/i.test(spec.path) ? 'url' : /^s3:/i.test(spec.path) ? 's3' : 'file'
    info = {
      kind,
      uri: kind === 'file' ? resolve(options.base ?? process.cwd(), spec.path) : spec.path,
      format: files[0]?.format ?? 'csv',
      files: files.map((f) => ({ path: f.displayPath, bytes: f.bytes, localPath: f.localPath })),
    }
    if (files[0]?.format === 'csv') {
      const read = await readCsvFiles(engine, files, {
        ...(spec.csv ? { csv: spec.csv } : {}),
        ...(declared ? { declared } : {}),
        ...(options.extraColumns ? { extraColumns: options.extraColumns } : {}),
        onProgress: progress,
      })
      table = read.table
      columns = read.columns
      malformed = malformedReport(read.malformed)
      locator = fileRowLocator(
        read.fileRows.map((f) => ({
          file: f.file.displayPath,
          localPath: f.file.localPath,
          firstRow: f.firstRow,
          rows: f.rows,
          ...(f.layout ? { layout: f.layout } : {}),
        })),
      )
      if (malformed.count > 0 && options.onMalformed === 'fail') {
        await engine.drop(table)
        throw malformedError(malformed)
      }
    } else {
      const read = await readStructuredFiles(engine, files, progress)
      const spans: FileSpan[] = read.spans.map((s) => ({
        file: s.file.displayPath,
        localPath: s.file.localPath,
        firstRow: s.firstRow,
        rows: s.rows,
        lineIsRow: s.file.format === 'ndjson',
      }))
      locator = fileRowLocator(spans)
      const conformed = await conformTable(engine, read.table, {
        ...(declared ? { declared } : {}),
        ...(options.extraColumns ? { extraColumns: options.extraColumns } : {}),
        sourceName: spec.path,
        describeRow: async (rowid) => describeLocation(await locator?.locate([rowid]), rowid),
      })
      table = conformed.table
      columns = conformed.columns
    }
  } else if (spec.kind === 'sqlite' || spec.kind === 'postgres') {
    const read =
      spec.kind === 'sqlite'
        ? await readSqlite(engine, spec, (n) => options.onProgress?.({ phase: 'read', done: n }))
        : await readPostgres(engine, spec, (n) => options.onProgress?.({ phase: 'read', done: n }))
    const label = spec.kind === 'sqlite' ? `sqlite:${spec.path}` : spec.url.replace(/\/\/[^@/]*@/, '//')
    info = { kind: spec.kind, uri: spec.table ? `${label}#${spec.table}` : label, query: read.query }
    const metaDeclared: ColumnSchema[] = Object.entries(read.types)
      .filter(([n, t]) => t === 'datetime' && !declared?.some((d) => d.name === n))
      .map(([name, type]) => ({ name, type, nullable: true, role: 'feature' }))
    const conformed = await conformTable(engine, read.table, {
      declared: [...(declared ?? []), ...metaDeclared],
      ...(options.extraColumns ? { extraColumns: options.extraColumns } : {}),
      sourceName: label,
      describeRow: async (rowid) => `${label} row ${rowid + 1}`,
    })
    table = conformed.table
    columns = conformed.columns
  } else {
    const frame = spec.frame ?? frameFromRows(spec.rows ?? [], typesFrom(declared))
    const raw = engine.tempName('rows')
    if (frame.columns.length === 0) {
      throw new CairnError('CAIRN_SOURCE_EMPTY', 'The rows given have no columns', {
        hint: 'Pass at least one row, or a Frame with columns.',
      })
    }
    await frameToTable(engine, frame, raw)
    const label = spec.label ?? 'memory'
    info = { kind: 'rows', uri: label }
    const conformed = await conformTable(engine, raw, {
      ...(declared ? { declared } : {}),
      ...(options.extraColumns ? { extraColumns: options.extraColumns } : {}),
      sourceName: label,
      describeRow: async (rowid) => `${label} row ${rowid + 1}`,
    })
    table = conformed.table
    columns = conformed.columns
  }
  try {
    const rowCount = Number(await engine.value(`SELECT count(*) FROM ${quoteIdent(table)}`))
    if (rowCount === 0 && !options.allowEmpty) {
      throw new CairnError(
        'CAIRN_SOURCE_EMPTY',
        `${info.uri} has no rows${malformed.count ? ` that could be read (${malformed.count} malformed)` : ''}`,
        {
          details: { source: info.uri, malformed: malformed.count },
          hint: malformed.count
            ? 'Every row was malformed: check the delimiter and the schema.'
            : 'Pass allowEmpty to accept an empty source.',
        },
      )
    }
    const schema = await finalSchema(engine, table, columns, declared, options)
    return new DataTable(engine, table, {
      schema,
      rowCount,
      lineage: {
        source: info,
        parents: [],
        transform: { kind: 'ingest', description: `ingest ${info.uri}` },
      },
      malformed,
      ...(locator ? { locator } : {}),
    })
  } catch (err) {
    await engine.drop(table)
    throw err
  }
}

function typesFrom(declared: readonly ColumnSchema[] | undefined): Record<string, ColumnType> {
  const out: Record<string, ColumnType> = {}
  for (const c of declared ?? []) out[c.name] = c.type
  return out
}

function describeLocation(
  map: Map<number, { file: string; row: number; line?: number }> | undefined,
  rowid: number,
) {
  const loc = map?.get(rowid)
  if (!loc) return `row ${rowid + 1}`
  return loc.line !== undefined ? `${loc.file}:${loc.line}` : `${loc.file} row ${loc.row}`
}

async function finalSchema(
  engine: DataEngine,
  table: string,
  columns: { name: string; type: ColumnType }[],
  declared: readonly ColumnSchema[] | undefined,
  options: IngestOptions,
): Promise<DatasetSchema> {
  const inferred = await inferSchema(engine, quoteIdent(table), {
    ...(options.target ? { target: options.target } : {}),
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.categoryMaxDistinct ? { categoryMaxDistinct: options.categoryMaxDistinct } : {}),
    ...(options.strictNulls ? { strictNulls: options.strictNulls } : {}),
  })
  const byName = new Map(inferred.columns.map((c) => [c.name, c]))
  return {
    columns: columns.map((c): ColumnSchema => {
      const d = declared?.find((x) => x.name === c.name)
      if (d) {
        const role = options.roles?.[c.name] ?? (options.target === c.name ? 'target' : d.role)
        return { ...d, role }
      }
      const inf = byName.get(c.name)
      const type = c.type === 'string' && inf ? inf.type : c.type
      return { name: c.name, type, nullable: inf?.nullable ?? true, role: inf?.role ?? 'feature' }
    }),
  }
}

function malformedError(report: MalformedReport): CairnError {
  const first = report.rows[0]
  return new CairnError(
    'CAIRN_MALFORMED_ROWS',
    `${report.count} malformed row${report.count === 1 ? '' : 's'}; first at ${first?.file}:${first?.line}${first?.column ? `, column "${first.column}"` : ''}: ${first?.message}`,
    {
      details: { count: report.count, byKind: report.byKind, rows: report.rows.slice(0, 50) },
      hint: "Fix the rows, or ingest with onMalformed: 'report' to keep the readable ones and list the others.",
    },
  )
}
