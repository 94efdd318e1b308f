/**
 * The web UI in headless Chromium, against a real `cairn server` (in this process, SQLite):
 *   1. the runs table with 10,000 runs × 20 metrics: time to first render and to re-sort, and
 *      scrolling to the last run; side by side with a plain table that renders every row (what a
 *      UI without virtualisation and server-side sorting does) in the same browser;
 *   2. a metric chart with 100,000 points: time to draw (Cairn's uPlot canvas chart) side by
 *      side with the same points drawn as one SVG path.
 * Run: `flock /tmp/cairn-bench.lock npx tsx bench/ui/ui.ts [runs]` (default 10,000 runs).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { build } from 'vite'
import { startServer } from '../../src/server/index.js'
import { openArtifactStore, openMetadataStore } from '../../src/store/index.js'
import { StoreTrackingClient } from '../../src/tracking/index.js'
import { launchBrowser, repoRoot } from '../../test/ui/browser.js'

const RUNS = Number(process.argv[2] ?? 10_000)
const METRICS = 20
const CHART_POINTS = 100_000
const REPEAT = 5

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`
const ratio = (peer: number, cairn: number) => `${(peer / cairn).toFixed(1)}x`

/** mulberry32 */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function populate(dir: string) {
  const trackingUri = `sqlite:///${join(dir, 'cairn.db')}`
  const artifactsUri = pathToFileURL(join(dir, 'artifacts')).href
  const metadata = await openMetadataStore(trackingUri)
  const artifacts = openArtifactStore(artifactsUri)
  const tracking = new StoreTrackingClient({ metadata, artifacts })
  const t0 = performance.now()
  const exp = (await tracking.createExperiment({ name: 'sweep-10k' })).experimentId
  const r = rng(42)
  const models = ['gbdt', 'linear', 'forest', 'mlp']
  for (let i = 0; i < RUNS; i++) {
    const run = await tracking.createRun({
      experimentId: exp,
      runName: `trial-${i}`,
      startTime: 1_790_000_000_000 + i * 1000,
    })
    await tracking.logBatch(run.info.runId, {
      metrics: Array.from({ length: METRICS }, (_, m) => ({
        key: `metric_${String(m).padStart(2, '0')}`,
        value: r() * (m + 1),
        step: 0,
        timestamp: 1_790_000_000_000 + i * 1000,
      })),
      params: [
        { key: 'model', value: models[i % 4] as string },
        { key: 'lr', value: (0.001 + r() * 0.3).toFixed(4) },
        { key: 'depth', value: String(2 + (i % 10)) },
      ],
    })
  }
  const populateMs = performance.now() - t0
  const other = (await tracking.createExperiment({ name: 'long-history' })).experimentId
  const long = await tracking.createRun({ experimentId: other, runName: 'long-history' })
  for (let s = 0; s < CHART_POINTS; s += 1000) {
    await tracking.logBatch(long.info.runId, {
      metrics: Array.from({ length: 1000 }, (_, k) => {
        const step = s + k
        return {
          key: 'loss',
          value: 2 * Math.exp(-step / 20_000) + 0.1 + (r() - 0.5) * 0.05,
          step,
          timestamp: 1_790_000_000_000 + step,
        }
      }),
    })
  }
  await tracking.close()
  await artifacts.close()
  await metadata.close()
  return { trackingUri, artifactsUri, experimentId: exp, longRun: long.info.runId, populateMs }
}

/** In the page: fetch every run and render them all into a plain <table>; then sort on a metric and render again. */
const PLAIN_TABLE = `async ({ experimentId, sortKey }) => {
  const t0 = performance.now()
  const runs = []
  let token
  do {
    const res = await fetch('/api/v1/runs/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experimentIds: [experimentId], maxResults: 50000, ...(token ? { pageToken: token } : {}) }),
    })
    const page = await res.json()
    runs.push(...page.items)
    token = page.nextPageToken
  } while (token)
  const keys = Object.keys(runs[0].data.metrics).sort()
  const render = (rows) => {
    const html = ['<table><thead><tr><th>run</th><th>status</th>', ...keys.map((k) => '<th>' + k + '</th>'), '</tr></thead><tbody>']
    for (const r of rows) {
      html.push('<tr><td>' + r.info.runName + '</td><td>' + r.info.status + '</td>')
      for (const k of keys) html.push('<td>' + Number(r.data.metrics[k].value).toPrecision(4) + '</td>')
      html.push('</tr>')
    }
    html.push('</tbody></table>')
    document.body.innerHTML = html.join('')
  }
  const painted = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
  render(runs)
  document.body.offsetHeight
  await painted()
  const first = performance.now() - t0
  const t1 = performance.now()
  runs.sort((a, b) => Number(a.data.metrics[sortKey].value) - Number(b.data.metrics[sortKey].value))
  render(runs)
  document.body.offsetHeight
  await painted()
  return { first, sort: performance.now() - t1, rows: document.querySelectorAll('tbody tr').length }
}`

/** In the page: fetch the 100,000 points and draw them as one SVG path. */
const SVG_CHART = `async ({ runId, points }) => {
  const t0 = performance.now()
  const res = await fetch('/api/v1/runs/metric-series', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ runIds: [runId], keys: ['loss'], maxPoints: points }),
  })
  const s = (await res.json()).series[0]
  const t1 = performance.now()
  const w = 900, h = 300
  let lo = Infinity, hi = -Infinity
  for (const y of s.ys) { if (y < lo) lo = y; if (y > hi) hi = y }
  const x0 = s.xs[0], x1 = s.xs[s.xs.length - 1]
  const d = []
  for (let i = 0; i < s.xs.length; i++) d.push((i ? 'L' : 'M') + ((s.xs[i] - x0) / (x1 - x0) * w).toFixed(1) + ',' + ((1 - (s.ys[i] - lo) / (hi - lo)) * h).toFixed(1))
  document.body.innerHTML = '<svg width="900" height="300"><path fill="none" stroke="#1f6feb" d="' + d.join('') + '"/></svg>'
  document.body.offsetHeight
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
  return { total: performance.now() - t0, draw: performance.now() - t1, points: s.xs.length }
}`

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-ui-bench-'))
  const uiDir = join(dir, 'ui')
  const browser = await launchBrowser()
  try {
    process.stdout.write(`populating ${RUNS.toLocaleString()} runs × ${METRICS} metrics…\n`)
    const [data] = await Promise.all([
      populate(dir),
      build({
        configFile: join(repoRoot, 'ui', 'vite.config.ts'),
        logLevel: 'warn',
        build: { outDir: uiDir, emptyOutDir: true },
      }),
    ])
    const server = await startServer({
      backendStoreUri: data.trackingUri,
      artifactsDestination: data.artifactsUri,
      port: 0,
      uiDir,
      docs: false,
    })
    try {
      const cols = Array.from({ length: METRICS }, (_, m) => `m:metric_${String(m).padStart(2, '0')}`).join(
        ',',
      )
      const tableUrl = `${server.url}/#/experiments/${data.experimentId}?cols=${cols}`
      const newPage = async () => {
        const page = await browser.context.newPage()
        await page.setViewportSize({ width: 1600, height: 1000 })
        return page
      }
      process.stdout.write(`populated in ${(data.populateMs / 1000).toFixed(1)} s; measuring…\n`)
      // warm the asset cache and the server once
      let page: Page = await newPage()
      await page.goto(tableUrl)
      await page.locator('[data-testid=runs-table][data-state=ready]').waitFor({ timeout: 60_000 })
      await page.close()

      const first: number[] = []
      const sort: number[] = []
      let scrollMs = 0
      let domRows = 0
      for (let i = 0; i < REPEAT; i++) {
        page = await newPage()
        const t0 = performance.now()
        await page.goto(tableUrl)
        await page
          .locator('[data-testid=runs-table][data-state=ready] [data-testid=run-row]')
          .first()
          .waitFor()
        first.push(performance.now() - t0)
        for (const [k, dir] of [
          [7, 'ASC'],
          [7, 'DESC'],
        ] as const) {
          const key = `metrics.metric_${String(k).padStart(2, '0')}`
          const t1 = performance.now()
          await page.click(`[data-sort-key="${key}"]`)
          await page
            .locator(
              `[data-testid=runs-table][data-state=ready][data-order="${key} ${dir}"] [data-testid=run-row]`,
            )
            .first()
            .waitFor()
          sort.push(performance.now() - t1)
        }
        if (i === 0) {
          domRows = await page.locator('[data-testid=run-row]').count()
          const t2 = performance.now()
          const grid = page.locator('[data-testid=runs-table]')
          for (let guard = 0; guard < 400; guard++) {
            const loaded = Number(await grid.getAttribute('data-rows'))
            await grid.evaluate((el) => {
              el.scrollTop = el.scrollHeight
            })
            if (
              loaded >= RUNS &&
              (await page.locator('[data-testid=runs-table] :text("Loading more runs")').count()) === 0
            )
              break
            await page.waitForTimeout(20)
          }
          scrollMs = performance.now() - t2
        }
        await page.close()
      }

      const plain: { first: number; sort: number; rows: number }[] = []
      for (let i = 0; i < REPEAT; i++) {
        page = await newPage()
        await page.goto(`${server.url}/health`)
        plain.push(
          await page.evaluate(
            `(${PLAIN_TABLE})(${JSON.stringify({ experimentId: data.experimentId, sortKey: 'metric_07' })})`,
          ),
        )
        await page.close()
      }

      const chartUrl = `${server.url}/#/runs/${data.longRun}?tab=metrics&points=${CHART_POINTS}`
      const chart: number[] = []
      const chartDraw: number[] = []
      let chartPoints = 0
      for (let i = 0; i < REPEAT; i++) {
        page = await newPage()
        const t0 = performance.now()
        await page.goto(chartUrl)
        const c = page.locator(`[data-testid=metric-chart][data-points="${CHART_POINTS}"] canvas`)
        await c.first().waitFor({ timeout: 60_000 })
        await page.locator('[data-testid=metric-chart]:has-text("drawn in")').waitFor()
        chart.push(performance.now() - t0)
        const text = (await page.locator('[data-testid=metric-chart]').textContent()) ?? ''
        chartDraw.push(Number(/drawn in (\d+) ms/.exec(text)?.[1] ?? Number.NaN))
        chartPoints = Number(await page.locator('[data-testid=metric-chart]').getAttribute('data-points'))
        await page.close()
      }
      const svg: { total: number; draw: number; points: number }[] = []
      for (let i = 0; i < REPEAT; i++) {
        page = await newPage()
        await page.goto(`${server.url}/health`)
        svg.push(
          await page.evaluate(
            `(${SVG_CHART})(${JSON.stringify({ runId: data.longRun, points: CHART_POINTS })})`,
          ),
        )
        await page.close()
      }

      const load = loadavg()
        .map((x) => x.toFixed(1))
        .join(' / ')
      const lines = [
        `machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Chromium headless; load average (1/5/15 min) at the end: ${load}`,
        `populated ${RUNS.toLocaleString()} runs × ${METRICS} metrics + 3 params through the tracking client in ${(data.populateMs / 1000).toFixed(1)} s (SQLite)`,
        '',
        `runs table, ${RUNS.toLocaleString()} runs × ${METRICS} metric columns (median of ${REPEAT}; wall time in the browser driver):`,
        `  Cairn UI (virtualised, ${domRows} rows in the DOM, pages of 300/1,000, sorted on the server):`,
        `    first render (navigation → first rows drawn):  ${ms(median(first))}   target < 1 s: ${median(first) < 1000 ? 'met' : 'NOT met'}`,
        `    re-sort on a metric (click → re-sorted rows):   ${ms(median(sort))}   target < 1 s: ${median(sort) < 1000 ? 'met' : 'NOT met'}`,
        `    scroll to the last of ${RUNS.toLocaleString()} runs (loading every page): ${ms(scrollMs)}`,
        `  baseline: plain <table> with every row in the DOM (${plain[0]?.rows.toLocaleString()} rows, sorted in the browser):`,
        `    first render: ${ms(median(plain.map((p) => p.first)))}   re-sort: ${ms(median(plain.map((p) => p.sort)))}`,
        `  ratio baseline / Cairn: first render ${ratio(median(plain.map((p) => p.first)), median(first))}, re-sort ${ratio(median(plain.map((p) => p.sort)), median(sort))}`,
        '',
        `metric chart, ${CHART_POINTS.toLocaleString()} points (median of ${REPEAT}):`,
        `  Cairn UI (uPlot on canvas, ${chartPoints.toLocaleString()} points): navigation → drawn ${ms(median(chart))}; the draw itself ${ms(median(chartDraw))}`,
        `  baseline: one SVG path of the same ${svg[0]?.points.toLocaleString()} points: fetch → painted ${ms(median(svg.map((s) => s.total)))}; data → painted ${ms(median(svg.map((s) => s.draw)))}`,
        `  ratio SVG / Cairn (draw): ${ratio(median(svg.map((s) => s.draw)), median(chartDraw))}`,
      ]
      process.stdout.write(`${lines.join('\n')}\n`)
    } finally {
      await server.close()
    }
  } finally {
    await browser.close()
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
