import { useMemo, useState } from 'react'
import { api } from '../api/client.js'
import type { Run } from '../api/types.js'
import { useApi } from '../api/use-api.js'
import { ParallelCoordinates } from '../charts/parallel-coordinates.js'
import { formatDuration, formatNumber } from '../components/format.js'
import { PageHead } from '../components/layout.js'
import { EmptyState, ErrorBox, Loading, StatusBadge } from '../components/states.js'
import { Tabs } from '../components/tabs.js'
import { href, navigate, path, useQueryState } from '../router.js'
import { colorAt } from '../theme.js'
import { MetricCharts } from './run/metric-charts.js'

interface DiffRow {
  group: 'attribute' | 'param' | 'metric' | 'tag'
  key: string
  values: (string | number | undefined)[]
  differs: boolean
}

function diffRows(runs: Run[]): DiffRow[] {
  const rows: DiffRow[] = []
  const add = (group: DiffRow['group'], key: string, values: (string | number | undefined)[]) => {
    const shown = values.map((v) => (v === undefined ? '' : String(v)))
    rows.push({ group, key, values, differs: new Set(shown).size > 1 })
  }
  add(
    'attribute',
    'status',
    runs.map((r) => r.info.status),
  )
  add(
    'attribute',
    'duration',
    runs.map((r) => (r.info.endTime ? formatDuration(r.info.endTime - r.info.startTime) : undefined)),
  )
  const keys = (pick: (r: Run) => Record<string, unknown>) =>
    [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort()
  for (const k of keys((r) => r.data.params))
    add(
      'param',
      k,
      runs.map((r) => r.data.params[k]),
    )
  for (const k of keys((r) => r.data.metrics))
    add(
      'metric',
      k,
      runs.map((r) => r.data.metrics[k]?.value as number | undefined),
    )
  for (const k of keys((r) => r.data.tags).filter((k) => !k.startsWith('mlflow.')))
    add(
      'tag',
      k,
      runs.map((r) => r.data.tags[k]),
    )
  return rows
}

/** Compare runs: a diff table of params and metrics, overlaid metric charts, and parallel coordinates. */
export function ComparePage() {
  const [q, set] = useQueryState()
  const ids = (q.get('runs') ?? '').split(',').filter(Boolean).slice(0, 100)
  const view = q.get('view') ?? 'table'
  const [onlyDiff, setOnlyDiff] = useState(q.get('diff') === '1')
  const runs = useApi(
    (signal) => Promise.all(ids.map((id) => api<Run>(`/runs/${encodeURIComponent(id)}`, { signal }))),
    [ids.join(',')],
  )
  const chartRuns = useMemo(
    () =>
      (runs.data ?? []).map((r) => ({
        runId: r.info.runId,
        label: r.info.runName || r.info.runId.slice(0, 8),
      })),
    [runs.data],
  )
  if (ids.length < 2)
    return (
      <div className="page">
        <PageHead title="Compare runs" />
        <div className="panel">
          <EmptyState title="Choose at least two runs">
            Tick runs in an experiment's table and press <strong>Compare</strong>, or open a sweep's parent
            run and use <strong>Compare children</strong>.
          </EmptyState>
        </div>
      </div>
    )
  if (runs.error)
    return (
      <div className="page">
        <PageHead title="Compare runs" crumbs={[{ href: '#/experiments', label: 'Experiments' }]} />
        <ErrorBox error={runs.error} title="One of the runs could not be loaded" />
      </div>
    )
  if (!runs.data) return <Loading what="Loading runs" />
  const list = runs.data
  const rows = diffRows(list)
  const shown = onlyDiff ? rows.filter((r) => r.differs) : rows
  const metricKeys = [...new Set(list.flatMap((r) => Object.keys(r.data.metrics)))].sort()
  const experimentId = list[0]?.info.experimentId
  const numericParams = rows.filter(
    (r) => r.group === 'param' && r.differs && r.values.every((v) => v !== undefined),
  )
  const pcMetric = q.get('pc') ?? metricKeys[0] ?? ''
  return (
    <div className="page">
      <PageHead
        crumbs={[
          { href: '#/experiments', label: 'Experiments' },
          ...(experimentId
            ? [{ href: href(path('experiments', experimentId)), label: `#${experimentId}` }]
            : []),
        ]}
        title={`Compare ${list.length} runs`}
        subtitle={
          <span className="row">
            {list.slice(0, 12).map((r, i) => (
              <a
                key={r.info.runId}
                href={href(path('runs', r.info.runId))}
                className="row"
                style={{ gap: 4 }}
              >
                <span className="dot" style={{ background: colorAt(i) }} />
                {r.info.runName || r.info.runId.slice(0, 8)}
              </a>
            ))}
            {list.length > 12 ? <span>+{list.length - 12} more</span> : null}
          </span>
        }
      />
      <Tabs
        items={[
          { id: 'table', label: 'Params & metrics' },
          { id: 'charts', label: 'Metric charts' },
          { id: 'parallel', label: 'Parallel coordinates' },
        ]}
        selected={view}
        onSelect={(v) => set({ view: v === 'table' ? '' : v })}
      />
      {view === 'table' ? (
        <div className="panel">
          <div className="panel-head">
            <label className="inline">
              <input
                type="checkbox"
                checked={onlyDiff}
                onChange={(e) => {
                  setOnlyDiff(e.target.checked)
                  set({ diff: e.target.checked ? '1' : '' })
                }}
                data-testid="only-diff"
              />
              Only rows that differ
            </label>
            <span className="faint small">
              {rows.filter((r) => r.differs).length} of {rows.length} rows differ (highlighted)
            </span>
          </div>
          <div className="panel-body flush" style={{ overflow: 'auto', maxHeight: '70vh' }}>
            <table className="data" data-testid="diff-table">
              <thead>
                <tr>
                  <th style={{ left: 0, zIndex: 2 }}>Key</th>
                  {list.map((r, i) => (
                    <th key={r.info.runId} className="num nowrap">
                      <span className="dot" style={{ background: colorAt(i), marginRight: 6 }} />
                      <a href={href(path('runs', r.info.runId))}>
                        {r.info.runName || r.info.runId.slice(0, 8)}
                      </a>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shown.map((row) => (
                  <tr
                    key={`${row.group}:${row.key}`}
                    className={row.differs ? 'differs' : ''}
                    data-differs={row.differs}
                  >
                    <td className="nowrap">
                      <span className="faint small">{row.group} </span>
                      <span className="mono">{row.key}</span>
                    </td>
                    {row.values.map((v, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: one cell per run, in order
                      <td key={i} className="num">
                        {v === undefined ? (
                          <span className="faint">—</span>
                        ) : row.key === 'status' ? (
                          <StatusBadge status={String(v)} />
                        ) : row.group === 'metric' ? (
                          formatNumber(v)
                        ) : (
                          String(v)
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
      {view === 'charts' ? <MetricCharts runs={chartRuns} metrics={metricKeys} /> : null}
      {view === 'parallel' ? (
        <div className="panel">
          <div className="panel-head">
            <label className="inline">
              Colour by
              <select
                value={pcMetric}
                onChange={(e) => set({ pc: e.target.value })}
                aria-label="Metric to colour by"
              >
                {metricKeys.map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </label>
            <span className="legend">
              <span>
                <span className="swatch" style={{ background: 'rgb(31,111,235)' }} />
                low {pcMetric}
              </span>
              <span>
                <span className="swatch" style={{ background: 'rgb(229,83,75)' }} />
                high {pcMetric}
              </span>
            </span>
            <span className="faint small">One axis per param that varies; click a line to open its run.</span>
          </div>
          <div className="panel-body" style={{ overflow: 'auto' }}>
            {numericParams.length === 0 ? (
              <div className="muted">
                These runs share every param; parallel coordinates need params that vary.
              </div>
            ) : (
              <ParallelCoordinates
                axes={[
                  ...numericParams.map((p) => ({
                    key: p.key,
                    label: p.key,
                    values: p.values.map((v) => {
                      const n = Number(v)
                      return v !== undefined && v !== '' && Number.isFinite(n) ? n : (v ?? null)
                    }),
                  })),
                  {
                    key: `metric:${pcMetric}`,
                    label: pcMetric,
                    values: list.map((r) => {
                      const v = r.data.metrics[pcMetric]?.value
                      return typeof v === 'number' ? v : null
                    }),
                  },
                ]}
                colorBy={numericParams.length}
                names={list.map((r) => r.info.runName || r.info.runId)}
                onOpen={(i) => {
                  const r = list[i]
                  if (r) navigate(href(path('runs', r.info.runId)))
                }}
                width={Math.max(760, Math.min(1100, 240 * (numericParams.length + 1)))}
              />
            )}
          </div>
        </div>
      ) : null}
    </div>
  )
}
