import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { shortId } from '../../../core/index.js'
import { openArtifactStore, type PredictionLogTable } from '../../../store/index.js'
import type { LogSink, LogSinkOptions } from './log-sink.js'

const COLUMNS = `prediction_id VARCHAR, request_id VARCHAR, model VARCHAR, version VARCHAR, variant VARCHAR,
  "timestamp" BIGINT, latency_ms DOUBLE, inputs VARCHAR, prediction DOUBLE, label VARCHAR, outputs VARCHAR,
  "date" VARCHAR`

/**
 * Buffers rows in an in-memory DuckDB table and writes them as Parquet files partitioned by model
 * and date: `<prefix>/<model>/date=YYYY-MM-DD/part-<time>-<random>.parquet`. A file is written when
 * `rowsPerFile` rows wait, when the oldest row is `maxFileAgeMs` old, and on flush/close. Each file
 * lands atomically (the artifact store's put).
 */
export async function openParquetSink(
  options: Extract<LogSinkOptions, { kind: 'parquet' }>,
): Promise<LogSink> {
  const store = openArtifactStore(options.uri)
  const prefix = (options.prefix ?? 'prediction-log').replace(/\/+$/, '')
  const rowsPerFile = options.rowsPerFile ?? 100_000
  const maxAge = options.maxFileAgeMs ?? 60_000
  const instance = await DuckDBInstance.create(':memory:')
  const conn = await instance.connect()
  await conn.run(`CREATE TABLE log (${COLUMNS})`)
  const staging = await mkdtemp(join(tmpdir(), 'cairn-plog-'))
  let buffered = 0
  let oldest = 0
  let timer: NodeJS.Timeout | undefined
  let tail: Promise<unknown> = Promise.resolve()
  /** Run one operation at a time: a file write must not interleave with appends. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn)
    tail = next.catch(() => {})
    return next
  }

  const writeFiles = () => serial(writeFilesNow)

  async function writeFilesNow(): Promise<void> {
    if (buffered === 0) return
    const groups = await conn.runAndReadAll('SELECT DISTINCT model, "date" FROM log ORDER BY 1, 2')
    for (const [model, date] of groups.getRows() as [string, string][]) {
      const local = join(staging, `${shortId(6)}.parquet`)
      await conn.run(
        `COPY (SELECT * EXCLUDE ("date") FROM log WHERE model = $1 AND "date" = $2 ORDER BY "timestamp")
         TO '${local.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`,
        [model, date],
      )
      const path = `${prefix}/${encodeURIComponent(model)}/date=${date}/part-${Date.now()}-${shortId(4)}.parquet`
      await store.putFile(path, local)
      await rm(local, { force: true })
    }
    await conn.run('DELETE FROM log')
    buffered = 0
  }

  return {
    write: (rows: PredictionLogTable[]) => serial(() => append(rows)),
    flush: writeFiles,
    async close() {
      if (timer) clearInterval(timer)
      await writeFiles()
      conn.closeSync()
      instance.closeSync()
      await store.close()
      await rm(staging, { recursive: true, force: true })
    },
  }

  async function append(rows: PredictionLogTable[]): Promise<void> {
    const appender = await conn.createAppender('log')
    for (const r of rows) {
      appender.appendVarchar(r.prediction_id)
      appender.appendVarchar(r.request_id)
      appender.appendVarchar(r.model)
      appender.appendVarchar(r.version)
      appender.appendVarchar(r.variant)
      appender.appendBigInt(BigInt(Math.round(r.timestamp)))
      appender.appendDouble(r.latency_ms)
      appender.appendVarchar(r.inputs)
      if (r.prediction === null) appender.appendNull()
      else appender.appendDouble(r.prediction)
      if (r.label === null) appender.appendNull()
      else appender.appendVarchar(r.label)
      if (r.outputs === null) appender.appendNull()
      else appender.appendVarchar(r.outputs)
      appender.appendVarchar(new Date(r.timestamp).toISOString().slice(0, 10))
      appender.endRow()
    }
    appender.flushSync()
    appender.closeSync()
    if (buffered === 0) {
      oldest = Date.now()
      timer ??= setInterval(
        () => {
          if (buffered > 0 && Date.now() - oldest >= maxAge) void writeFiles().catch(() => {})
        },
        Math.min(maxAge, 5000),
      )
      timer.unref()
    }
    buffered += rows.length
    if (buffered >= rowsPerFile) await writeFilesNow()
  }
}
