import { Registry } from 'prom-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createNotifiers, parseAlertRules } from '../alerts/index.js'
import { Monitor } from '../monitor/monitor.js'
import { MonitorStore } from '../store/index.js'
import { syntheticFrame } from '../test-support/synthetic.js'
import { tempMetadataStore } from '../test-support/temp-store.js'
import { MONITORING_METRIC_NAMES, registerMonitoringMetrics } from './monitoring-metrics.js'

function value(text: string, metric: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue
    const inner = line.slice(metric.length + 1, line.lastIndexOf('}'))
    const got = Object.fromEntries([...inner.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]))
    if (Object.entries(labels).every(([k, v]) => got[k] === v))
      return Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return undefined
}

describe('monitoring metrics', () => {
  let ctx: Awaited<ReturnType<typeof tempMetadataStore>>
  beforeEach(async () => {
    ctx = await tempMetadataStore()
  })
  afterEach(async () => {
    await ctx.cleanup()
  })

  it('exposes the latest window of every monitor from the store', async () => {
    const store = new MonitorStore(ctx.store)
    const monitor = new Monitor({
      name: 'customers',
      config: { model: 'churn', window: '1h' },
      reference: { frame: syntheticFrame(2000, 1) },
      store,
      rules: parseAlertRules([{ name: 'DatasetDrift', when: 'dataset_drift', notify: ['log'] }]),
      notifiers: createNotifiers(),
    })
    const registry = new Registry()
    registerMonitoringMetrics(registry, { store, cacheMs: 0 })
    await monitor.runBatch({ frame: syntheticFrame(1500, 2) }, 'day 1', 1000)
    let text = await registry.metrics()
    expect(value(text, 'cairn_dataset_drift', { model: 'churn', monitor: 'customers' })).toBe(0)
    expect(value(text, 'cairn_alert_firing', { alert: 'DatasetDrift' })).toBe(0)
    await monitor.runBatch(
      { frame: syntheticFrame(1500, 3, ['age', 'income', 'score', 'plan', 'region', 'visits']) },
      'day 2',
      2000,
    )
    text = await registry.metrics()
    expect(value(text, 'cairn_dataset_drift', { model: 'churn', monitor: 'customers' })).toBe(1)
    expect(value(text, 'cairn_drift_detected', { feature: 'age', test: 'wasserstein' })).toBe(1)
    expect(value(text, 'cairn_drift_detected', { feature: 'rating', test: 'jensenshannon' })).toBe(0)
    expect(value(text, 'cairn_drift_score', { feature: 'age', test: 'wasserstein' })).toBeGreaterThan(0.1)
    expect(value(text, 'cairn_drift_share', { monitor: 'customers' })).toBeCloseTo(0.6, 10)
    expect(value(text, 'cairn_data_quality_failures', { check: 'missing_share' })).toBe(0)
    expect(value(text, 'cairn_monitor_rows', { monitor: 'customers' })).toBe(1500)
    expect(value(text, 'cairn_alert_firing', { alert: 'DatasetDrift' })).toBe(1)
    for (const name of MONITORING_METRIC_NAMES) expect(text).toContain(`# TYPE ${name} gauge`)
  })

  it('shows results passed to observe() without a store', async () => {
    const registry = new Registry()
    const metrics = registerMonitoringMetrics(registry)
    const monitor = new Monitor({ name: 'm', config: {}, reference: { frame: syntheticFrame(300, 1) } })
    const r = await monitor.evaluate(
      { frame: syntheticFrame(300, 2) },
      { start: 0, end: 1, kind: 'batch', label: 'b' },
    )
    metrics.observe(r)
    const text = await registry.metrics()
    expect(value(text, 'cairn_dataset_drift', { model: 'm', monitor: 'm' })).toBe(0)
    expect(value(text, 'cairn_drift_score', { feature: 'age', test: 'ks' })).toBeGreaterThan(0.05)
  })
})
