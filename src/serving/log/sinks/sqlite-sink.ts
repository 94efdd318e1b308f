import SQLite from 'better-sqlite3'
import { CairnError, parseStoreUri } from '../../../core/index.js'
import { openMetadataStore, type PredictionLogTable } from '../../../store/index.js'
import type { LogSink } from './log-sink.js'

const INSERT = `INSERT OR IGNORE INTO prediction_log
  (prediction_id, request_id, model, version, variant, timestamp, latency_ms, inputs, prediction, label, outputs)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

/**
 * The SQLite fast path of the store sink: the metadata store is opened once to migrate it, then
 * rows go through one prepared statement in a `BEGIN IMMEDIATE` transaction per batch on a
 * connection of the writer thread's own (WAL mode, so readers are never blocked). It writes the
 * same table as the generic store sink, several times faster than building SQL per batch.
 */
export async function openSqliteSink(uri: string): Promise<LogSink> {
  const store = await openMetadataStore(uri)
  await store.close()
  const loc = parseStoreUri(uri)
  if (loc.scheme !== 'sqlite' || loc.path === ':memory:') {
    throw new CairnError(
      'CAIRN_UNSUPPORTED_URI',
      'The prediction log needs a SQLite file, not an in-memory database',
      {
        hint: 'Use sqlite:///path/to/cairn.db (an in-memory database cannot be shared with the writer thread)',
      },
    )
  }
  const db = new SQLite(loc.path, { timeout: 30_000 })
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  const stmt = db.prepare(INSERT)
  const insertAll = db.transaction((rows: PredictionLogTable[]) => {
    for (const r of rows) {
      stmt.run(
        r.prediction_id,
        r.request_id,
        r.model,
        r.version,
        r.variant,
        r.timestamp,
        r.latency_ms,
        r.inputs,
        r.prediction,
        r.label,
        r.outputs,
      )
    }
  })
  return {
    async write(rows) {
      if (rows.length > 0) insertAll.immediate(rows)
    },
    async flush() {},
    async close() {
      db.close()
    },
  }
}
