import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MonitorStore } from '../../store/index.js'
import { useBinary } from '../../test-support/binaries.js'
import { startRecorder } from '../../test-support/http-recorder.js'
import { fakeResult } from '../../test-support/results.js'
import { tempMetadataStore } from '../../test-support/temp-store.js'
import { evaluateAlerts } from '../alert-engine.js'
import { parseAlertRules } from '../alert-rule.js'
import { createNotifiers } from './create-notifiers.js'

/** Alertmanager's `postableAlert` (api/v2/openapi.yaml): what POST /api/v2/alerts accepts. */
const postableAlerts = z.array(
  z.strictObject({
    labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string()),
    annotations: z.record(z.string(), z.string()).optional(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime().optional(),
    generatorURL: z.url().optional(),
  }),
)

const rules = parseAlertRules([
  { name: 'DatasetDrift', when: 'dataset_drift for 2 windows', notify: ['am'], labels: { team: 'ml' } },
])

describe('Alertmanager payloads', () => {
  it('match the v2 API shape and are refreshed while firing', async () => {
    const ctx = await tempMetadataStore()
    const am = await startRecorder()
    try {
      const store = new MonitorStore(ctx.store)
      const notifiers = createNotifiers({
        am: { type: 'alertmanager', url: am.url, generatorUrl: 'http://cairn.local/monitors/housing' },
      })
      for (const [i, d] of [true, true, true, false].entries()) {
        await evaluateAlerts(store, rules, fakeResult(i, { drift: d }), notifiers, fakeResult(i).evaluatedAt)
      }
      expect(am.requests.map((r) => r.url)).toEqual(['/api/v2/alerts', '/api/v2/alerts', '/api/v2/alerts'])
      for (const r of am.requests) postableAlerts.parse(r.body)
      const [fire, refresh, resolve] = am.requests.map((r) => (r.body as z.infer<typeof postableAlerts>)[0])
      expect(fire?.labels).toEqual({
        alertname: 'DatasetDrift',
        monitor: 'housing',
        model: 'housing',
        severity: 'warning',
        team: 'ml',
      })
      expect(Date.parse(fire?.endsAt ?? '')).toBeGreaterThan(fakeResult(1).evaluatedAt)
      expect(refresh?.startsAt).toBe(fire?.startsAt)
      expect(Date.parse(resolve?.endsAt ?? '')).toBe(fakeResult(3).evaluatedAt)
    } finally {
      await am.close()
      await ctx.cleanup()
    }
  })
})

const bin = useBinary('/usr/bin/prometheus-alertmanager', 'prometheus-alertmanager')

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

describe.skipIf(bin.skip)('the real prometheus-alertmanager', () => {
  let proc: ChildProcess
  let dir: string
  let url: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-am-'))
    await writeFile(
      join(dir, 'alertmanager.yml'),
      'route:\n  receiver: "null"\n  group_wait: 1s\nreceivers:\n  - name: "null"\n',
    )
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    proc = spawn(
      bin.path,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: 'ignore' },
    )
    for (let i = 0; i < 100; i++) {
      const ok = await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error('alertmanager did not become ready')
  }, 30_000)
  afterAll(async () => {
    proc?.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 200))
    await rm(dir, { recursive: true, force: true })
  })

  it('shows the alert active while firing and resolved after', async () => {
    const ctx = await tempMetadataStore()
    try {
      const store = new MonitorStore(ctx.store)
      const notifiers = createNotifiers({ am: { type: 'alertmanager', url } })
      const active = async () => {
        const res = await fetch(`${url}/api/v2/alerts?filter=alertname%3D%22DatasetDrift%22`)
        return (await res.json()) as { labels: Record<string, string>; status: { state: string } }[]
      }
      const now = Date.now()
      const a = await evaluateAlerts(store, rules, fakeResult(0, { drift: true }), notifiers, now)
      expect(a[0]?.state).toBe('pending')
      expect(await active()).toEqual([])
      const b = await evaluateAlerts(store, rules, fakeResult(1, { drift: true }), notifiers, now)
      expect(b[0]?.notifications[0]).toMatchObject({ notifier: 'am', ok: true, status: 200 })
      const firing = await active()
      expect(firing).toHaveLength(1)
      expect(firing[0]?.labels).toMatchObject({ alertname: 'DatasetDrift', monitor: 'housing', team: 'ml' })
      expect(firing[0]?.status.state).toBe('active')
      const c = await evaluateAlerts(store, rules, fakeResult(2, { drift: false }), notifiers, Date.now())
      expect(c[0]?.transition).toBe('resolved')
      await new Promise((r) => setTimeout(r, 50))
      expect(await active()).toEqual([])
    } finally {
      await ctx.cleanup()
    }
  })
})
