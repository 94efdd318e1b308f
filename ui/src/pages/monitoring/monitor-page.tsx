import { useMemo } from 'react'
import { api } from '../../api/client.js'
import type {
  AlertEvent,
  AlertState,
  ColumnDrift,
  MonitorRecord,
  MonitorResult,
  MonitorRunSummary,
  SeriesPoint,
} from '../../api/types.js'
import { useApi } from '../../api/use-api.js'
import { Histogram } from '../../charts/histogram.js'
import { LineChart } from '../../charts/line-chart.js'
import { formatNumber, formatPercent, formatTime } from '../../components/format.js'
import { PageHead } from '../../components/layout.js'
import { ErrorBox, Loading, ResourceState, StatusBadge } from '../../components/states.js'
import { Tabs } from '../../components/tabs.js'
import { href, path, useQueryState } from '../../router.js'
import { colorAt, cssVar, useTheme } from '../../theme.js'

interface MonitorDetail {
  monitor: MonitorRecord
  runs: MonitorRunSummary[]
  alerts: AlertState[]
  events: AlertEvent[]
}

function windowLabel(r: MonitorRunSummary): string {
  return r.label ?? formatTime(r.windowEnd)
}

/** A column head of the drift matrix: the window's label when short, else the time it ended. */
function shortWindowLabel(r: MonitorRunSummary): string {
  const label = r.label?.replace(/\s*\(.*\)$/, '')
  if (label && label.length <= 12) return label
  return new Date(r.windowEnd).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

/** Features × windows: a cell per test, red when drifted; a column click opens that window. */
function DriftMatrix({
  runs,
  points,
  selected,
  onSelect,
}: {
  runs: MonitorRunSummary[]
  points: SeriesPoint[]
  selected: string | undefined
  onSelect(runId: string): void
}) {
  const features = [...new Set(points.map((p) => p.name))].sort()
  const byKey = new Map(points.map((p) => [`${p.name}@${p.windowEnd}`, p]))
  const shown = runs.slice(-24)
  return (
    <div style={{ overflow: 'auto' }}>
      <table className="data" style={{ width: 'auto' }} data-testid="drift-matrix">
        <thead>
          <tr>
            <th>Feature</th>
            {shown.map((r) => (
              <th key={r.runId} className="num" style={{ padding: '4px 3px' }}>
                <button
                  type="button"
                  className="ghost small"
                  style={{ padding: '0 2px', fontWeight: r.runId === selected ? 700 : 400 }}
                  onClick={() => onSelect(r.runId)}
                  title={`Window ${windowLabel(r)}, ending ${formatTime(r.windowEnd)}`}
                  aria-pressed={r.runId === selected}
                >
                  {shortWindowLabel(r)}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {features.map((f) => (
            <tr key={f}>
              <td className="mono">{f}</td>
              {shown.map((r) => {
                const p = byKey.get(`${f}@${r.windowEnd}`)
                const bg =
                  p?.flagged === true
                    ? 'var(--bad)'
                    : p?.flagged === false
                      ? 'var(--ok-soft)'
                      : 'var(--bg-sunken)'
                return (
                  <td key={r.runId} style={{ padding: 2 }}>
                    <div
                      title={
                        p
                          ? `${f} · ${p.test ?? ''} score ${formatNumber(p.value)} (threshold ${formatNumber(p.threshold)})${p.flagged ? ' · drifted' : ''}`
                          : 'not tested'
                      }
                      style={{
                        width: 30,
                        height: 18,
                        borderRadius: 3,
                        background: bg,
                        outline: r.runId === selected ? '2px solid var(--accent)' : undefined,
                      }}
                    />
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function FeatureTable({
  columns,
  selected,
  onSelect,
}: {
  columns: ColumnDrift[]
  selected: string | null
  onSelect(c: string): void
}) {
  useTheme()
  const ref = cssVar('--ref') || '#8c959f'
  const cur = cssVar('--cur') || '#1f6feb'
  return (
    <table className="data" data-testid="feature-table">
      <thead>
        <tr>
          <th>Feature</th>
          <th>Test</th>
          <th className="num">Score</th>
          <th className="num">Threshold</th>
          <th>Drifted</th>
          <th>
            Reference vs current{' '}
            <span className="legend" style={{ display: 'inline-flex', fontWeight: 400 }}>
              <span>
                <span className="swatch" style={{ background: ref }} />
                reference
              </span>
              <span>
                <span className="swatch" style={{ background: cur }} />
                current
              </span>
            </span>
          </th>
        </tr>
      </thead>
      <tbody>
        {columns.map((c) => (
          <tr
            key={c.column}
            className={selected === c.column ? 'selected' : ''}
            data-feature={c.column}
            data-drifted={String(c.drifted)}
          >
            <td>
              <button
                type="button"
                className="ghost small mono"
                onClick={() => onSelect(c.column)}
                aria-pressed={selected === c.column}
              >
                {c.column}
              </button>
              <div className="faint small">{c.kind ?? ''}</div>
            </td>
            <td>
              {c.testLabel ?? c.test ?? '—'}
              <div className="faint small">
                {c.scoreKind === 'p_value'
                  ? 'p-value (drift when below)'
                  : c.scoreKind === 'distance'
                    ? 'distance (drift when above)'
                    : (c.scoreKind ?? '')}
              </div>
            </td>
            <td className="num">{formatNumber(c.score)}</td>
            <td className="num">{formatNumber(c.threshold)}</td>
            <td>
              {c.drifted === true ? (
                <StatusBadge status="failed" label="drifted" />
              ) : c.drifted === false ? (
                <StatusBadge status="ok" label="no" />
              ) : (
                <span className="badge warn" title={c.message}>
                  {c.status}
                </span>
              )}
            </td>
            <td>
              {c.distribution ? (
                <Histogram
                  edges={c.distribution.edges}
                  labels={c.distribution.labels}
                  series={[
                    { label: 'reference', color: ref, values: c.distribution.reference },
                    { label: 'current', color: cur, values: c.distribution.current },
                  ]}
                  width={selected === c.column ? 520 : 260}
                  height={selected === c.column ? 200 : 84}
                  title={`${c.column}: reference vs current`}
                />
              ) : (
                <span className="faint small">no distribution</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function seriesLines(points: SeriesPoint[], names?: string[]) {
  const by = new Map<string, SeriesPoint[]>()
  for (const p of points) if (!names || names.includes(p.name)) by.set(p.name, [...(by.get(p.name) ?? []), p])
  return [...by.entries()].map(([name, ps], i) => ({
    label: name,
    color: colorAt(i),
    xs: ps.map((p) => p.windowEnd),
    ys: ps.map((p) => p.value),
  }))
}

/** One monitor: drift over time, per-feature tests with histograms, data quality, performance and alerts. */
export function MonitorPage({ name }: { name: string }) {
  const [q, set] = useQueryState()
  const tab = q.get('tab') ?? 'drift'
  const base = `/monitors/${encodeURIComponent(name)}`
  const detail = useApi((signal) => api<MonitorDetail>(base, { signal }), [base])
  const drift = useApi(
    (signal) => api<{ items: SeriesPoint[] }>(`${base}/series`, { signal, query: { kind: 'drift' } }),
    [base],
  )
  const dataset = useApi(
    (signal) => api<{ items: SeriesPoint[] }>(`${base}/series`, { signal, query: { kind: 'dataset' } }),
    [base],
  )
  const perf = useApi(
    (signal) => api<{ items: SeriesPoint[] }>(`${base}/series`, { signal, query: { kind: 'performance' } }),
    [base],
  )
  const runs = detail.data?.runs ?? []
  const windowId = q.get('window') ?? runs[runs.length - 1]?.runId
  const result = useApi(
    (signal) =>
      windowId
        ? api<MonitorResult>(`${base}/results/${encodeURIComponent(windowId)}`, { signal })
        : Promise.resolve(undefined),
    [base, windowId],
  )
  const driftShare = useMemo(() => {
    const pts = (dataset.data?.items ?? []).filter((p) => p.name === 'drift_share')
    if (pts.length === 0) return []
    return [
      {
        label: 'drift share',
        color: colorAt(1),
        xs: pts.map((p) => p.windowEnd),
        ys: pts.map((p) => p.value),
      },
      {
        label: 'threshold',
        color: '#8c959f',
        xs: pts.map((p) => p.windowEnd),
        ys: pts.map((p) => p.threshold),
        dashed: true,
      },
    ]
  }, [dataset.data])
  const perfLines = useMemo(
    () => seriesLines(perf.data?.items ?? [], ['accuracy', 'f1', 'roc_auc', 'rmse', 'mae', 'r2']),
    [perf.data],
  )
  if (!detail.data)
    return (
      <ResourceState
        state={detail}
        notFound={`No monitor named "${name}"`}
        back={<a href="#/monitoring">All monitors</a>}
        loading="Loading the monitor"
      />
    )
  const d = detail.data
  const r = result.data
  const selectedRun = runs.find((x) => x.runId === windowId)
  const firing = d.alerts.filter((a) => a.state === 'firing')
  const feature = q.get('feature')
  return (
    <div className="page">
      <PageHead
        crumbs={[{ href: '#/monitoring', label: 'Monitoring' }]}
        title={
          <span className="row" style={{ gap: 10 }}>
            {name}
            {firing.map((a) => (
              <StatusBadge key={a.rule} status="firing" label={`${a.rule} firing`} />
            ))}
          </span>
        }
        subtitle={
          <>
            {d.monitor.model ? (
              <span>
                model <a href={href(path('models', d.monitor.model))}>{d.monitor.model}</a>
              </span>
            ) : null}
            {typeof d.monitor.config.window === 'string' ? (
              <span>window {d.monitor.config.window}</span>
            ) : null}
            <span>{runs.length} windows evaluated</span>
          </>
        }
        actions={
          <label className="inline">
            Window
            <select
              value={windowId ?? ''}
              onChange={(e) => set({ window: e.target.value })}
              aria-label="Window"
              data-testid="window-select"
            >
              {[...runs].reverse().map((x) => (
                <option key={x.runId} value={x.runId}>
                  {windowLabel(x)} · {x.rowCount} rows{x.datasetDrift ? ' · drift' : ''}
                </option>
              ))}
            </select>
          </label>
        }
      />
      <div className="grid-2">
        <div className="panel">
          <div className="panel-head">
            <h2>Dataset drift over time</h2>
            <span className="faint small">share of features that drifted, per window</span>
          </div>
          <div className="panel-body">
            {driftShare.length ? (
              <LineChart series={driftShare} x="time" height={200} testId="drift-chart" />
            ) : (
              <span className="muted">No windows yet.</span>
            )}
          </div>
        </div>
        <div className="panel">
          <div className="panel-head">
            <h2>Alerts</h2>
          </div>
          <div className="panel-body" style={{ display: 'grid', gap: 10 }} data-testid="alerts">
            <div className="row">
              {d.alerts.length === 0 ? (
                <span className="muted small">No alert rules have been evaluated.</span>
              ) : null}
              {d.alerts.map((a) => (
                <span key={a.rule} className="row" style={{ gap: 4 }}>
                  <StatusBadge status={a.state} label={`${a.rule}: ${a.state}`} />
                </span>
              ))}
            </div>
            <ul className="timeline" style={{ maxHeight: 170, overflow: 'auto' }}>
              {d.events.slice(0, 30).map((e) => (
                <li key={e.eventId} data-status={e.status}>
                  <span
                    className="dot"
                    style={{ background: e.status === 'firing' ? 'var(--bad)' : 'var(--ok)' }}
                  />
                  <div>
                    <strong>{e.rule}</strong> <StatusBadge status={e.status} />{' '}
                    <span className="faint small">{formatTime(e.timestamp)}</span>
                    <div className="small muted">{e.message}</div>
                  </div>
                </li>
              ))}
            </ul>
          </div>
        </div>
      </div>
      <div className="panel">
        <div className="panel-head">
          <h2>Feature drift by window</h2>
          <span className="faint small">red = drifted; click a window to open it</span>
        </div>
        <div className="panel-body">
          {drift.data ? (
            <DriftMatrix
              runs={runs}
              points={drift.data.items}
              selected={windowId}
              onSelect={(id) => set({ window: id })}
            />
          ) : (
            <Loading />
          )}
        </div>
      </div>
      <Tabs
        items={[
          { id: 'drift', label: 'Feature drift', count: r?.drift?.drifted },
          { id: 'quality', label: 'Data quality', count: r?.quality.failures },
          { id: 'performance', label: 'Performance' },
          { id: 'prediction', label: 'Prediction drift' },
        ]}
        selected={tab}
        onSelect={(t) => set({ tab: t === 'drift' ? '' : t })}
      />
      {result.error ? <ErrorBox error={result.error} /> : null}
      {!r && result.loading ? <Loading what="Loading the window" /> : null}
      {r && selectedRun ? (
        <div className="subtitle" data-testid="window-summary">
          <span>
            window <strong>{r.window.label}</strong> ending {formatTime(r.window.end)}
          </span>
          <span>{formatNumber(r.rowCount)} rows</span>
          <span>{formatNumber(r.labelledRows)} labelled</span>
          {r.drift ? (
            <span>
              {r.drift.drifted} of {r.drift.evaluated} features drifted (
              {formatPercent(r.drift.driftShare, 0)}; dataset drift at ≥{' '}
              {formatPercent(r.drift.driftShareThreshold, 0)})
            </span>
          ) : null}
          {r.status !== 'ok' ? <span className="badge warn">{r.status}</span> : null}
        </div>
      ) : null}
      {r && tab === 'drift' ? (
        <div className="panel">
          <div className="panel-body flush" style={{ overflow: 'auto' }}>
            {r.drift ? (
              <FeatureTable
                columns={r.drift.columns}
                selected={feature}
                onSelect={(c) => set({ feature: c === feature ? '' : c })}
              />
            ) : (
              <div className="panel-body muted">Drift was not tested in this window ({r.status}).</div>
            )}
          </div>
        </div>
      ) : null}
      {r && tab === 'prediction' ? (
        <div className="panel">
          <div className="panel-body flush" style={{ overflow: 'auto' }}>
            {r.predictionDrift ? (
              <FeatureTable
                columns={r.predictionDrift.columns}
                selected={feature}
                onSelect={(c) => set({ feature: c === feature ? '' : c })}
              />
            ) : (
              <div className="panel-body muted">This monitor does not see the model's outputs.</div>
            )}
          </div>
        </div>
      ) : null}
      {r && tab === 'quality' ? (
        <div className="panel">
          <div className="panel-body flush">
            <table className="data" data-testid="quality-table">
              <thead>
                <tr>
                  <th>Check</th>
                  <th>Column</th>
                  <th>Status</th>
                  <th className="num">Observed</th>
                  <th>Expected</th>
                  <th>Message</th>
                </tr>
              </thead>
              <tbody>
                {[...r.quality.checks]
                  .sort((a, b) => (a.status === 'fail' ? -1 : 0) - (b.status === 'fail' ? -1 : 0))
                  .map((c, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: checks can repeat per column
                    <tr key={i}>
                      <td className="mono">{c.check}</td>
                      <td className="mono">{c.column ?? '—'}</td>
                      <td>
                        <StatusBadge
                          status={
                            c.status === 'pass'
                              ? 'ok'
                              : c.status === 'fail'
                                ? 'failed'
                                : c.status === 'warn'
                                  ? 'pending'
                                  : 'not-run'
                          }
                          label={c.status}
                        />
                      </td>
                      <td className="num">
                        {typeof c.observed === 'number'
                          ? formatNumber(c.observed)
                          : String(c.observed ?? '—')}
                      </td>
                      <td className="muted">{String(c.expected ?? '')}</td>
                      <td className="small wrap">
                        {c.message}
                        {Array.isArray(c.examples) && c.examples.length ? (
                          <div className="faint mono">e.g. {(c.examples as string[]).join(', ')}</div>
                        ) : null}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
      {r && tab === 'performance' ? (
        <div className="grid-2">
          <div className="panel">
            <div className="panel-head">
              <h2>Performance over time</h2>
            </div>
            <div className="panel-body">
              {perfLines.length ? (
                <LineChart series={perfLines} x="time" height={220} testId="performance-chart" />
              ) : (
                <span className="muted">
                  No labelled rows yet. Send ground truth with <code>POST /v1/feedback</code> to{' '}
                  <code>cairn serve</code>, or include the target column in batches.
                </span>
              )}
            </div>
          </div>
          <div className="panel">
            <div className="panel-head">
              <h2>This window</h2>
            </div>
            <div className="panel-body flush">
              {r.performance && Object.keys(r.performance.metrics).length > 0 ? (
                <table className="data kv" data-testid="performance-table">
                  <tbody>
                    {Object.entries(r.performance.metrics).map(([k, v]) => (
                      <tr key={k}>
                        <td className="mono">{k}</td>
                        <td className="mono">{formatNumber(v)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <div className="panel-body muted">
                  {r.performance
                    ? `No metrics: ${String(r.performance.status ?? 'no labels')}`
                    : 'No labels in this window.'}
                </div>
              )}
            </div>
          </div>
        </div>
      ) : null}
    </div>
  )
}
