import { resolve } from 'node:path'
import { CairnError } from '../../core/index.js'
import type { DataEngine } from '../engine/duckdb-engine.js'
import { sqlString } from '../engine/sql.js'
import type { ColumnSchema, DatasetSchema } from '../schema/schema.js'
import type { Lineage } from '../table/data-table.js'
import { csvScanRelation } from './csv/read-csv.js'
import type { S3SourceOptions } from './fetch-s3.js'
import { resolveFiles } from './resolve-files.js'
import { type FileSourceSpec, toSourceSpec } from './source-spec.js'

/** A source read lazily: an SQL relation DuckDB streams from, never materialised. */
export interface LazyTable {
  relation: string
  schema: DatasetSchema
  lineage: Lineage
}

/**
 * Describe a file source as a lazy relation (CSV, Parquet, JSON) for streaming work: nothing is
 * read until the relation is scanned, and DuckDB then reads it in chunks.
 */
export async function scanSource(
  engine: DataEngine,
  source: string | FileSourceSpec,
  options: { cacheDir: string; s3?: S3SourceOptions; base?: string; schema?: DatasetSchema },
): Promise<LazyTable> {
  const spec = toSourceSpec(source)
  if (spec.kind !== 'file')
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Only file sources can be scanned lazily')
  const files = await resolveFiles(spec, {
    cacheDir: options.cacheDir,
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.base ? { base: options.base } : {}),
  })
  const format = files[0]?.format
  const lineage: Lineage = {
    parents: [],
    source: {
      kind: /^https?:/i.test(spec.path) ? 'url' : /^s3:/i.test(spec.path) ? 's3' : 'file',
      uri: /^(https?|s3):/i.test(spec.path) ? spec.path : resolve(options.base ?? process.cwd(), spec.path),
      ...(format ? { format } : {}),
      files: files.map((f) => ({ path: f.displayPath, bytes: f.bytes, localPath: f.localPath })),
    },
  }
  if (format === 'csv') {
    const { relation, columns } = await csvScanRelation(engine, files, {
      ...(spec.csv ? { csv: spec.csv } : {}),
      ...(options.schema ? { declared: options.schema.columns } : {}),
    })
    const declared = new Map(options.schema?.columns.map((c) => [c.name, c]))
    return {
      relation,
      schema: {
        columns: columns.map(
          (c): ColumnSchema =>
            declared.get(c.name) ?? {
              name: c.name,
              type: c.type === 'string' ? 'category' : c.type,
              nullable: true,
              role: 'feature',
            },
        ),
      },
      lineage,
    }
  }
  const list = `[${files.map((f) => sqlString(f.localPath)).join(', ')}]`
  const relation =
    format === 'parquet'
      ? `read_parquet(${list}, union_by_name = true)`
      : `read_json(${list}, format = ${sqlString(format === 'ndjson' ? 'newline_delimited' : 'auto')})`
  const { inferSchema } = await import('../schema/infer-schema.js')
  const inferred = await inferSchema(engine, `(SELECT * FROM ${relation} LIMIT 10000)`)
  return { relation, schema: options.schema ?? inferred, lineage }
}
