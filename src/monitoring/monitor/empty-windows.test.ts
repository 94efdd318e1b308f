import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Frame, makeFrame, takeRows } from '../../data/index.js'
import { createNotifiers, parseAlertRules } from '../alerts/index.js'
import { MonitorStore } from '../store/index.js'
import { syntheticFrame } from '../test-support/synthetic.js'
import { tempMetadataStore } from '../test-support/temp-store.js'
import { Monitor, type WindowSource } from './monitor.js'
import type { MonitorConfig } from './monitor-config.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 10, 22, 0)
const reference = syntheticFrame(2000, 1)
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

/** Windows served from a map of window start → frame (absent = no rows, with the columns). */
function mapSource(frames: Map<number, Frame>): WindowSource {
  return {
    read: async (w) => ({ frame: frames.get(w.start) ?? takeRows(reference, []) }),
    earliest: async () => Math.min(...frames.keys()),
  }
}

let ctx: Awaited<ReturnType<typeof tempMetadataStore>>
beforeEach(async () => {
  ctx = await tempMetadataStore()
})
afterEach(async () => {
  await ctx.cleanup()
})

function monitorOf(store: MonitorStore, name: string, config: MonitorConfig, clock: () => number) {
  return new Monitor({
    name,
    config,
    reference: { frame: reference },
    store,
    rules: parseAlertRules([
      { name: 'QualityFailures', when: 'quality_failures > 0', notify: ['log'] },
      { name: 'NoTraffic', when: 'no_data', notify: ['log'] },
    ]),
    notifiers: createNotifiers(),
    clock,
  })
}

describe('empty windows', () => {
  it('are "no data": no quality failure, and a quality alert neither fires nor resolves on them', async () => {
    const bad = takeRows(reference, range(0, 400))
    const age = bad.columns.find((c) => c.name === 'age') as { values: Float64Array }
    age.values = age.values.map((v) => v + 1000)
    const frames = new Map<number, Frame>([
      [T0, bad],
      [T0 + 2 * HOUR, makeFrame([])], // a source that knows no columns without rows
      [T0 + 3 * HOUR, takeRows(reference, range(400, 800))],
    ])
    const store = new MonitorStore(ctx.store)
    const monitor = monitorOf(store, 'm', { window: '1h' }, () => T0 + 5 * HOUR)
    const results = await monitor.runWindows(mapSource(frames), { now: T0 + 4 * HOUR })
    expect(results.map((r) => [r.result.status, r.result.rowCount, r.result.quality.failures])).toEqual([
      ['ok', 400, 1],
      ['empty', 0, 0],
      ['empty', 0, 0],
      ['ok', 400, 0],
    ])
    expect(results[0]?.result.quality.checks.filter((c) => c.status === 'fail').map((c) => c.check)).toEqual([
      'out_of_range',
    ])
    for (const r of results.slice(1, 3)) {
      expect(r.result.drift).toBeNull()
      expect(r.result.quality.checks).toEqual([
        expect.objectContaining({ check: 'volume', status: 'warn', observed: 0 }),
      ])
    }
    const transitions = results.map((r) =>
      r.alerts
        .filter((a) => a.transition)
        .map((a) => `${a.rule} ${a.transition}`)
        .join(', '),
    )
    expect(transitions).toEqual([
      'QualityFailures firing',
      'NoTraffic firing', // QualityFailures stays firing: no data is not good data
      '',
      'QualityFailures resolved, NoTraffic resolved',
    ])
    const runs = await store.listRuns('m')
    expect(runs.map((r) => [r.status, r.rowCount, r.qualityFailures])).toEqual([
      ['ok', 400, 1],
      ['empty', 0, 0],
      ['empty', 0, 0],
      ['ok', 400, 0],
    ])
  })

  it('fail the volume check when the monitor asks for a volume', async () => {
    const frames = new Map<number, Frame>([[T0, takeRows(reference, range(0, 400))]])
    const store = new MonitorStore(ctx.store)
    const monitor = monitorOf(
      store,
      'strict',
      { window: '1h', quality: { volume: { maxChange: 0.5 } } },
      () => T0 + 5 * HOUR,
    )
    const results = await monitor.runWindows(mapSource(frames), { now: T0 + 2 * HOUR })
    expect(results.map((r) => r.result.quality.failures)).toEqual([0, 1])
    expect(results[1]?.result.quality.checks).toEqual([
      expect.objectContaining({ check: 'volume', status: 'fail', observed: 0, expected: '200–600 rows' }),
    ])
    expect(results[1]?.alerts.find((a) => a.rule === 'QualityFailures')?.transition).toBe('firing')
  })
})
