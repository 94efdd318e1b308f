import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import SQLite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresDatabase, useService } from '../../../test/support/use-service.js'
import { isCairnError } from '../../core/index.js'
import type { Signature } from '../../ml/index.js'
import { type MetadataStore, openMetadataStore } from '../../store/index.js'
import { ServingMetrics } from '../metrics/serving-metrics.js'
import { recordFeedback } from './feedback.js'
import { formatPredictionId, VARIANT_CODE } from './log-layout.js'
import { PredictionLog } from './prediction-log.js'
import { readParquetPredictionLog } from './read-parquet-log.js'
import { countPredictionLog, readPredictionLog } from './read-prediction-log.js'

const signature: Signature = {
  inputs: [
    { name: 'x', type: 'number', nullable: true },
    { name: 'n', type: 'integer', nullable: false },
    { name: 'flag', type: 'boolean', nullable: false },
    { name: 'at', type: 'datetime', nullable: true },
    { name: 'city', type: 'category', nullable: true, categories: ['Paris', 'Lyon'] },
    { name: 'note', type: 'string', nullable: true },
  ],
  output: { task: 'binary', name: 'y', classes: ['no', 'yes'] },
}
const at = Date.parse('2026-11-22T10:00:00Z')
/** Rows as the server hands them to the log: validated and normalised. */
const normalised = [
  { x: 1.5, n: 3, flag: 1, at, city: 'Lyon', note: 'a "quoted" note' },
  { x: Number.NaN, n: 4, flag: 0, at: Number.NaN, city: null, note: null },
]

async function logAndRead(uri: string, store: MetadataStore): Promise<void> {
  const metrics = new ServingMetrics({ processMetrics: false })
  const log = await PredictionLog.open({ sink: { kind: 'store', uri }, metrics, chunkRows: 4 })
  const w = log.writer('churn', '7', signature)
  const probs = Float64Array.from([0.2, 0.8])
  expect(w.appendRow(normalised[0] as never, 1, probs, 1, 1, at, 1.25, 0)).toBe(true)
  const result = { values: Float64Array.from([0, 1]), probabilities: Float64Array.from([0.9, 0.1, 0.3, 0.7]) }
  expect(w.appendBatch(normalised, result, 2, at + 1, 2.5, VARIANT_CODE.canary)).toBe(2)
  expect(w.appendBatch(normalised.slice(0, 1), result, 2, at + 2, 0.5, VARIANT_CODE.shadow)).toBe(1)
  await log.flush()
  expect(log.writtenRows).toBe(4)
  expect(log.queuedRows).toBe(0)
  await log.close()

  const rows = await readPredictionLog(store, { model: 'churn' })
  expect(rows.map((r) => r.predictionId)).toEqual([
    formatPredictionId(log.idPrefix, 1),
    formatPredictionId(log.idPrefix, 2),
    formatPredictionId(log.idPrefix, 3),
    `${formatPredictionId(log.idPrefix, 2)}.shadow`,
  ])
  const [first, second, third, shadow] = rows
  expect(first).toMatchObject({
    model: 'churn',
    version: '7',
    variant: 'champion',
    timestamp: at,
    latencyMs: 1.25,
    inputs: {
      x: 1.5,
      n: 3,
      flag: true,
      at: '2026-11-22T10:00:00.000Z',
      city: 'Lyon',
      note: 'a "quoted" note',
    },
    prediction: 'yes',
    probabilities: { no: 0.2, yes: 0.8 },
    label: undefined,
  })
  expect(second?.inputs).toEqual({
    x: 1.5,
    n: 3,
    flag: true,
    at: '2026-11-22T10:00:00.000Z',
    city: 'Lyon',
    note: 'a "quoted" note',
  })
  expect(third).toMatchObject({
    variant: 'canary',
    requestId: formatPredictionId(log.idPrefix, 2),
    inputs: { x: null, n: 4, flag: false, at: null, city: null, note: null },
    prediction: 'yes',
  })
  expect(shadow?.variant).toBe('shadow')

  // Feedback: unknown ids store nothing; known ids join, shadows get their champion's label.
  const id2 = formatPredictionId(log.idPrefix, 2)
  const err = await recordFeedback(store, [
    { predictionId: id2, label: 'yes' },
    { predictionId: 'nope', label: 'no' },
  ]).catch((e) => e)
  expect(isCairnError(err, 'CAIRN_PREDICTION_NOT_FOUND')).toBe(true)
  expect(await readPredictionLog(store, { model: 'churn', labelledOnly: true })).toHaveLength(0)
  await recordFeedback(store, [{ predictionId: id2, label: 'no' }])
  await recordFeedback(store, [{ predictionId: id2, label: 'yes', timestamp: at + 99 }])
  const labelled = await readPredictionLog(store, { model: 'churn', labelledOnly: true })
  expect(labelled.map((r) => [r.predictionId, r.label, r.labelTimestamp])).toEqual([
    [id2, 'yes', at + 99],
    [`${id2}.shadow`, 'yes', at + 99],
  ])
  expect(await countPredictionLog(store, { model: 'churn', variant: 'canary' })).toBe(2)
  expect(await readPredictionLog(store, { model: 'churn', from: at + 1, to: at + 2 })).toHaveLength(2)
  expect(await readPredictionLog(store, { model: 'churn', limit: 3, pageSize: 2 })).toHaveLength(3)
  expect(await readPredictionLog(store, { model: 'other' })).toHaveLength(0)
}

describe('prediction log on SQLite', () => {
  let dir: string
  let uri: string
  let store: MetadataStore
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-plog-'))
    uri = `sqlite:///${join(dir, 'cairn.db')}`
    store = await openMetadataStore(uri)
  })
  afterAll(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('writes every row off the request path and reads it back joined with feedback', async () => {
    await logAndRead(uri, store)
  })

  it('applies back-pressure while the store is locked and drops (counted) only after the wait times out', async () => {
    const metrics = new ServingMetrics({ processMetrics: false })
    const log = await PredictionLog.open({
      sink: { kind: 'store', uri },
      metrics,
      chunkRows: 2,
      maxQueuedRows: 4,
      flushIntervalMs: 10,
      backpressureTimeoutMs: 300,
    })
    const w = log.writer('bp', '1', signature)
    const lock = new SQLite(join(dir, 'cairn.db'), { timeout: 5000 })
    lock.exec('BEGIN EXCLUSIVE')
    const row = normalised[0] as never
    let seq = 1
    const appended: boolean[] = []
    for (let i = 0; i < 6; i++) appended.push(w.appendRow(row, 0, undefined, seq, seq++, at, 1, 0))
    expect(appended).toEqual([true, true, true, true, false, false])
    // Waits for room: released in time, nothing is lost.
    const waiting = w.appendRowLater(row, 0, undefined, seq, seq++, at, 1, 0)
    await new Promise((r) => setTimeout(r, 100))
    lock.exec('COMMIT')
    await waiting
    await log.flush()
    expect(log.droppedRows).toBe(0)
    expect(await countPredictionLog(store, { model: 'bp' })).toBe(5)
    // Locked for longer than the wait: the row is dropped and counted.
    lock.exec('BEGIN EXCLUSIVE')
    for (let i = 0; i < 4; i++) w.appendRow(row, 0, undefined, seq, seq++, at, 1, 0)
    await new Promise((r) => setTimeout(r, 50))
    await w.appendRowLater(row, 0, undefined, seq, seq++, at, 1, 0)
    expect(log.droppedRows).toBe(1)
    expect((await metrics.registry.metrics()).includes('cairn_prediction_log_dropped_total 1')).toBe(true)
    lock.exec('COMMIT')
    lock.close()
    await log.close()
    expect(await countPredictionLog(store, { model: 'bp' })).toBe(9)
  })

  it('refuses an in-memory database with a clear error', async () => {
    const err = await PredictionLog.open({ sink: { kind: 'store', uri: 'sqlite::memory:' } }).catch((e) => e)
    expect(isCairnError(err, 'CAIRN_STORE_UNAVAILABLE')).toBe(true)
    expect((err as Error).message).toContain('in-memory')
  })
})

const pg = useService('postgres')
describe.skipIf(pg.skip)('prediction log on PostgreSQL', () => {
  it('writes, reads and joins feedback the same way', async () => {
    const uri = await createPostgresDatabase(pg.require())
    const store = await openMetadataStore(uri)
    try {
      await logAndRead(uri, store)
    } finally {
      await store.close()
    }
  })
})

describe('prediction log as Parquet partitions', () => {
  it('writes files by model and date that DuckDB reads back in full', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-plog-pq-'))
    try {
      const uri = pathToFileURL(join(dir, 'artifacts')).href
      const log = await PredictionLog.open({ sink: { kind: 'parquet', uri, rowsPerFile: 3 }, chunkRows: 2 })
      const w = log.writer('churn model', '2', signature)
      const result = {
        values: Float64Array.from([1, 0]),
        probabilities: Float64Array.from([0.4, 0.6, 0.7, 0.3]),
      }
      for (let i = 0; i < 5; i++) w.appendBatch(normalised, result, 1 + 2 * i, at + i, 1, 0)
      await log.close()
      const folder = join(dir, 'artifacts/prediction-log/churn%20model/date=2026-11-22')
      const files = (await readdir(folder)).filter((f) => f.endsWith('.parquet'))
      expect(files.length).toBeGreaterThanOrEqual(2)
      const db = await DuckDBInstance.create(':memory:')
      const conn = await db.connect()
      const reader = await conn.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT prediction_id)::INTEGER AS ids, max(label) AS label FROM read_parquet('${folder}/*.parquet')`,
      )
      expect(reader.getRowObjectsJS()[0]).toEqual({ n: 10, ids: 10, label: 'yes' })
      conn.closeSync()
      db.closeSync()
      // The typed reader: partitions in range, time order, labels joined from the feedback table.
      const feedbackStore = await openMetadataStore(`sqlite:///${join(dir, 'cairn.db')}`)
      try {
        const first = formatPredictionId(log.idPrefix, 1)
        await recordFeedback(feedbackStore, [{ predictionId: first, label: 'no' }], { verify: false })
        const rows = await readParquetPredictionLog(
          { artifactsUri: uri, feedbackStore },
          { model: 'churn model', from: at, to: at + 3 },
        )
        expect(rows).toHaveLength(6)
        expect(rows[0]).toMatchObject({ predictionId: first, prediction: 'yes', label: 'no', version: '2' })
        expect(rows[1]?.inputs).toEqual({ x: null, n: 4, flag: false, at: null, city: null, note: null })
        const labelled = await readParquetPredictionLog(
          { artifactsUri: uri, feedbackStore },
          { model: 'churn model', labelledOnly: true },
        )
        expect(labelled.map((r) => r.predictionId)).toEqual([first])
        expect(
          await readParquetPredictionLog(
            { artifactsUri: uri },
            { model: 'churn model', from: at + 86_400_000 },
          ),
        ).toEqual([])
      } finally {
        await feedbackStore.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
