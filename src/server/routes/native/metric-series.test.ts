import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresDatabase, useService } from '../../../../test/support/use-service.js'
import { type MetadataStore, openArtifactStore, openMetadataStore } from '../../../store/index.js'
import { DEFAULT_EXPERIMENT, StoreTrackingClient } from '../../../tracking/index.js'
import { readMetricSeries } from './run-views.js'

/** The same downsampling checks on each metadata store (the bucket SQL differs by dialect). */
function seriesContract(
  name: string,
  open: () => Promise<{ store: MetadataStore; cleanup(): Promise<void> }>,
) {
  describe(`metric series on ${name}`, () => {
    let store: MetadataStore
    let cleanup: () => Promise<void>
    let dir: string
    let runId: string
    const values: number[] = []

    beforeAll(async () => {
      ;({ store, cleanup } = await open())
      dir = await mkdtemp(join(tmpdir(), 'cairn-series-'))
      const artifacts = openArtifactStore(pathToFileURL(dir).href)
      const tracking = new StoreTrackingClient({ metadata: store, artifacts })
      const run = await tracking.createRun({ experimentId: DEFAULT_EXPERIMENT.id })
      runId = run.info.runId
      for (let s = 0; s < 5000; s += 1000) {
        const metrics = []
        for (let i = s; i < s + 1000; i++) {
          const v = i === 2500 ? Number.NaN : Math.sin(i / 50) + (i % 7) / 10
          values[i] = v
          metrics.push({ key: 'loss', value: v, step: i, timestamp: 1_700_000_000_000 + i * 10 })
        }
        await tracking.logBatch(runId, { metrics })
      }
      await tracking.close()
      await artifacts.close()
    })

    afterAll(async () => {
      await cleanup?.()
      if (dir) await rm(dir, { recursive: true, force: true })
    })

    it('buckets steps into means with min and max, skipping NaN', async () => {
      const s = await readMetricSeries(store.db, runId, 'loss', { maxPoints: 100, x: 'step' })
      expect(s.total).toBe(5000)
      expect(s.downsampled).toBe(true)
      expect(s.xs).toHaveLength(100)
      expect(s.xs.slice(0, 3)).toEqual([0, 50, 100])
      for (const b of [0, 50, 99]) {
        const bucket = values.slice(b * 50, b * 50 + 50).filter((v) => !Number.isNaN(v))
        expect(s.ys[b]).toBeCloseTo(bucket.reduce((a, v) => a + v, 0) / bucket.length, 9)
        expect(s.mins?.[b]).toBeCloseTo(Math.min(...bucket), 12)
        expect(s.maxs?.[b]).toBeCloseTo(Math.max(...bucket), 12)
      }
    })

    it('returns raw points (NaN as null) for a small range, by time as well', async () => {
      const s = await readMetricSeries(store.db, runId, 'loss', {
        maxPoints: 100,
        x: 'step',
        from: 2450,
        to: 2549,
      })
      expect(s.downsampled).toBe(false)
      expect(s.xs).toHaveLength(100)
      expect(s.ys[50]).toBeNull()
      const t = await readMetricSeries(store.db, runId, 'loss', {
        maxPoints: 10,
        x: 'time',
        from: 1_700_000_000_000,
        to: 1_700_000_000_990,
      })
      expect(t.total).toBe(100)
      expect(t.xs).toHaveLength(10)
      expect(t.xs[1]! - t.xs[0]!).toBe(100)
    })

    it('answers an unknown key with an empty series', async () => {
      const s = await readMetricSeries(store.db, runId, 'nope', { maxPoints: 100, x: 'step' })
      expect(s).toMatchObject({ total: 0, xs: [], ys: [], downsampled: false })
    })
  })
}

seriesContract('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-series-db-'))
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
  seriesContract('PostgreSQL', async () => {
    const store = await openMetadataStore(await createPostgresDatabase(pg.require()))
    return { store, cleanup: () => store.close() }
  })
})
