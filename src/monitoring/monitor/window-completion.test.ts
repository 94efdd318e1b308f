import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { takeRows } from '../../data/index.js'
import { createNotifiers, parseAlertRules } from '../alerts/index.js'
import { MonitorStore } from '../store/index.js'
import { startRecorder } from '../test-support/http-recorder.js'
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

  it('recomputes alert state from the complete window: a partial-window alert resolves, a holding one stays', async () => {
    const hook = await startRecorder()
    try {
      const state = { arrived: 100 }
      let clock = T0 + 15 * 60_000
      const store = new MonitorStore(ctx.store)
      const monitor = new Monitor({
        name: 'traffic',
        config: { window: '1h' },
        reference: { frame: reference },
        store,
        rules: parseAlertRules([
          { name: 'LowTraffic', when: 'rows < 200', notify: ['ops'] },
          { name: 'Traffic', when: 'rows > 50', notify: ['ops'] },
        ]),
        notifiers: createNotifiers({ ops: { type: 'webhook', url: `${hook.url}/alerts`, backoffMs: 1 } }),
        clock: () => clock,
      })
      const source = arrivingSource(state)
      const sent = () =>
        hook.requests.map((r) => {
          const b = r.body as { alert: string; status: string; value: number }
          return `${b.alert}:${b.status}:${b.value}`
        })
      const transitions = (rs: Awaited<ReturnType<Monitor['runWindows']>>) =>
        rs.flatMap((r) =>
          r.alerts.map((a) => `${a.rule}:${a.state}${a.transition ? `:${a.transition}` : ''}`),
        )

      // 15 minutes into the hour, `--now` closes it: 100 rows so far, both rules fire
      const early = await monitor.runWindows(source, { now: T0 + HOUR })
      expect(transitions(early)).toEqual(['LowTraffic:firing:firing', 'Traffic:firing:firing'])
      expect(sent()).toEqual(['LowTraffic:firing:100', 'Traffic:firing:100'])

      // after the hour, with all 400 rows: LowTraffic no longer holds and resolves; Traffic still
      // holds and stays firing without a second notification
      state.arrived = 400
      clock = T0 + HOUR + 60_000
      const again = await monitor.runWindows(source)
      expect(transitions(again)).toEqual(['LowTraffic:inactive:resolved', 'Traffic:firing'])
      expect(again[0]?.alerts.every((a) => a.reevaluated)).toBe(true)
      expect(sent()).toEqual(['LowTraffic:firing:100', 'Traffic:firing:100', 'LowTraffic:resolved:400'])
      const resolved = hook.requests[2]?.body as { startsAt: string; endsAt: string }
      expect(resolved.startsAt).toBe(new Date(T0).toISOString())
      expect(resolved.endsAt).toBe(new Date(clock).toISOString())

      const states = await store.alertStates('traffic')
      expect(states.map((s) => [s.rule, s.state, s.streak, s.lastValue, s.lastWindowEnd])).toEqual([
        ['LowTraffic', 'inactive', 0, 400, T0 + HOUR],
        ['Traffic', 'firing', 1, 400, T0 + HOUR],
      ])
      const events = await store.alertEvents({ monitor: 'traffic' })
      expect(events.map((e) => `${e.rule}:${e.status}`)).toEqual([
        'LowTraffic:resolved',
        'Traffic:firing',
        'LowTraffic:firing',
      ])
      expect(events[0]?.message).toContain('was evaluated again')

      // the window is done; the next one carries on from the complete window's state
      expect(await monitor.runWindows(source)).toEqual([])
      clock = T0 + 2 * HOUR + 60_000
      const next = await monitor.runWindows(source)
      expect(next.map((r) => r.result.rowCount)).toEqual([0])
      expect(transitions(next)).toEqual(['LowTraffic:firing:firing', 'Traffic:inactive:resolved'])
      expect(sent().slice(3)).toEqual(['LowTraffic:firing:0', 'Traffic:resolved:0'])
    } finally {
      await hook.close()
    }
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
