import { CairnError, cairnVersion, writeFileAtomic } from '../../core/index.js'
import type { AlertState } from '../alerts/index.js'
import type { ColumnDriftResult } from '../drift/index.js'
import type { MonitorResult } from '../monitor/monitor-result.js'
import type { AlertEvent, MonitorRunSummary, MonitorStore } from '../store/index.js'
import { distributionSvg, esc, fmtNumber, lineChartSvg } from './svg.js'

/** Everything a report shows; also written as the report's JSON twin. */
export interface MonitorReportData {
  formatVersion: 1
  generatedAt: string
  cairnVersion: string
  monitor: string
  model: string | null
  /** The window the report is about (the latest, unless another was asked for). */
  result: MonitorResult
  /** Earlier windows, oldest first, for the charts. */
  history: (MonitorRunSummary & { metrics: Record<string, number> })[]
  alerts: { states: AlertState[]; events: AlertEvent[] }
}

/** Collect a monitor's report data from the store: one window in full, the history in summary. */
export async function buildReportData(
  store: MonitorStore,
  monitor: string,
  options: { runId?: string; historyWindows?: number } = {},
): Promise<MonitorReportData> {
  const record = await store.getMonitor(monitor)
  const runId = options.runId ?? (await store.lastRun(monitor))?.runId
  if (!runId) {
    throw new CairnError('CAIRN_NOT_FOUND', `Monitor "${monitor}" has no evaluated windows yet`, {
      hint: `Run \`cairn monitor run ${monitor}\` first.`,
    })
  }
  const result = await store.getResult(runId)
  const runs = await store.listRuns(monitor, { to: result.window.end, limit: options.historyWindows ?? 60 })
  const perf = await store.series(monitor, 'performance', { to: result.window.end })
  const metrics = new Map<string, Record<string, number>>()
  for (const p of perf) {
    if (p.value === null) continue
    const key = `${p.windowStart}:${p.windowEnd}`
    metrics.set(key, { ...metrics.get(key), [p.name]: p.value })
  }
  return {
    formatVersion: 1,
    generatedAt: new Date().toISOString(),
    cairnVersion: cairnVersion(),
    monitor,
    model: record.model,
    result,
    history: runs.map((r) => ({ ...r, metrics: metrics.get(`${r.windowStart}:${r.windowEnd}`) ?? {} })),
    alerts: {
      states: await store.alertStates(monitor),
      events: await store.alertEvents({ monitor, limit: 50 }),
    },
  }
}

const CSS = `
:root{--ref:#4c78a8;--cur:#f58518;--bad:#d62728;--ok:#2ca02c;--warn:#e6a100;--muted:#666}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#1f2933;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}header .sub{color:#cbd2d9;font-size:13px}
main{padding:20px 28px;max-width:1280px}section{background:#fff;border:1px solid #e4e7eb;border-radius:8px;padding:16px 18px;margin:0 0 18px}
h2{font-size:16px;margin:0 0 12px}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin-bottom:18px}
.card{background:#fff;border:1px solid #e4e7eb;border-radius:8px;padding:12px 14px}.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:24px;font-weight:600;margin-top:4px}.bad{color:var(--bad)}.ok{color:var(--ok)}.warn{color:var(--warn)}.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef0f2;vertical-align:middle}th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
td.num{text-align:right;font-variant-numeric:tabular-nums}.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}
.badge.bad{background:#fde2e2}.badge.ok{background:#e3f4e1}.badge.warn{background:#fff3d6}.badge.muted{background:#eceff1}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:middle}.notes{color:var(--muted);font-size:12px}
footer{color:var(--muted);font-size:12px;padding:0 28px 24px}
`

function badge(text: string, kind: 'bad' | 'ok' | 'warn' | 'muted'): string {
  return `<span class="badge ${kind}">${esc(text)}</span>`
}

function driftBadge(c: ColumnDriftResult): string {
  if (c.drifted === true) return badge('drift', 'bad')
  if (c.drifted === false) return badge('no drift', 'ok')
  return badge(c.status.replace(/_/g, ' '), 'warn')
}

function scoreCell(c: ColumnDriftResult): string {
  if (c.score === null) return '<td class="num muted">—</td>'
  const rule = c.scoreKind === 'p_value' ? (c.test === 'ks' ? '≤' : '<') : c.scoreKind === 'auc' ? '>' : '≥'
  return `<td class="num" title="drift when ${c.scoreKind === 'p_value' ? 'p-value' : 'score'} ${rule} ${c.threshold}">${esc(fmtNumber(c.score))}</td>`
}

function columnRows(columns: ColumnDriftResult[]): string {
  return columns
    .map(
      (c) => `<tr>
<td><strong>${esc(c.column)}</strong><div class="notes">${esc(c.kind ?? '—')}</div></td>
<td>${c.distribution ? distributionSvg(c.distribution) : '<span class="muted">no plot</span>'}</td>
<td>${esc(c.testLabel ?? '—')}</td>${scoreCell(c)}<td class="num">${c.threshold === null ? '—' : esc(fmtNumber(c.threshold))}</td>
<td>${driftBadge(c)}</td>
<td class="num">${esc(c.referenceCount.toLocaleString('en-US'))} / ${esc(c.currentCount.toLocaleString('en-US'))}</td>
<td class="notes">${esc([c.message, ...c.notes].filter(Boolean).join(' · '))}</td></tr>`,
    )
    .join('\n')
}

function driftTable(columns: ColumnDriftResult[], title: string): string {
  if (columns.length === 0) return ''
  const ordered = [...columns].sort((a, b) => Number(b.drifted === true) - Number(a.drifted === true))
  return `<section><h2>${esc(title)}</h2>
<div class="legend notes">distribution:<span style="background:var(--ref)"></span>reference<span style="background:var(--cur)"></span>current</div>
<table><thead><tr><th>Column</th><th>Distribution</th><th>Test</th><th>Score</th><th>Threshold</th><th>Result</th><th>Rows (ref / cur)</th><th>Notes</th></tr></thead>
<tbody>${columnRows(ordered)}</tbody></table></section>`
}

function qualityTable(r: MonitorResult): string {
  const checks = [...r.quality.checks].sort((a, b) => {
    const rank = { fail: 0, warn: 1, skipped: 2, pass: 3 }
    return rank[a.status] - rank[b.status]
  })
  const rows = checks
    .map((c) => {
      const kind =
        c.status === 'fail' ? 'bad' : c.status === 'pass' ? 'ok' : c.status === 'warn' ? 'warn' : 'muted'
      const observed = typeof c.observed === 'number' ? fmtNumber(c.observed) : (c.observed ?? '—')
      return `<tr><td>${esc(c.check.replace(/_/g, ' '))}</td><td>${esc(c.column ?? '(window)')}</td><td>${badge(c.status, kind)}</td>
<td class="num">${esc(observed)}</td><td>${esc(c.expected)}</td><td class="notes">${esc(c.message)}${c.examples ? ` — e.g. ${esc(c.examples.slice(0, 5).join(', '))}` : ''}</td></tr>`
    })
    .join('\n')
  return `<section id="quality"><h2>Data quality — ${r.quality.failures} failing, ${r.quality.warnings} warnings</h2>
<table><thead><tr><th>Check</th><th>Column</th><th>Status</th><th>Observed</th><th>Expected</th><th>Details</th></tr></thead><tbody>${rows}</tbody></table></section>`
}

function historySection(d: MonitorReportData): string {
  const h = d.history
  if (h.length === 0) return ''
  const labels = h.map((r) =>
    new Date(r.kind === 'batch' ? r.windowEnd : r.windowStart).toISOString().slice(5, 16).replace('T', ' '),
  )
  const threshold = d.result.drift?.driftShareThreshold ?? 0.5
  const drift = lineChartSvg(
    labels,
    [
      {
        name: 'drift share',
        values: h.map((r) => r.driftShare),
        flags: h.map((r) => r.datasetDrift),
        color: '#4c78a8',
      },
    ],
    { threshold, yMin: 0, yMax: 1 },
  )
  const quality = lineChartSvg(
    labels,
    [{ name: 'quality failures', values: h.map((r) => r.qualityFailures), color: '#e45756' }],
    {
      yMin: 0,
      height: 160,
    },
  )
  const metricNames = [...new Set(h.flatMap((r) => Object.keys(r.metrics)))].filter(
    (m) => m !== 'near_boundary_share',
  )
  const perf =
    metricNames.length > 0
      ? `<h2 style="margin-top:16px">Model metrics over time</h2>${lineChartSvg(
          labels,
          metricNames.map((m) => ({ name: m, values: h.map((r) => r.metrics[m] ?? null) })),
          { height: 200 },
        )}`
      : ''
  return `<section id="history"><h2>Drift over time (${h.length} windows; red points drifted)</h2>${drift}
<h2 style="margin-top:16px">Data-quality failures over time</h2>${quality}${perf}</section>`
}

function alertsSection(d: MonitorReportData): string {
  const { states, events } = d.alerts
  if (states.length === 0 && events.length === 0) return ''
  const stateRows = states
    .map(
      (s) =>
        `<tr><td>${esc(s.rule)}</td><td>${badge(s.state, s.state === 'firing' ? 'bad' : s.state === 'pending' ? 'warn' : 'ok')}</td><td class="num">${s.streak}</td><td>${s.activeSince ? esc(new Date(s.activeSince).toISOString()) : '—'}</td></tr>`,
    )
    .join('')
  const eventRows = events
    .slice(0, 20)
    .map(
      (e) =>
        `<tr><td>${esc(new Date(e.timestamp).toISOString())}</td><td>${esc(e.rule)}</td><td>${badge(e.status, e.status === 'firing' ? 'bad' : 'ok')}</td><td class="notes">${esc(e.message)}</td><td class="notes">${esc(e.notifications.map((n) => `${n.notifier}: ${n.ok ? 'sent' : `failed (${n.error ?? ''})`}`).join(', '))}</td></tr>`,
    )
    .join('')
  return `<section id="alerts"><h2>Alerts</h2><table><thead><tr><th>Rule</th><th>State</th><th>Streak</th><th>Active since</th></tr></thead><tbody>${stateRows}</tbody></table>
${eventRows ? `<h2 style="margin-top:16px">Recent alert events</h2><table><thead><tr><th>Time</th><th>Rule</th><th>Status</th><th>Message</th><th>Notifications</th></tr></thead><tbody>${eventRows}</tbody></table>` : ''}</section>`
}

function card(k: string, v: string, cls = ''): string {
  return `<div class="card"><div class="k">${esc(k)}</div><div class="v ${cls}">${v}</div></div>`
}

/** A self-contained HTML page (inline CSS and SVG, no scripts or external files). */
export function renderReportHtml(d: MonitorReportData): string {
  const r = d.result
  const drift = r.drift
  const verdict =
    drift?.datasetDrift === true
      ? card('Dataset drift', 'DRIFT', 'bad')
      : drift?.datasetDrift === false
        ? card('Dataset drift', 'no drift', 'ok')
        : card('Dataset drift', r.status === 'ok' ? 'not decided' : r.status, 'warn')
  const share =
    drift && drift.driftShare !== null
      ? `${drift.drifted} / ${drift.evaluated} <span class="muted" style="font-size:14px">(${(drift.driftShare * 100).toFixed(0)}%, threshold ${(drift.driftShareThreshold * 100).toFixed(0)}%)</span>`
      : '—'
  const pd = r.predictionDrift
  const perf = r.performance
  const metricCards = perf
    ? Object.entries(perf.metrics)
        .slice(0, 3)
        .map(([k, v]) => card(k, esc(fmtNumber(v))))
        .join('')
    : ''
  const perfNote =
    perf && perf.status !== 'ok'
      ? card('Performance', esc(perf.status.replace(/_/g, ' ')), 'muted') +
        (perf.nearBoundaryShare !== null
          ? card('Near decision boundary', `${(perf.nearBoundaryShare * 100).toFixed(1)}%`)
          : '')
      : ''
  const problems = drift?.problems.length
    ? `<section><h2>Columns not tested (${drift.problems.length})</h2><ul>${drift.problems.map((p) => `<li><strong>${esc(p.column)}</strong>: ${esc(p.message)}</li>`).join('')}</ul></section>`
    : ''
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`Cairn monitoring — ${d.monitor} — ${r.window.label}`)}</title><style>${CSS}</style></head>
<body><header><h1>Monitoring report: ${esc(d.monitor)}${d.model ? ` <span style="font-weight:400">· model ${esc(d.model)}</span>` : ''}</h1>
<div class="sub">${esc(r.window.kind === 'batch' ? `batch ${r.window.label}` : `window ${r.window.label}`)} · ${esc(r.rowCount.toLocaleString('en-US'))} rows · ${esc(r.labelledRows.toLocaleString('en-US'))} labelled · evaluated ${esc(new Date(r.evaluatedAt).toISOString())}</div></header>
<main><div class="cards">${verdict}${card('Drifted columns', share)}${card('Data-quality failures', String(r.quality.failures), r.quality.failures > 0 ? 'bad' : 'ok')}${
    pd
      ? card(
          'Prediction drift',
          pd.drifted > 0 ? 'DRIFT' : pd.evaluated > 0 ? 'stable' : 'not decided',
          pd.drifted > 0 ? 'bad' : 'ok',
        )
      : ''
  }${metricCards}${perfNote}</div>
${historySection(d)}
${drift ? driftTable(drift.columns, `Feature drift — ${drift.columns.length} columns`) : `<section><h2>Feature drift</h2><p class="muted">Not tested: the window is ${esc(r.status)} (${r.rowCount} rows).</p></section>`}
${problems}
${pd ? driftTable(pd.columns, 'Prediction drift (model outputs)') : ''}
${qualityTable(r)}
${alertsSection(d)}
</main><footer>Generated by Cairn ${esc(d.cairnVersion)} at ${esc(d.generatedAt)}. Scores: p-values (drift when small) for K-S, chi-square, z and Anderson-Darling; distances (drift when large) for Wasserstein (normed), Jensen-Shannon, PSI, KL and Hellinger; ROC AUC for the text domain classifier. The JSON twin of this page holds every number.</footer></body></html>
`
}

/** Write the report page and its JSON twin (`<path>` and `<path without .html>.json`), atomically. */
export async function writeReport(
  d: MonitorReportData,
  htmlPath: string,
): Promise<{ html: string; json: string }> {
  const json = htmlPath.replace(/\.html?$/i, '') + '.json'
  await writeFileAtomic(htmlPath, renderReportHtml(d))
  await writeFileAtomic(json, `${JSON.stringify(d, null, 2)}\n`)
  return { html: htmlPath, json }
}
