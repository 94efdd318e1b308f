import type { MetadataStore, PredictionLogTable } from '../../../store/index.js'
import { openMetadataStore } from '../../../store/index.js'
import type { LogSink } from './log-sink.js'

const ROWS_PER_STATEMENT = 500

/** Writes rows to the metadata store's `prediction_log` table, one transaction per batch. */
export async function openStoreSink(uri: string): Promise<LogSink> {
  const store: MetadataStore = await openMetadataStore(uri)
  return {
    async write(rows) {
      if (rows.length === 0) return
      await store.transaction(async (trx) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
          await trx
            .insertInto('prediction_log')
            .values(rows.slice(i, i + ROWS_PER_STATEMENT) as PredictionLogTable[])
            .onConflict((oc) => oc.column('prediction_id').doNothing())
            .execute()
        }
      })
    },
    async flush() {},
    close: () => store.close(),
  }
}
