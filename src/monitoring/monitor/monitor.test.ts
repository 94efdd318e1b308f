import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Frame, makeFrame, numericColumn } from '../../data/index.js'
import { createNotifiers, parseAlertRules } from '../alerts/index.js'
import { MonitorStore } from '../store/index.js'
import { startRecorder } from '../test-support/http-recorder.js'
import { type SyntheticColumn, syntheticFrame } from '../test-support/synthetic.js'
import { tempMetadataStore } from '../test-support/temp-store.js'
import { frameWindowSource } from './frame-source.js'
import { Monitor } from './monitor.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 10, 22, 0)
const SHIFT: SyntheticColumn[] = ['age', 'score', 'plan', 'region', 'visits', 'tenure']

/** Hourly windows of live data: 2,000 rows each, windows 2–4 shifted, with a time column. */
function liveData(): Frame {
  const parts = [0, 1, 2, 3, 4, 5].map((w) => syntheticFrame(2000, 100 + w, w >= 2 && w <= 4 ? SHIFT : []))
  const rows = parts.reduce((s, p) => s + p.rowCount, 0)
  const ts = new Float64Array(rows)
  let k = 0
  parts.forEach((p, w) => {
    for (let i = 0; i < p.rowCount; i++) ts[k++] = T0 + w * HOUR + (i * HOUR) / p.rowCount
  })
  const columns = (parts[0] as Frame).columns.map((c, j) => {
    if (c.type === 'category') {
      const values = parts.flatMap((p) => {
        const col = p.columns[j]
        if (col?.type !== 'category') throw new Error('shape')
        return Array.from(col.codes, (code) => (code < 0 ? null : (col.categories[code] as string)))
      })
      return { name: c.name, type: 'category' as const, ...categoryCodes(values) }
    }
    if (c.type === 'text' || c.type === 'string') {
      return {
        name: c.name,
        type: c.type,
        values: parts.flatMap((p) => (p.columns[j] as { values: (string | null)[] }).values),
      }
    }
    const out = new Float64Array(rows)
    let o = 0
    for (const p of parts) {
      out.set((p.columns[j] as { values: Float64Array }).values, o)
      o += p.rowCount
    }
    return { name: c.name, type: c.type, values: out }
  })
  return makeFrame([...columns, numericColumn('ts', ts, 'datetime')] as Frame['columns'][number][])
}

function categoryCodes(values: (string | null)[]): { codes: Int32Array; categories: string[] } {
  const categories: string[] = []
  const index = new Map<string, number>()
  const codes = Int32Array.from(values, (v) => {
    if (v === null) return -1
    let c = index.get(v)
    if (c === undefined) {
      c = categories.length
      categories.push(v)
      index.set(v, c)
    }
    return c
  })
  return { codes, categories }
}

describe('Monitor over time windows', () => {
  let ctx: Awaited<ReturnType<typeof tempMetadataStore>>
  beforeEach(async () => {
    ctx = await tempMetadataStore()
  })
  afterEach(async () => {
    await ctx.cleanup()
  })

  it('stores each hourly window, flags the shifted ones and alerts once per episode', async () => {
    const hook = await startRecorder()
    try {
      const store = new MonitorStore(ctx.store)
      const monitor = new Monitor({
        name: 'customers',
        config: { window: '1h', timestamp: 'ts', model: 'churn' },
        reference: { frame: syntheticFrame(5000, 7) },
        store,
        rules: parseAlertRules([
          { name: 'DatasetDrift', when: 'dataset_drift for 2 windows', notify: ['hook'] },
        ]),
        notifiers: createNotifiers({ hook: { type: 'webhook', url: hook.url } }),
        clock: () => T0 + 7 * HOUR,
      })
      const source = frameWindowSource(liveData(), 'ts')
      const first = await monitor.runWindows(source, { now: T0 + 4 * HOUR + 1 })
      expect(first.map((r) => r.result.window.label)).toEqual([
        '2026-11-22T00:00Z/1h',
        '2026-11-22T01:00Z/1h',
        '2026-11-22T02:00Z/1h',
        '2026-11-22T03:00Z/1h',
      ])
      const rest = await monitor.runWindows(source, { now: T0 + 6 * HOUR })
      expect(rest).toHaveLength(2)
      const all = [...first, ...rest]
      expect(all.map((r) => r.result.drift?.datasetDrift)).toEqual([false, false, true, true, true, false])
      for (const r of all.slice(2, 5)) {
        const flagged = r.result.drift?.columns.filter((c) => c.drifted).map((c) => c.column)
        expect(flagged?.sort()).toEqual([...SHIFT].sort())
      }
      expect(all.map((r) => r.alerts[0]?.transition ?? '-')).toEqual([
        '-',
        '-',
        '-',
        'firing',
        '-',
        'resolved',
      ])
      expect(hook.requests.map((r) => (r.body as { status: string }).status)).toEqual(['firing', 'resolved'])
      expect(all[1]?.result.quality.checks.find((c) => c.check === 'volume')).toMatchObject({
        status: 'pass',
        observed: 2000,
      })

      const runs = await store.listRuns('customers')
      expect(runs).toHaveLength(6)
      expect(runs.map((r) => r.datasetDrift)).toEqual([false, false, true, true, true, false])
      const age = await store.series('customers', 'drift', { names: ['age'] })
      expect(age.map((p) => p.flagged)).toEqual([false, false, true, true, true, false])
      expect(age.every((p) => p.test === 'wasserstein' && p.threshold === 0.1)).toBe(true)
      const stored = await store.getResult(runs[3]?.runId as string)
      expect(
        stored.drift?.columns.find((c) => c.column === 'age')?.distribution?.edges?.length,
      ).toBeGreaterThan(5)

      expect(await monitor.runWindows(source, { now: T0 + 6 * HOUR })).toEqual([])
    } finally {
      await hook.close()
    }
  })

  it('reports empty windows without a drift verdict, and insufficient ones', async () => {
    const store = new MonitorStore(ctx.store)
    const monitor = new Monitor({
      name: 'sparse',
      config: { window: '1h', minRows: 50 },
      reference: { frame: syntheticFrame(500, 1) },
      store,
      rules: parseAlertRules([{ name: 'NoData', when: 'no_data', notify: ['log'] }]),
      notifiers: createNotifiers(),
    })
    const empty = await monitor.runBatch({ frame: syntheticFrame(0, 2) }, 'empty batch')
    expect(empty.result).toMatchObject({ status: 'empty', drift: null, rowCount: 0 })
    expect(empty.alerts[0]).toMatchObject({ transition: 'firing' })
    const few = await monitor.runBatch({ frame: syntheticFrame(10, 3) }, 'few', Date.now() + 1)
    expect(few.result).toMatchObject({ status: 'insufficient', drift: null, rowCount: 10 })
    expect(few.alerts[0]).toMatchObject({ transition: 'resolved' })
  })
})
