import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNotifiers, Monitor, MonitorStore, parseAlertRules } from '../monitoring/index.js'
import { useBinary } from '../monitoring/test-support/binaries.js'
import { syntheticFrame } from '../monitoring/test-support/synthetic.js'
import { type RunningServer, startServer } from './create-server.js'

/** Every sample of `metric` whose labels include `labels`. */
function samples(text: string, metric: string, labels: Record<string, string> = {}): number[] {
  const out: number[] = []
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue
    const inner = line.slice(metric.length + 1, line.lastIndexOf('}'))
    const got = Object.fromEntries([...inner.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]))
    if (Object.entries(labels).every(([k, v]) => got[k] === v))
      out.push(Number(line.slice(line.lastIndexOf(' ') + 1)))
  }
  return out
}

describe('cairn server /metrics', () => {
  let dir: string
  let server: RunningServer
  const promtool = useBinary('/usr/bin/promtool', 'prometheus', { requiredOnCi: true })
  const scrape = async () => {
    const res = await fetch(`${server.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4')
    return res.text()
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-server-metrics-'))
    server = await startServer({ cwd: dir, port: 0, metricsCacheMs: 0, docs: false })
  })
  afterAll(async () => {
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('shows the monitoring gauges of checks recorded in the store, and the server requests', async () => {
    await fetch(`${server.url}/health`)
    const before = await scrape()
    expect(samples(before, 'cairn_server_requests_total', { route: '/health', status: '200' })).toEqual([1])
    expect(before).toContain('# TYPE cairn_dataset_drift gauge')
    expect(samples(before, 'cairn_dataset_drift')).toEqual([])
    expect(before).toContain('process_cpu_user_seconds_total')

    // A check as `cairn monitor run` records it: most columns shifted, an alert rule fires.
    const monitor = new Monitor({
      name: 'customers',
      config: { model: 'churn', window: '1h' },
      reference: { frame: syntheticFrame(2000, 1) },
      store: new MonitorStore(server.app.cairn.metadata),
      rules: parseAlertRules([{ name: 'DatasetDrift', when: 'dataset_drift', notify: ['log'] }]),
      notifiers: createNotifiers(),
    })
    await monitor.runBatch(
      { frame: syntheticFrame(1500, 3, ['age', 'income', 'score', 'plan', 'region', 'visits']) },
      'day 1',
      Date.now() - 60_000,
    )
    const after = await scrape()
    expect(samples(after, 'cairn_dataset_drift', { model: 'churn', monitor: 'customers' })).toEqual([1])
    expect(samples(after, 'cairn_drift_detected', { feature: 'age' })).toEqual([1])
    expect(samples(after, 'cairn_drift_score', { model: 'churn', feature: 'age' }).length).toBeGreaterThan(0)
    expect(samples(after, 'cairn_monitor_rows', { monitor: 'customers' })).toEqual([1500])
    expect(samples(after, 'cairn_alert_firing', { alert: 'DatasetDrift' })).toEqual([1])
    expect(samples(after, 'cairn_server_requests_total', { route: '/metrics', status: '200' })).toEqual([1])

    if (!promtool.skip) {
      // The exposition parses, and the only naming advice concerns prom-client's own nodejs_ gauges.
      const lint = spawnSync(promtool.path, ['check', 'metrics'], { input: after, encoding: 'utf8' })
      const problems = `${lint.stdout}${lint.stderr}`.split('\n').filter((l) => l.trim() !== '')
      expect(
        problems.filter((l) => !l.startsWith('nodejs_')),
        problems.join('\n'),
      ).toEqual([])
    }
  })

  it('is listed in the OpenAPI document and can be turned off', async () => {
    const on = await startServer({ cwd: dir, port: 0 })
    try {
      const doc = (await (await fetch(`${on.url}/docs/json`)).json()) as { paths: Record<string, unknown> }
      expect(doc.paths['/metrics']).toBeDefined()
    } finally {
      await on.close()
    }
    const off = await startServer({ cwd: dir, port: 0, metrics: false, docs: false })
    try {
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404)
    } finally {
      await off.close()
    }
  })
})
