import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { sqlString } from '../../data/index.js'
import { LocalArtifactStore, type MetadataStore, openArtifactStore } from '../../store/index.js'
import type { PredictionLogQuery, PredictionRecord } from './read-prediction-log.js'

/** Where a Parquet prediction log lives, plus the store holding feedback labels. */
export interface ParquetLogLocation {
  /** The artifact store the log was written to (`file:///…`, `s3://…`). */
  artifactsUri: string
  /** Folder in the store (default `prediction-log`). */
  prefix?: string
  /** The metadata store holding feedback labels, to join them (optional). */
  feedbackStore?: MetadataStore
}

/**
 * Read a prediction log written as Parquet partitions (`<prefix>/<model>/date=YYYY-MM-DD/`):
 * only the partitions in the time range are read, with DuckDB; labels come from the feedback table
 * when a metadata store is given. Same records as `readPredictionLog`.
 */
export async function readParquetPredictionLog(
  location: ParquetLogLocation,
  query: Omit<PredictionLogQuery, 'pageSize'>,
): Promise<PredictionRecord[]> {
  const store = openArtifactStore(location.artifactsUri)
  const base = `${(location.prefix ?? 'prediction-log').replace(/\/+$/, '')}/${encodeURIComponent(query.model)}`
  const from = query.from === undefined ? undefined : +query.from
  const to = query.to === undefined ? undefined : +query.to
  const fromDay = from === undefined ? undefined : new Date(from).toISOString().slice(0, 10)
  const toDay = to === undefined ? undefined : new Date(to).toISOString().slice(0, 10)
  const scratch = await mkdtemp(join(tmpdir(), 'cairn-plog-read-'))
  const db = await DuckDBInstance.create(':memory:')
  const conn = await db.connect()
  try {
    const days = (await store.list(base).catch(() => []))
      .filter((e) => e.isDir)
      .map((e) => /date=(\d{4}-\d{2}-\d{2})$/.exec(e.path)?.[1])
      .filter((d): d is string => d !== undefined && (!fromDay || d >= fromDay) && (!toDay || d <= toDay))
    const files: string[] = []
    for (const day of days) {
      for (const f of await store.list(`${base}/date=${day}`)) {
        if (f.isDir || !f.path.endsWith('.parquet')) continue
        if (store instanceof LocalArtifactStore) files.push(fileURLToPath(store.uriFor(f.path)))
        else {
          const local = join(scratch, `${files.length}.parquet`)
          await store.getToFile(f.path, local)
          files.push(local)
        }
      }
    }
    if (files.length === 0) return []
    const where: string[] = []
    if (from !== undefined) where.push(`"timestamp" >= ${Math.floor(from)}`)
    if (to !== undefined) where.push(`"timestamp" < ${Math.floor(to)}`)
    if (query.version !== undefined) where.push(`version = ${sqlString(query.version)}`)
    if (query.variant !== undefined) where.push(`variant = ${sqlString(query.variant)}`)
    const sql = `SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false)
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY "timestamp", prediction_id
      ${query.limit !== undefined && !query.labelledOnly ? `LIMIT ${Math.floor(query.limit)}` : ''}`
    const rows = (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[]
    const labels = location.feedbackStore
      ? await feedbackFor(
          location.feedbackStore,
          rows.map((r) => String(r.prediction_id).replace(/\.shadow$/, '')),
        )
      : new Map<string, { label: string; timestamp: number }>()
    const out: PredictionRecord[] = []
    for (const r of rows) {
      const id = String(r.prediction_id)
      const truth = labels.get(id.replace(/\.shadow$/, ''))
      if (query.labelledOnly && !truth) continue
      out.push({
        predictionId: id,
        requestId: String(r.request_id),
        model: String(r.model),
        version: String(r.version),
        variant: r.variant as PredictionRecord['variant'],
        timestamp: Number(r.timestamp),
        latencyMs: Number(r.latency_ms),
        inputs: JSON.parse(String(r.inputs)) as Record<string, unknown>,
        prediction: (r.label as string | null) ?? (r.prediction === null ? null : Number(r.prediction)),
        probabilities: r.outputs ? (JSON.parse(String(r.outputs)) as Record<string, number>) : undefined,
        label: truth ? (JSON.parse(truth.label) as number | string | boolean) : undefined,
        labelTimestamp: truth?.timestamp,
      })
      if (query.limit !== undefined && out.length >= query.limit) break
    }
    return out
  } finally {
    conn.closeSync()
    db.closeSync()
    await store.close()
    await rm(scratch, { recursive: true, force: true })
  }
}

async function feedbackFor(
  store: MetadataStore,
  ids: string[],
): Promise<Map<string, { label: string; timestamp: number }>> {
  const out = new Map<string, { label: string; timestamp: number }>()
  const unique = [...new Set(ids)]
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await store.db
      .selectFrom('prediction_feedback')
      .select(['prediction_id', 'label', 'timestamp'])
      .where('prediction_id', 'in', unique.slice(i, i + 500))
      .execute()
    for (const r of rows) out.set(r.prediction_id, { label: r.label, timestamp: Number(r.timestamp) })
  }
  return out
}
