import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresDatabase, useService } from '../../../../test/support/use-service.js'
import { type MetadataStore, openMetadataStore } from '../../../store/index.js'
import { windowLabels } from './window-labels.js'

/** The label is read from the stored result JSON in SQL, which differs by dialect. */
function labelsContract(
  name: string,
  open: () => Promise<{ store: MetadataStore; cleanup(): Promise<void> }>,
) {
  describe(`window labels on ${name}`, () => {
    let store: MetadataStore
    let cleanup: () => Promise<void>

    beforeAll(async () => {
      ;({ store, cleanup } = await open())
      await store.db
        .insertInto('monitors')
        .values({
          name: 'flights',
          model: 'flights-delay',
          config: '{}',
          reference_path: null,
          reference_rows: null,
          creation_time: 1,
          last_updated_time: 1,
        })
        .execute()
      const window = (label: string | undefined) => ({ start: 0, end: 1, ...(label ? { label } : {}) })
      const runs: [string, string][] = [
        ['r1', JSON.stringify({ window: window('2001-03-15') })],
        ['r2', JSON.stringify({ window: window('2001-03-16 (storm injected)') })],
        ['r3', JSON.stringify({ window: window(undefined) })],
      ]
      for (const [i, [runId, result]] of runs.entries())
        await store.db
          .insertInto('monitor_runs')
          .values({
            run_id: runId,
            monitor: 'flights',
            window_start: i,
            window_end: i + 1,
            kind: 'window',
            status: 'ok',
            start_time: 1,
            end_time: 1,
            row_count: 10,
            labelled_rows: 0,
            dataset_drift: null,
            drift_share: null,
            drifted_columns: 0,
            evaluated_columns: 0,
            quality_failures: 0,
            prediction_drift: null,
            result,
          })
          .execute()
    })
    afterAll(async () => {
      await cleanup?.()
    })

    it("reads each window's label, and none for windows without one", async () => {
      const labels = await windowLabels(store, ['r1', 'r2', 'r3', 'unknown'])
      expect(Object.fromEntries(labels)).toEqual({ r1: '2001-03-15', r2: '2001-03-16 (storm injected)' })
      expect((await windowLabels(store, [])).size).toBe(0)
    })
  })
}

labelsContract('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-labels-'))
  const store = await openMetadataStore(`sqlite:///${join(dir, 'cairn.db')}`)
  return {
    store,
    cleanup: async () => {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
})

const pg = useService('postgres')
describe.skipIf(pg.skip)('PostgreSQL', () => {
  labelsContract('PostgreSQL', async () => {
    const store = await openMetadataStore(await createPostgresDatabase(pg.require()))
    return { store, cleanup: () => store.close() }
  })
})
