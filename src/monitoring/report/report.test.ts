import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MonitorStore } from '../store/index.js'
import { useBinary } from '../test-support/binaries.js'
import { runDemoMonitor } from '../test-support/demo-monitor.js'
import { tempMetadataStore } from '../test-support/temp-store.js'
import { buildReportData, type MonitorReportData, writeReport } from './report.js'

let ctx: Awaited<ReturnType<typeof tempMetadataStore>>
let data: MonitorReportData
let paths: { html: string; json: string }

beforeAll(async () => {
  ctx = await tempMetadataStore()
  const store = new MonitorStore(ctx.store)
  await runDemoMonitor(store)
  data = await buildReportData(store, 'churn')
  paths = await writeReport(data, join(ctx.dir, 'reports', 'churn.html'))
}, 60_000)
afterAll(async () => {
  await ctx.cleanup()
})

describe('monitoring report', () => {
  it('writes a self-contained page and a JSON twin with the same numbers', async () => {
    const html = await readFile(paths.html, 'utf8')
    expect(paths.json).toBe(join(ctx.dir, 'reports', 'churn.json'))
    const twin = JSON.parse(await readFile(paths.json, 'utf8')) as MonitorReportData
    expect(twin).toEqual(JSON.parse(JSON.stringify(data)))
    expect(twin.history).toHaveLength(10)
    expect(twin.result.window.label).toBe('hour 9')
    expect(html).not.toMatch(/<script|<link|src=|url\(/i)
    expect(html).toContain('Feature drift — 10 columns')
    expect(html).toContain('Drift over time (10 windows')
    expect(html).toContain('Data quality')
    expect(html).toContain('Prediction drift (model outputs)')
    expect(html).toContain('LowAccuracy')
    for (const c of data.result.drift?.columns ?? []) expect(html).toContain(`<strong>${c.column}</strong>`)
  })

  it('reports the history it was built from (drift share, quality failures, metrics per window)', () => {
    expect(data.history.map((h) => h.datasetDrift)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
    ])
    expect(data.history[3]?.qualityFailures).toBeGreaterThanOrEqual(3)
    expect(data.history[9]?.metrics.accuracy).toBeLessThan(0.6)
    expect(data.alerts.states.find((s) => s.rule === 'DatasetDrift')?.state).toBe('firing')
  })

  const browser = useBinary('/usr/bin/chromium', 'chromium', { requiredOnCi: true })
  it.skipIf(browser.skip)(
    'renders in headless Chromium: charts and a histogram per column, no errors',
    async () => {
      const b = await chromium.launch({
        executablePath: browser.path,
        args: ['--no-sandbox', '--disable-gpu'],
      })
      try {
        const page = await b.newPage({ viewport: { width: 1300, height: 900 } })
        const errors: string[] = []
        const requests: string[] = []
        page.on('pageerror', (e) => errors.push(e.message))
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
        page.on('request', (r) => requests.push(r.url()))
        await page.goto(`file://${paths.html}`)
        const svgs = await page.$$eval('svg', (els) =>
          els.map((e) => {
            const r = e.getBoundingClientRect()
            return { w: r.width, h: r.height, shapes: e.querySelectorAll('rect, path, circle').length }
          }),
        )
        expect(errors).toEqual([])
        expect(requests).toEqual([`file://${paths.html}`])
        const charts = svgs.filter((s) => s.w > 600)
        expect(charts.length).toBe(3)
        const histograms = svgs.filter((s) => s.w > 200 && s.w < 300)
        expect(histograms.length).toBe(9 + 1)
        for (const s of svgs) {
          expect(s.h).toBeGreaterThan(40)
          expect(s.shapes).toBeGreaterThan(2)
        }
        const png = await page.screenshot({ fullPage: true })
        expect(png.subarray(1, 4).toString()).toBe('PNG')
        expect(png.length).toBeGreaterThan(50_000)
      } finally {
        await b.close()
      }
    },
  )
})
