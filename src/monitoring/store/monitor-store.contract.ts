import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MetadataStore } from '../../store/index.js'
import { evaluateAlerts } from '../alerts/alert-engine.js'
import { parseAlertRules } from '../alerts/alert-rule.js'
import { createNotifiers } from '../alerts/notifiers/create-notifiers.js'
import { Monitor } from '../monitor/monitor.js'
import { fakeResult } from '../test-support/results.js'
import { syntheticFrame } from '../test-support/synthetic.js'
import { MonitorStore } from './monitor-store.js'

/** What every metadata-store backend must do for monitoring. */
export function monitorStoreContract(
  name: string,
  open: () => Promise<{ store: MetadataStore; cleanup(): Promise<void> }>,
) {
  describe(`MonitorStore on ${name}`, () => {
    let ctx: Awaited<ReturnType<typeof open>>
    let store: MonitorStore
    beforeEach(async () => {
      ctx = await open()
      store = new MonitorStore(ctx.store)
    })
    afterEach(async () => {
      await ctx.cleanup()
    })

    it('stores windows whole, replaces a re-evaluated window, and serves time series', async () => {
      const monitor = new Monitor({
        name: 'm',
        config: { model: 'churn' },
        reference: { frame: syntheticFrame(1200, 1) },
        store,
      })
      await monitor.runBatch({ frame: syntheticFrame(600, 2) }, 'b1', 1_700_000_000_000)
      await monitor.runBatch({ frame: syntheticFrame(600, 3, ['age']) }, 'b2', 1_700_000_100_000)
      const again = await monitor.runBatch(
        { frame: syntheticFrame(700, 4, ['age']) },
        'b2 again',
        1_700_000_100_000,
      )
      const runs = await store.listRuns('m')
      expect(runs.map((r) => [r.windowEnd, r.rowCount])).toEqual([
        [1_700_000_000_000, 600],
        [1_700_000_100_000, 700],
      ])
      expect(runs[1]?.runId).toBe(again.result.runId)
      expect((await store.getResult(again.result.runId)).window.label).toBe('b2 again')
      const age = await store.series('m', 'drift', { names: ['age'] })
      expect(age.map((p) => p.flagged)).toEqual([false, true])
      expect(typeof age[0]?.windowStart).toBe('number')
      expect((await store.series('m', 'dataset', { names: ['rows'] })).map((p) => p.value)).toEqual([
        600, 700,
      ])
      expect(await store.expectedRows('m', 2_000_000_000_000, 7, 'batch')).toBe(650)
      expect((await store.getMonitor('m')).model).toBe('churn')
      expect((await store.listMonitors()).map((x) => x.name)).toEqual(['m'])
      await expect(store.getMonitor('nope')).rejects.toMatchObject({ code: 'CAIRN_MONITOR_NOT_FOUND' })
    })

    it('knows the last window that was complete when evaluated (after its end plus the lag)', async () => {
      expect(await store.lastCompleteWindow('housing')).toBeUndefined()
      const w0 = fakeResult(0) // evaluated 1 s after its end
      const w1 = fakeResult(1)
      const early = { ...w1, runId: 'run-1-early', evaluatedAt: w1.window.end - 60_000 } // `now` ahead of the clock
      await store.saveResult(w0)
      await store.saveResult(early)
      expect((await store.lastRun('housing', 'window'))?.windowEnd).toBe(w1.window.end)
      expect((await store.lastCompleteWindow('housing'))?.windowEnd).toBe(w0.window.end)
      expect(await store.lastCompleteWindow('housing', 5000)).toBeUndefined()
      await store.saveResult(w1)
      expect((await store.lastCompleteWindow('housing'))?.runId).toBe(w1.runId)
      expect((await store.listRuns('housing')).map((r) => r.runId)).toEqual([w0.runId, w1.runId])
    })

    it('keeps alert state and events across windows', async () => {
      const rules = parseAlertRules([{ name: 'Drift', when: 'dataset_drift for 2 windows', notify: ['log'] }])
      const notifiers = createNotifiers()
      const seen: (string | null)[] = []
      for (const [i, d] of [true, true, true, false].entries()) {
        const [o] = await evaluateAlerts(store, rules, fakeResult(i, { drift: d }), notifiers)
        seen.push(o?.transition ?? null)
      }
      expect(seen).toEqual([null, 'firing', null, 'resolved'])
      const [state] = await store.alertStates('housing')
      expect(state).toMatchObject({ state: 'inactive', streak: 0, lastWindowEnd: fakeResult(3).window.end })
      expect((await store.alertEvents({ monitor: 'housing' })).map((e) => e.status)).toEqual([
        'resolved',
        'firing',
      ])
    })

    it('re-applies a window evaluated again from the alert state kept before it', async () => {
      const rules = parseAlertRules([{ name: 'Drift', when: 'dataset_drift for 2 windows', notify: ['log'] }])
      const notifiers = createNotifiers()
      const step = async (i: number, drift: boolean) => {
        const [o] = await evaluateAlerts(store, rules, fakeResult(i, { drift }), notifiers, 1_000 + i)
        return `${o?.state}${o?.transition ? `:${o.transition}` : ''}${o?.reevaluated ? ' (again)' : ''}`
      }
      expect([await step(0, true), await step(1, true), await step(2, true)]).toEqual([
        'pending',
        'firing:firing',
        'firing',
      ])
      // window 1 again, without drift: the state before it (pending) is taken up again, and
      // window 2 (drifted) re-applied after it
      expect(await step(1, false)).toBe('pending:resolved (again)')
      const [state] = await store.alertStates('housing')
      expect(state).toMatchObject({
        state: 'pending',
        streak: 1,
        activeSince: fakeResult(2).window.start,
        lastWindowEnd: fakeResult(2).window.end,
      })
      const kept = await store.alertWindows('housing', { rule: 'Drift' })
      expect(kept.map((k) => [k.window.end, k.holds, k.stateBefore?.state ?? null])).toEqual([
        [fakeResult(0).window.end, true, null],
        [fakeResult(1).window.end, false, 'pending'],
        [fakeResult(2).window.end, true, 'inactive'],
      ])
      expect((await store.alertWindows('housing', { fromEnd: fakeResult(2).window.end })).length).toBe(1)
      // the same window once more with the same result changes nothing
      expect(await step(1, false)).toBe('pending (again)')
      expect(await step(3, true)).toBe('firing:firing')
      expect((await store.alertEvents({ monitor: 'housing' })).map((e) => [e.status, e.windowEnd])).toEqual([
        ['firing', fakeResult(3).window.end],
        ['resolved', fakeResult(1).window.end],
        ['firing', fakeResult(1).window.end],
      ])
    })
  })
}
