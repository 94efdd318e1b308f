import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CairnError, hashBytes, shortId } from '../../core/index.js'
import type { DataEngine } from '../engine/duckdb-engine.js'
import { frameToTable, type PagedSource, streamFrames } from '../engine/frame-convert.js'
import { quoteIdent, sqlString } from '../engine/sql.js'
import type { Frame } from '../frame/frame.js'
import { inferSchema } from '../schema/infer-schema.js'
import type { ColumnSchema, DatasetSchema } from '../schema/schema.js'
import type { LazyTable } from '../sources/scan-source.js'
import { DataTable, type Lineage } from '../table/data-table.js'

/** A function over one batch of rows: returns the batch's output rows (any number). */
export type BatchFunction = (batch: Frame, index: number) => Frame | Promise<Frame>

/** Settings for a batch transform. */
export interface BatchTransformOptions {
  /** Rows per batch (default 65,536). */
  batchRows?: number
  /** Columns of the input to pass (default all). */
  columns?: readonly string[]
  /** A name for lineage (default the function's name). */
  name?: string
  /** Where output batches are spilled as Parquet parts (default a temp folder). */
  workDir: string
  onProgress?: (rowsIn: number) => void
}

/**
 * Run a TypeScript function over an input in batches of columnar rows (Frames), streaming: only
 * one batch is in JS memory at a time, and each output batch is written to a Parquet part at
 * once, so a file larger than memory goes through without being loaded whole. The output is a
 * table over the parts; its lineage names the function (and a hash of its code).
 */
export async function batchTransform(
  engine: DataEngine,
  input: DataTable | LazyTable,
  fn: BatchFunction,
  options: BatchTransformOptions,
): Promise<DataTable> {
  const schema = input.schema
  const specs = (
    options.columns ? schema.columns.filter((c) => options.columns?.includes(c.name)) : schema.columns
  ).map((c) => ({
    name: c.name,
    type: c.type,
    ...(c.categories ? { categories: c.categories } : {}),
  }))
  const dir = join(options.workDir, `batch-${shortId()}`)
  await mkdir(dir, { recursive: true })
  const parts: string[] = []
  let outSchema: ColumnSchema[] | undefined
  let rowsIn = 0
  let index = 0
  try {
    let source: PagedSource
    if (input instanceof DataTable) source = { table: input.tableName, rowCount: input.rowCount }
    else {
      // a lazy source is first written to Parquet by DuckDB (bounded memory, errors surface),
      // then read back a page at a time
      const staged = join(dir, 'input.parquet')
      const cols = specs.map((c) => quoteIdent(c.name)).join(', ')
      await engine.run(
        `COPY (SELECT ${cols} FROM ${input.relation}) TO ${sqlString(staged)} (FORMAT parquet)`,
        'Staging the input',
      )
      const rows = Number(await engine.value(`SELECT count(*) FROM read_parquet(${sqlString(staged)})`))
      source = { parquet: staged, rowCount: rows }
    }
    for await (const batch of streamFrames(engine, source, specs, options.batchRows ?? 65_536)) {
      const out = await fn(batch, index)
      rowsIn += batch.rowCount
      options.onProgress?.(rowsIn)
      if (!out || !Array.isArray(out.columns)) {
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          `The batch function returned ${typeof out}, not a Frame (batch ${index})`,
        )
      }
      const shape = out.columns.map((c) => `${c.name}:${c.type}`).join(',')
      if (outSchema && shape !== outSchema.map((c) => `${c.name}:${c.type}`).join(',')) {
        throw new CairnError(
          'CAIRN_SCHEMA_INVALID',
          `Batch ${index} returned columns ${shape}, unlike the first batch`,
          {
            hint: 'Every batch must return the same columns with the same types.',
          },
        )
      }
      outSchema ??= out.columns.map((c) => {
        const known = schema.columns.find((s) => s.name === c.name && s.type === c.type)
        return known ?? { name: c.name, type: c.type, nullable: true, role: 'feature' }
      })
      if (out.rowCount > 0) {
        const t = engine.tempName('out')
        await frameToTable(engine, out, t)
        const part = join(dir, `part-${String(index).padStart(6, '0')}.parquet`)
        try {
          await engine.run(`COPY ${quoteIdent(t)} TO ${sqlString(part)} (FORMAT parquet)`)
        } finally {
          await engine.drop(t)
        }
        parts.push(part)
      }
      index++
    }
    const table = engine.tempName('mapped')
    if (parts.length === 0) {
      throw new CairnError('CAIRN_SOURCE_EMPTY', 'The batch transform produced no rows')
    }
    await engine.run(
      `CREATE TABLE ${quoteIdent(table)} AS SELECT * FROM read_parquet([${parts.map(sqlString).join(', ')}])`,
      'Collecting batch output',
    )
    const rowCount = Number(await engine.value(`SELECT count(*) FROM ${quoteIdent(table)}`))
    const finalSchema: DatasetSchema = {
      columns: outSchema ?? (await inferSchema(engine, quoteIdent(table))).columns,
    }
    const lineage: Lineage = {
      parents: input.lineage.parents,
      ...(input.lineage.source ? { source: input.lineage.source } : {}),
      transform: {
        kind: 'function',
        description: options.name ?? (fn.name || 'anonymous function'),
        codeHash: hashBytes(fn.toString()),
        params: { batchRows: options.batchRows ?? 65_536, batches: index, rowsIn },
      },
    }
    return new DataTable(engine, table, { schema: finalSchema, rowCount, lineage })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
