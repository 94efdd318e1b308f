import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { takeRows } from '../../data/index.js'
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

describe('a window evaluated before its end', () => {
  /** 400 rows spread over the first hour, of which only `arrived` have been logged. */
  function arrivingSource(state: { arrived: number }): WindowSource {
    const ts = range(0, 400).map((i) => T0 + i * 9000)
    return {
      read: async (w) => ({
        frame: takeRows(
          reference,
          range(0, state.arrived).filter((i) => (ts[i] as number) >= w.start && (ts[i] as number) < w.end),
        ),
      }),
      earliest: async () => T0,
    }
  }

  it('is evaluated again on the next run, so rows that arrive later in it are seen', async () => {
    const state = { arrived: 100 }
    let clock = T0 + 15 * 60_000
    const store = new MonitorStore(ctx.store)
    const monitor = monitorOf(store, 'live', { window: '1h' }, () => clock)
    const source = arrivingSource(state)
    // `--now` at the end of the current window closes it early
    const early = await monitor.runWindows(source, { now: T0 + HOUR })
    expect(early.map((r) => [r.result.window.label, r.result.rowCount])).toEqual([
      ['2026-11-22T00:00Z/1h', 100],
    ])

    state.arrived = 400
    clock = T0 + HOUR + 60_000
    const again = await monitor.runWindows(source)
    expect(again.map((r) => [r.result.window.label, r.result.rowCount])).toEqual([
      ['2026-11-22T00:00Z/1h', 400],
    ])
    // the store kept one result for the window: the later one
    expect((await store.listRuns('live')).map((r) => [r.windowStart, r.rowCount])).toEqual([[T0, 400]])
    // now it is done
    expect(await monitor.runWindows(source)).toEqual([])
  })

  it('counts the lag: a window is done only when evaluated after its end plus the lag', async () => {
    const state = { arrived: 400 }
    let clock = T0 + HOUR + 5 * 60_000
    const store = new MonitorStore(ctx.store)
    const monitor = monitorOf(store, 'lagged', { window: '1h', lag: '10m' }, () => clock)
    const source = arrivingSource(state)
    expect(await monitor.runWindows(source)).toEqual([])
    expect(await monitor.runWindows(source, { now: T0 + HOUR + 10 * 60_000 })).toHaveLength(1)
    clock = T0 + HOUR + 11 * 60_000
    expect((await monitor.runWindows(source)).map((r) => r.result.rowCount)).toEqual([400])
    expect(await monitor.runWindows(source)).toEqual([])
  })
})
