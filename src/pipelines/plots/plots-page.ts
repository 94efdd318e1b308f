import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { StageCache } from '../cache/stage-cache.js'
import { compareExperiments } from '../experiments/apply-experiment.js'
import { ExperimentRecords } from '../experiments/exp-records.js'
import { parseLockText } from '../lock/lock-file.js'
import type { OutSpec } from '../model.js'
import type { PipelineWorkspace } from '../workspace.js'
import { type PlotRow, parsePlotData } from './plot-data.js'
import { barChart, confusionChart, esc, lineChart, type Series } from './svg-chart.js'

export interface PlotsPageOptions {
  /** Where to read plot files: `workspace` (default), experiment names, git revisions. */
  refs?: string[]
  /** Add bar charts comparing each metric across experiments (default true). */
  experiments?: boolean
  title?: string
}

/**
 * A self-contained HTML page (inline SVG, no scripts, nothing fetched) with every plot file the
 * stages declare, one series per column and revision, and each metric compared across
 * experiments.
 */
export async function renderPlotsPage(
  ws: PipelineWorkspace,
  options: PlotsPageOptions = {},
): Promise<{ html: string; charts: number; missing: string[] }> {
  const refs = options.refs && options.refs.length > 0 ? options.refs : ['workspace']
  const plots = plotOutputs(ws)
  const sections: string[] = []
  const missing: string[] = []
  let charts = 0
  for (const plot of plots) {
    const byRef: { ref: string; rows: PlotRow[] }[] = []
    for (const ref of refs) {
      const text = await readAtRef(ws, ref, plot.path)
      if (text === undefined) {
        missing.push(`${plot.path}@${ref}`)
        continue
      }
      byRef.push({ ref, rows: parsePlotData(text, plot.path) })
    }
    if (byRef.length === 0) continue
    sections.push(`<section><h2>${esc(plot.path)}</h2>${chartFor(plot, byRef, refs.length > 1)}</section>`)
    charts++
  }
  if (options.experiments !== false) {
    const { rows, metricColumns, paramColumns } = await compareExperiments(ws)
    const withMetrics = rows.filter((r) => Object.keys(r.metrics).length > 0)
    if (withMetrics.length > 1) {
      const svgs = metricColumns.map((m) =>
        barChart(
          withMetrics
            .filter((r) => r.metrics[m] !== undefined)
            .map((r) => ({ label: r.name, value: r.metrics[m] as number })),
          { title: m, width: 420, height: 260 },
        ),
      )
      charts += svgs.length
      sections.push(
        `<section><h2>Metrics across experiments</h2><div class="grid">${svgs.join('')}</div>${table(withMetrics, paramColumns, metricColumns)}</section>`,
      )
    } else if (withMetrics.length === 1) {
      sections.push(`<section><h2>Metrics</h2>${table(withMetrics, [], metricColumns)}</section>`)
    }
  }
  const title = options.title ?? `${ws.config.name} — plots`
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:20px}h2{font-size:15px;margin:0 0 8px}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:16px;margin:0 0 16px}
.grid{display:flex;flex-wrap:wrap;gap:12px}.grid svg{max-width:100%;height:auto}
svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:12px;margin-top:12px}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.note{color:#888;font-size:12px}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="note">Revisions: ${refs.map(esc).join(', ')} · generated ${new Date().toISOString()}</p>
${sections.join('\n') || "<p>No plots: declare plot files under a stage's <code>plots:</code> or the top-level <code>plots:</code> of cairn.yaml.</p>"}
</body></html>
`
  return { html, charts, missing }
}

function plotOutputs(ws: PipelineWorkspace): OutSpec[] {
  const seen = new Map<string, OutSpec>()
  for (const p of ws.project.pipelines.values()) {
    for (const s of p.stages.values()) for (const o of s.outs) if (o.role === 'plots') seen.set(o.path, o)
  }
  for (const o of ws.project.plots) seen.set(o.path, { ...(seen.get(o.path) ?? {}), ...o })
  return [...seen.values()]
}

function chartFor(plot: OutSpec, byRef: { ref: string; rows: PlotRow[] }[], multi: boolean): string {
  const spec = plot.plot ?? {}
  const title = spec.title ?? plot.path
  const first = byRef[0]?.rows[0] ?? {}
  const columns = Object.keys(first)
  if (spec.template === 'confusion') {
    const x = spec.x ?? columns[0] ?? 'actual'
    const y = (Array.isArray(spec.y) ? spec.y[0] : spec.y) ?? columns[1] ?? 'predicted'
    return byRef
      .map(({ ref, rows }) =>
        confusionChart(
          rows.map((r) => [String(r[x]), String(r[y])] as [string, string]),
          { title: multi ? `${title} (${ref})` : title, xLabel: spec.xLabel ?? y, yLabel: spec.yLabel ?? x },
        ),
      )
      .join('')
  }
  const x = spec.x ?? columns.find((c) => ['step', 'epoch', 'iteration', 'x'].includes(c))
  const ys = spec.y
    ? Array.isArray(spec.y)
      ? spec.y
      : [spec.y]
    : columns.filter((c) => c !== x && typeof first[c] === 'number').slice(0, 6)
  if (spec.template === 'bar') {
    const { ref, rows } = byRef[0] as { ref: string; rows: PlotRow[] }
    const y = ys[0] ?? ''
    return barChart(
      rows.map((r, i) => ({ label: x ? String(r[x]) : String(i), value: Number(r[y]) })),
      { title: multi ? `${title} (${ref})` : title, yLabel: spec.yLabel ?? y },
    )
  }
  const series: Series[] = []
  for (const { ref, rows } of byRef) {
    for (const y of ys) {
      series.push({
        name: [multi ? ref : '', ys.length > 1 || !multi ? y : ''].filter(Boolean).join(' · '),
        points: rows.flatMap((r, i) => {
          const xv = x ? Number(r[x]) : i
          const yv = Number(r[y])
          return Number.isFinite(xv) && Number.isFinite(yv) ? [{ x: xv, y: yv }] : []
        }),
      })
    }
  }
  return lineChart(series, {
    title,
    kind: spec.template === 'scatter' ? 'scatter' : 'line',
    ...(spec.xLabel || x ? { xLabel: spec.xLabel ?? x ?? '' } : {}),
    ...(spec.yLabel || ys.length === 1 ? { yLabel: spec.yLabel ?? ys[0] ?? '' } : {}),
  })
}

function table(
  rows: { name: string; params: Record<string, unknown>; metrics: Record<string, number> }[],
  params: string[],
  metrics: string[],
): string {
  const head = ['', ...params, ...metrics].map((h) => `<th>${esc(h)}</th>`).join('')
  const body = rows
    .map(
      (r) =>
        `<tr><td>${esc(r.name)}</td>${params.map((p) => `<td>${esc(r.params[p] === undefined ? '' : String(r.params[p]))}</td>`).join('')}${metrics
          .map(
            (m) =>
              `<td>${r.metrics[m] === undefined ? '' : Number((r.metrics[m] as number).toPrecision(6))}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('')
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`
}

async function readAtRef(ws: PipelineWorkspace, ref: string, path: string): Promise<string | undefined> {
  if (ref === 'workspace') return readFile(join(ws.root, path), 'utf8').catch(() => undefined)
  const metadata = await ws.metadata().catch(() => undefined)
  if (metadata) {
    const exp = await new ExperimentRecords(metadata).get(ref).catch(() => undefined)
    if (exp) {
      if (!exp.lock) return undefined
      for (const stages of parseLockText(exp.lock).values()) {
        for (const entry of stages.values()) {
          const out = entry.outs.find((o) => o.path === path)
          if (out && !out.isdir) {
            const store = await ws.artifacts()
            const cache = new StageCache(store)
            return (await store.get(cache.objectPath(out.hash)).catch(() => undefined))?.toString('utf8')
          }
        }
      }
      return undefined
    }
  }
  try {
    const { stdout } = await promisify(execFile)('git', ['show', `${ref}:./${path}`], {
      cwd: ws.root,
      maxBuffer: 64 << 20,
    })
    return stdout
  } catch {
    return undefined
  }
}
