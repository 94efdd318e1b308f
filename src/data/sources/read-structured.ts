import { CairnError } from '../../core/index.js'
import type { DataEngine } from '../engine/duckdb-engine.js'
import { quoteIdent, sqlString } from '../engine/sql.js'
import type { ResolvedFile } from './source-spec.js'

/** A raw table read from Parquet or JSON files, with each file's row range. */
export interface StructuredRead {
  table: string
  spans: { file: ResolvedFile; firstRow: number; rows: number }[]
}

/**
 * Read Parquet, JSON (array or auto) or NDJSON files into one raw DuckDB table, file by file and
 * by column name, adding `key=value` partition columns. Malformed JSON stops the read with an
 * error naming the file and line.
 */
export async function readStructuredFiles(
  engine: DataEngine,
  files: readonly ResolvedFile[],
  onProgress?: (fraction: number) => void,
): Promise<StructuredRead> {
  const table = engine.tempName('raw')
  const spans: StructuredRead['spans'] = []
  const keys = [...new Set(files.flatMap((f) => Object.keys(f.partition)))]
  const totalBytes = files.reduce((n, f) => n + f.bytes, 0) || 1
  let done = 0
  try {
    for (const file of files) {
      if (file.bytes === 0) {
        throw new CairnError('CAIRN_SOURCE_EMPTY', `${file.displayPath} is empty`, {
          details: { file: file.displayPath },
        })
      }
      const reader =
        file.format === 'parquet'
          ? `read_parquet(${sqlString(file.localPath)})`
          : `read_json(${sqlString(file.localPath)}, format = ${sqlString(file.format === 'ndjson' ? 'newline_delimited' : 'auto')})`
      const parts = keys.map((k) => {
        const v = file.partition[k]
        if (v === undefined) return `NULL AS ${quoteIdent(k)}`
        return /^\d{4}-\d{2}-\d{2}$/.test(v)
          ? `CAST(${sqlString(v)} AS TIMESTAMP) AS ${quoteIdent(k)}`
          : `${sqlString(v)} AS ${quoteIdent(k)}`
      })
      const select = `SELECT *${parts.length ? `, ${parts.join(', ')}` : ''} FROM ${reader}`
      const before = spans.reduce((n, s) => n + s.rows, 0)
      try {
        await engine.runWithProgress(
          spans.length === 0
            ? `CREATE TABLE ${quoteIdent(table)} AS ${select}`
            : `INSERT INTO ${quoteIdent(table)} BY NAME ${select}`,
          onProgress ? (p) => onProgress((done + p.fraction * file.bytes) / totalBytes) : undefined,
          `Reading ${file.displayPath}`,
        )
      } catch (err) {
        throw structuredError(err, file)
      }
      done += file.bytes
      const total = Number(await engine.value(`SELECT count(*) FROM ${quoteIdent(table)}`))
      spans.push({ file, firstRow: before, rows: total - before })
    }
    return { table, spans }
  } catch (err) {
    await engine.drop(table)
    throw err
  }
}

function structuredError(err: unknown, file: ResolvedFile): CairnError {
  const raw = err instanceof Error ? err.message : String(err)
  const json = /Malformed JSON in file .*?, at byte (\d+) in (?:line|record\/value) (\d+): ([^.\n]*)/.exec(
    raw,
  )
  if (json) {
    return new CairnError(
      'CAIRN_SOURCE_UNREADABLE',
      `${file.displayPath}:${json[2]}: malformed JSON (${json[3]?.trim()})`,
      {
        cause: err,
        details: { file: file.displayPath, line: Number(json[2]), byte: Number(json[1]) },
        hint: 'Fix the line, or remove it; each NDJSON line must be one complete JSON value.',
      },
    )
  }
  if (/not utf-8|invalid unicode/i.test(raw)) {
    return new CairnError('CAIRN_ENCODING_ERROR', `${file.displayPath}: the bytes are not valid UTF-8`, {
      cause: err,
      details: { file: file.displayPath },
    })
  }
  if (/No magic bytes|not a parquet file|Invalid Input Error: File/i.test(raw)) {
    return new CairnError(
      'CAIRN_SOURCE_UNREADABLE',
      `${file.displayPath} is not a valid ${file.format} file`,
      {
        cause: err,
        details: { file: file.displayPath, duckdb: raw.split('\n')[0] },
      },
    )
  }
  if (err instanceof CairnError && err.code !== 'CAIRN_INTERNAL') return err
  return new CairnError('CAIRN_SOURCE_UNREADABLE', `${file.displayPath}: ${raw.split('\n')[0]}`, {
    cause: err,
    details: { file: file.displayPath },
  })
}
