import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Monitor, MonitorStore } from '../../monitoring/index.js'
import { syntheticFrame } from '../../monitoring/test-support/synthetic.js'
import { runCairn, servedUrl } from '../../serving/test-support/cli.js'
import { createTestProject, housingRow, type TestProject } from '../../serving/test-support/fixtures.js'
import { get, post } from '../../serving/test-support/http.js'
import { housingModel } from '../../serving/test-support/models.js'

let project: TestProject

/** Every sample line of `metric` whose labels include `labels`, as values. */
function samples(text: string, metric: string, labels: Record<string, string>): number[] {
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

beforeAll(async () => {
  project = await createTestProject()
  await project.register('housing', await housingModel(), 'production')
  // A monitor check, as `cairn monitor run` records it: the age column has drifted.
  const monitor = new Monitor({
    name: 'housing-inputs',
    config: { model: 'housing', window: '1h' },
    reference: { frame: syntheticFrame(800, 1) },
    store: new MonitorStore(project.metadata),
  })
  await monitor.runBatch(
    { frame: syntheticFrame(600, 2, ['age', 'income', 'score', 'plan', 'region', 'visits']) },
    'day 1',
    Date.now() - 60_000,
  )
}, 60_000)

afterAll(async () => {
  await project?.close()
})

const serveArgs = () => [
  'serve',
  'models:/housing@production',
  '--port',
  '0',
  '--tracking-uri',
  project.trackingUri,
  '--artifacts-uri',
  project.artifactsUri,
]

describe('cairn serve /metrics', () => {
  it('shows the monitoring gauges recorded in the store next to the serving metrics', async () => {
    const p = runCairn(serveArgs())
    try {
      const url = await servedUrl(p)
      expect((await post(`${url}/v1/models/housing/predict`, housingRow)).status).toBe(200)
      const text = (await get(`${url}/metrics`)).text
      const monitor = { model: 'housing', monitor: 'housing-inputs' }
      expect(samples(text, 'cairn_monitor_rows', monitor)).toEqual([600])
      expect(samples(text, 'cairn_dataset_drift', monitor)).toEqual([1])
      expect(samples(text, 'cairn_drift_detected', { ...monitor, feature: 'age' })).toEqual([1])
      expect(
        samples(text, 'cairn_requests_total', { model: 'housing', route: 'native', status: '200' }),
      ).toEqual([1])
      p.child.kill('SIGTERM')
      expect(await p.exited).toBe(0)
    } finally {
      p.child.kill('SIGKILL')
    }
  })

  it('adds them once to the cluster-wide metrics in cluster mode', async () => {
    const p = runCairn([...serveArgs(), '--workers', '2'])
    try {
      const url = await servedUrl(p, 90_000)
      expect((await post(`${url}/v1/models/housing/predict`, housingRow)).status).toBe(200)
      const text = (await get(`${url}/metrics`)).text
      const monitor = { model: 'housing', monitor: 'housing-inputs' }
      // Summed over two workers this would read 1200.
      expect(samples(text, 'cairn_monitor_rows', monitor)).toEqual([600])
      expect(samples(text, 'cairn_dataset_drift', monitor)).toEqual([1])
      expect(text.match(/^# TYPE cairn_monitor_rows gauge$/gm)).toHaveLength(1)
      p.child.kill('SIGTERM')
      expect(await p.exited).toBe(0)
    } finally {
      p.child.kill('SIGKILL')
    }
  }, 150_000)
})
