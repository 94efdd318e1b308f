import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MonitorStore } from '../store/index.js'
import { startRecorder } from '../test-support/http-recorder.js'
import { fakeResult } from '../test-support/results.js'
import { tempMetadataStore } from '../test-support/temp-store.js'
import { evaluateAlerts } from './alert-engine.js'
import { parseAlertRules, parseCondition } from './alert-rule.js'
import { createNotifiers } from './notifiers/create-notifiers.js'

describe('alert rules', () => {
  it('parses the documented conditions', () => {
    expect(parseCondition('dataset_drift for 2 windows')).toEqual({
      signal: { kind: 'dataset_drift' },
      forWindows: 2,
    })
    expect(parseCondition('metric accuracy < 0.9')).toEqual({
      signal: { kind: 'metric', metric: 'accuracy' },
      op: '<',
      value: 0.9,
      forWindows: 1,
    })
    expect(parseCondition('drift income')).toMatchObject({
      signal: { kind: 'column_drift', column: 'income' },
    })
    expect(parseCondition('drift_score income >= 0.2 for 3 windows')).toMatchObject({
      op: '>=',
      value: 0.2,
      forWindows: 3,
    })
    expect(parseCondition('quality_failures > 0')).toMatchObject({ signal: { kind: 'quality_failures' } })
  })

  it('lists every invalid rule with a stable code', () => {
    try {
      parseAlertRules([
        { name: 'A', when: 'metric accuracy' },
        { name: 'A', when: 'dataset_drift > 1' },
        { name: 'bad name', when: 'no_data' },
        { name: 'B', when: 'weather is bad' },
      ])
      expect.unreachable()
    } catch (err) {
      const e = err as { code: string; issues: { path: string; message: string }[] }
      expect(e.code).toBe('CAIRN_ALERT_RULE_INVALID')
      expect(e.issues.map((i) => i.path)).toEqual([
        'alerts[0].when',
        'alerts[1].name',
        'alerts[1].when',
        'alerts[2].name',
        'alerts[3].when',
      ])
    }
  })
})

describe('evaluateAlerts', () => {
  let ctx: Awaited<ReturnType<typeof tempMetadataStore>>
  beforeEach(async () => {
    ctx = await tempMetadataStore()
  })
  afterEach(async () => {
    await ctx.cleanup()
  })

  it('fires once after 2 drifted windows, stays firing, and resolves once — via a real webhook', async () => {
    const hook = await startRecorder({ failFirst: 1 })
    try {
      const store = new MonitorStore(ctx.store)
      const rules = parseAlertRules([
        { name: 'DatasetDrift', when: 'dataset_drift for 2 windows', notify: ['ops'], severity: 'critical' },
      ])
      const notifiers = createNotifiers({
        ops: { type: 'webhook', url: `${hook.url}/hooks/cairn`, backoffMs: 10 },
      })
      const drift = [false, true, true, true, null, true, false, false]
      const seen: string[] = []
      for (let i = 0; i < drift.length; i++) {
        const [o] = await evaluateAlerts(
          store,
          rules,
          fakeResult(i, { drift: drift[i] as boolean | null }),
          notifiers,
        )
        seen.push(`${o?.state}${o?.transition ? `:${o.transition}` : ''}`)
      }
      expect(seen).toEqual([
        'inactive',
        'pending',
        'firing:firing',
        'firing',
        'firing',
        'firing',
        'inactive:resolved',
        'inactive',
      ])
      expect(hook.requests.map((r) => (r.body as { status: string }).status)).toEqual(['firing', 'resolved'])
      const first = hook.requests[0]?.body as Record<string, unknown>
      expect(first).toMatchObject({
        version: '1',
        alert: 'DatasetDrift',
        monitor: 'housing',
        severity: 'critical',
        condition: 'dataset_drift for 2 windows',
        value: 1,
        startsAt: new Date(fakeResult(1).window.start).toISOString(),
      })
      expect(hook.requests[1]?.body).toHaveProperty('endsAt')
      const events = await store.alertEvents({ monitor: 'housing' })
      expect(events.map((e) => e.status)).toEqual(['resolved', 'firing'])
      expect(events[1]?.notifications).toEqual([{ notifier: 'ops', ok: true, attempts: 2, status: 200 }])
      const [state] = await store.alertStates('housing')
      expect(state).toMatchObject({ rule: 'DatasetDrift', state: 'inactive', streak: 0 })

      const again = await evaluateAlerts(store, rules, fakeResult(7, { drift: true }), notifiers)
      expect(again[0]?.transition).toBeNull()
    } finally {
      await hook.close()
    }
  })

  it('alerts on a metric threshold and records failed notifications without throwing', async () => {
    const store = new MonitorStore(ctx.store)
    const rules = parseAlertRules([
      { name: 'LowAccuracy', when: 'metric accuracy < 0.9', notify: ['log', 'down'] },
    ])
    const notifiers = createNotifiers({
      down: {
        type: 'webhook',
        url: 'http://127.0.0.1:9/unreachable',
        attempts: 2,
        backoffMs: 1,
        timeoutMs: 500,
      },
    })
    const a = await evaluateAlerts(store, rules, fakeResult(0, { accuracy: 0.95 }), notifiers)
    expect(a[0]?.state).toBe('inactive')
    const b = await evaluateAlerts(store, rules, fakeResult(1, { accuracy: 0.8 }), notifiers)
    expect(b[0]).toMatchObject({ state: 'firing', transition: 'firing', value: 0.8 })
    expect(b[0]?.notifications[0]).toMatchObject({ notifier: 'log', ok: true })
    expect(b[0]?.notifications[1]).toMatchObject({ notifier: 'down', ok: false, attempts: 2 })
    const c = await evaluateAlerts(store, rules, fakeResult(2), notifiers)
    expect(c[0]).toMatchObject({ state: 'firing', transition: null, value: null })
  })
})
