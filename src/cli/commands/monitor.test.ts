import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { frameToCsv } from '../../monitoring/test-support/csv.js'
import { startRecorder } from '../../monitoring/test-support/http-recorder.js'
import { syntheticFrame } from '../../monitoring/test-support/synthetic.js'
import { buildProgram } from '../program.js'
import { registerMonitor } from './monitor.js'

const dir = mkdtempSync(join(tmpdir(), 'cairn-cli-monitor-'))
const cwd = process.cwd()
let hook: Awaited<ReturnType<typeof startRecorder>>

/** Run `cairn monitor …` in-process in the project folder and capture stdout/stderr. */
async function cairn(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = ''
  let err = ''
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += c.toString()
    return true
  })
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    err += c.toString()
    return true
  })
  const before = process.exitCode
  process.exitCode = 0
  try {
    await buildProgram([registerMonitor])
      .exitOverride()
      .parseAsync(['node', 'cairn', 'monitor', ...args])
    // colours are on under CI=true (picocolors); the assertions read plain text
    return {
      out: stripVTControlCharacters(out),
      err: stripVTControlCharacters(err),
      code: Number(process.exitCode ?? 0),
    }
  } catch (error) {
    const { reportError } = await import('../output.js')
    const code = reportError(error)
    return { out: stripVTControlCharacters(out), err: stripVTControlCharacters(err), code }
  } finally {
    o.mockRestore()
    e.mockRestore()
    process.exitCode = before
  }
}

beforeAll(async () => {
  hook = await startRecorder()
  process.env.CAIRN_DATA_CACHE = join(dir, 'cache')
  process.env.CAIRN_PROGRESS = 'off'
  mkdirSync(join(dir, 'data'))
  writeFileSync(join(dir, 'data', 'reference.csv'), frameToCsv(syntheticFrame(3000, 1)))
  const t0 = Date.UTC(2026, 10, 22)
  let csv = ''
  for (let h = 0; h < 6; h++) {
    const f = syntheticFrame(
      800,
      10 + h,
      h >= 3 ? ['age', 'score', 'plan', 'region', 'visits', 'income'] : [],
    )
    const text = frameToCsv(f, { ts: (r) => new Date(t0 + h * 3_600_000 + r * 4000).toISOString() })
    csv += h === 0 ? text : text.slice(text.indexOf('\n') + 1)
  }
  writeFileSync(join(dir, 'data', 'current.csv'), csv)
  writeFileSync(
    join(dir, 'alerts.yaml'),
    `alerts:\n  - { name: DatasetDrift, when: "dataset_drift for 2 windows", severity: critical, notify: [ops] }\n`,
  )
  writeFileSync(
    join(dir, 'cairn.yaml'),
    `name: shop
monitors:
  customers:
    reference: data/reference.csv
    timestamp: ts
    window: 1h
    drift:
      perColumn:
        review: { kind: text }
    alerts: alerts.yaml
    notifiers:
      ops: { type: webhook, url: "${hook.url}/hook" }
`,
  )
  process.chdir(dir)
})
afterAll(async () => {
  process.chdir(cwd)
  await hook.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('cairn monitor', () => {
  it('run: checks every due hourly window of the current data, stores it and alerts once', async () => {
    const r = await cairn(
      'run',
      'customers',
      '--current',
      'data/current.csv',
      '--now',
      '2026-11-22T06:00:00Z',
      '--json',
    )
    expect(r.code).toBe(0)
    const windows = JSON.parse(r.out) as {
      window: { label: string }
      datasetDrift: boolean
      driftedColumns: string[]
      alerts: { transition: string }[]
    }[]
    expect(windows.map((w) => w.window.label)).toEqual(
      [0, 1, 2, 3, 4, 5].map((h) => `2026-11-22T0${h}:00Z/1h`),
    )
    expect(windows.map((w) => w.datasetDrift)).toEqual([false, false, false, true, true, true])
    expect(windows[3]?.driftedColumns.sort()).toEqual(['age', 'income', 'plan', 'region', 'score', 'visits'])
    expect(windows.map((w) => w.alerts.map((a) => a.transition).join())).toEqual([
      '',
      '',
      '',
      '',
      'firing',
      '',
    ])
    expect(hook.requests.map((q) => (q.body as { status: string }).status)).toEqual(['firing'])
    const again = await cairn(
      'run',
      'customers',
      '--current',
      'data/current.csv',
      '--now',
      '2026-11-22T06:00:00Z',
    )
    expect(again.out).toContain('no windows due')
  })

  it('status, alerts and report show what run stored', async () => {
    const all = await cairn('status', '--json')
    expect(JSON.parse(all.out)).toMatchObject([
      { monitor: 'customers', firing: ['DatasetDrift'], last: { rowCount: 800, datasetDrift: true } },
    ])
    const one = await cairn('status', 'customers')
    expect(one.out).toContain('DRIFT')
    expect(one.out.split('\n').filter((l) => l.includes('2026-11-22')).length).toBe(6)
    const alerts = JSON.parse((await cairn('alerts', '--json')).out) as {
      states: { state: string }[]
      events: { status: string; notifications: { ok: boolean }[] }[]
    }
    expect(alerts.states.map((s) => s.state)).toEqual(['firing'])
    expect(alerts.events[0]).toMatchObject({
      status: 'firing',
      notifications: [{ notifier: 'ops', ok: true }],
    })
    const report = JSON.parse(
      (await cairn('report', 'customers', '-o', 'out/customers.html', '--json')).out,
    ) as { html: string; json: string }
    expect(existsSync(report.html)).toBe(true)
    expect(JSON.parse(readFileSync(report.json, 'utf8'))).toMatchObject({
      monitor: 'customers',
      history: expect.any(Array),
    })
  })

  it('run: prints a run of empty windows as one line, and marks them empty in --json', async () => {
    const sparse = mkdtempSync(join(tmpdir(), 'cairn-cli-monitor-sparse-'))
    try {
      mkdirSync(join(sparse, 'data'))
      writeFileSync(join(sparse, 'data', 'reference.csv'), frameToCsv(syntheticFrame(1000, 1)))
      const t0 = Date.UTC(2026, 10, 22)
      // rows in hours 0 and 5 only: 1–4 have no traffic
      const part = (h: number) =>
        frameToCsv(syntheticFrame(300, 20 + h), {
          ts: (r) => new Date(t0 + h * 3_600_000 + r * 10_000).toISOString(),
        })
      const h5 = part(5)
      writeFileSync(join(sparse, 'data', 'current.csv'), part(0) + h5.slice(h5.indexOf('\n') + 1))
      writeFileSync(
        join(sparse, 'cairn.yaml'),
        `name: quiet
monitors:
  quiet:
    reference: data/reference.csv
    timestamp: ts
    window: 1h
    alerts: &rules
      - { name: QualityFailures, when: "quality_failures > 0", notify: [log] }
  quiet_json:
    reference: data/reference.csv
    timestamp: ts
    window: 1h
    alerts: *rules
`,
      )
      process.chdir(sparse)
      const args = ['--current', 'data/current.csv', '--now', '2026-11-22T06:00:00Z']
      const text = await cairn('run', 'quiet', ...args)
      expect(text.code).toBe(0)
      const lines = text.out.trim().split('\n')
      expect(lines).toHaveLength(3)
      expect(lines[0]).toMatch(/^quiet 2026-11-22T00:00Z\/1h: 300 rows, drift /)
      expect(lines[1]).toBe('quiet 2026-11-22T01:00Z/1h … 2026-11-22T04:00Z/1h: 4 empty windows (no data)')
      expect(lines[2]).toMatch(/^quiet 2026-11-22T05:00Z\/1h: 300 rows, drift .*quality failures 0/)
      expect(text.out).not.toContain('QualityFailures')

      const json = JSON.parse((await cairn('run', 'quiet_json', ...args, '--json')).out) as {
        window: { label: string }
        empty: boolean
        rows: number
        qualityFailures: string[]
      }[]
      expect(
        json.map((w) => [w.window.label.slice(11, 16), w.empty, w.rows, w.qualityFailures.length]),
      ).toEqual([
        ['00:00', false, 300, 0],
        ['01:00', true, 0, 0],
        ['02:00', true, 0, 0],
        ['03:00', true, 0, 0],
        ['04:00', true, 0, 0],
        ['05:00', false, 300, 0],
      ])
    } finally {
      process.chdir(dir)
      rmSync(sparse, { recursive: true, force: true })
    }
  })

  it('says what to do about unknown monitors and missing data', async () => {
    const r = await cairn('run', 'nope')
    expect(r.code).toBe(2)
    expect(r.err).toContain('CAIRN_MONITOR_NOT_FOUND')
    expect(r.err).toContain('Known monitors: customers')
    const s = await cairn('status', 'nope')
    expect(s.err).toContain('CAIRN_MONITOR_NOT_FOUND')
  })
})
