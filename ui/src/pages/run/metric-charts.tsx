import { useCallback, useEffect, useMemo, useState } from 'react'
import { api, asApiError } from '../../api/client.js'
import type { MetricSeries } from '../../api/types.js'
import { useApi } from '../../api/use-api.js'
import { LineChart, type LineSeries } from '../../charts/line-chart.js'
import { formatNumber } from '../../components/format.js'
import { ErrorBox, Loading } from '../../components/states.js'
import { useQueryState } from '../../router.js'
import { colorAt } from '../../theme.js'

export interface ChartRun {
  runId: string
  label: string
}

type XKind = 'step' | 'time'

async function fetchSeries(
  runIds: string[],
  keys: string[],
  o: { points: number; x: XKind; from?: number | undefined; to?: number | undefined },
  signal?: AbortSignal,
): Promise<MetricSeries[]> {
  const answer = await api<{ series: MetricSeries[] }>('/runs/metric-series', {
    ...(signal ? { signal } : {}),
    body: {
      runIds,
      keys,
      maxPoints: o.points,
      x: o.x,
      ...(o.from !== undefined ? { from: o.from } : {}),
      ...(o.to !== undefined ? { to: o.to } : {}),
    },
  })
  return answer.series
}

/** The chart controls, kept in the URL: smoothing, log scale, x axis and resolution. */
export function ChartControls() {
  const [q, set] = useQueryState()
  const smoothing = Number(q.get('smooth') ?? 0)
  return (
    <div className="chart-controls" data-testid="chart-controls">
      <label className="inline">
        Smoothing
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={smoothing}
          onChange={(e) => set({ smooth: Number(e.target.value) > 0 ? e.target.value : '' })}
          aria-label="Smoothing"
          data-testid="smoothing"
        />
        <span className="mono small" style={{ width: 32 }}>
          {smoothing.toFixed(2)}
        </span>
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={q.get('log') === '1'}
          onChange={(e) => set({ log: e.target.checked ? '1' : '' })}
          data-testid="log-scale"
        />
        Log scale
      </label>
      <fieldset className="segmented">
        <legend className="sr-only">X axis</legend>
        {(['step', 'time'] as const).map((x) => (
          <button
            key={x}
            type="button"
            aria-pressed={(q.get('x') ?? 'step') === x}
            onClick={() => set({ x: x === 'step' ? '' : x })}
          >
            {x === 'step' ? 'Step' : 'Time'}
          </button>
        ))}
      </fieldset>
      <label className="inline">
        Points
        <select
          value={q.get('points') ?? '1000'}
          onChange={(e) => set({ points: e.target.value === '1000' ? '' : e.target.value })}
          aria-label="Points per line"
          data-testid="points"
        >
          <option value="500">500</option>
          <option value="1000">1,000</option>
          <option value="5000">5,000</option>
          <option value="20000">20,000</option>
          <option value="100000">100,000</option>
        </select>
      </label>
      <span className="faint small">Drag across a chart to zoom; double-click to reset.</span>
    </div>
  )
}

function useChartSettings() {
  const [q] = useQueryState()
  return {
    smoothing: Math.min(0.99, Math.max(0, Number(q.get('smooth') ?? 0) || 0)),
    logY: q.get('log') === '1',
    x: (q.get('x') === 'time' ? 'time' : 'step') as XKind,
    points: Math.min(100_000, Math.max(100, Number(q.get('points') ?? 1000) || 1000)),
  }
}

/** One metric over steps for several runs; zooming reloads the selected range from the server. */
function MetricChart({
  runs,
  metric,
  initial,
}: {
  runs: ChartRun[]
  metric: string
  initial: MetricSeries[]
}) {
  const settings = useChartSettings()
  const [range, setRange] = useState<{ from: number; to: number } | null>(null)
  const [series, setSeries] = useState(initial)
  const [error, setError] = useState<ReturnType<typeof asApiError>>()
  const [drawMs, setDrawMs] = useState<number | null>(null)
  useEffect(() => {
    setSeries(initial)
    setRange(null)
  }, [initial])
  const runKey = runs.map((r) => r.runId).join(',')
  useEffect(() => {
    if (!range) return
    const controller = new AbortController()
    fetchSeries(
      runKey.split(','),
      [metric],
      { points: settings.points, x: settings.x, from: range.from, to: range.to },
      controller.signal,
    ).then(setSeries, (e) => {
      if (!controller.signal.aborted) setError(asApiError(e))
    })
    return () => controller.abort()
  }, [range, runKey, metric, settings.points, settings.x])
  const lines: LineSeries[] = useMemo(
    () =>
      series.map((s) => {
        const i = runs.findIndex((r) => r.runId === s.runId)
        return {
          label: runs.length > 1 ? (runs[i]?.label ?? s.runId) : metric,
          color: colorAt(Math.max(0, i)),
          xs: s.xs,
          ys: s.ys,
          mins: s.mins,
          maxs: s.maxs,
        }
      }),
    [series, runs, metric],
  )
  const total = series.reduce((n, s) => n + s.total, 0)
  const shown = series.reduce((n, s) => n + s.xs.length, 0)
  const onZoom = useCallback((from: number, to: number) => setRange({ from, to }), [])
  const onReset = useCallback(() => {
    setRange(null)
    setSeries(initial)
  }, [initial])
  return (
    <div className="panel" data-testid="metric-chart" data-metric={metric} data-points={shown}>
      <div className="panel-head">
        <span className="chart-title mono">{metric}</span>
        <span className="faint small">
          {shown.toLocaleString()} of {total.toLocaleString()} points
          {series.some((s) => s.downsampled) ? ' (downsampled, band = min–max)' : ''}
          {drawMs !== null ? ` · drawn in ${drawMs.toFixed(0)} ms` : ''}
        </span>
        <span className="spacer" />
        {range ? (
          <button type="button" className="small" onClick={onReset}>
            Reset zoom
          </button>
        ) : null}
      </div>
      <div className="panel-body">
        {error ? <ErrorBox error={error} /> : null}
        <LineChart
          series={lines}
          x={settings.x}
          logY={settings.logY}
          smoothing={settings.smoothing}
          onZoom={onZoom}
          onResetZoom={onReset}
          onDraw={setDrawMs}
        />
      </div>
    </div>
  )
}

/**
 * Charts of the given metrics for one or more runs (overlaid), with the controls from the URL.
 * Metrics with a single value are listed in a table instead of drawn.
 */
export function MetricCharts({ runs, metrics }: { runs: ChartRun[]; metrics: string[] }) {
  const settings = useChartSettings()
  const runIds = runs.map((r) => r.runId)
  const all = useApi(
    (signal) =>
      metrics.length === 0
        ? Promise.resolve([] as MetricSeries[])
        : fetchSeries(
            runIds,
            metrics.slice(0, Math.floor(400 / Math.max(1, runIds.length))),
            { points: settings.points, x: settings.x },
            signal,
          ),
    [runIds.join(','), metrics.join(','), settings.points, settings.x],
  )
  const byKey = useMemo(() => {
    const m = new Map<string, MetricSeries[]>()
    for (const s of all.data ?? []) m.set(s.key, [...(m.get(s.key) ?? []), s])
    return m
  }, [all.data])
  if (all.error) return <ErrorBox error={all.error} />
  if (!all.data) return <Loading what="Loading metric histories" />
  const charted = metrics.filter((k) => (byKey.get(k) ?? []).some((s) => s.total > 1))
  const single = metrics.filter((k) => !charted.includes(k))
  return (
    <div style={{ display: 'grid', gap: 14 }}>
      <ChartControls />
      {charted.length === 0 ? (
        <div className="muted">
          No metric has more than one value yet; log values with a step to draw curves.
        </div>
      ) : null}
      <div className="chart-grid">
        {charted.map((k) => (
          <MetricChart key={k} runs={runs} metric={k} initial={byKey.get(k) ?? []} />
        ))}
      </div>
      {single.length > 0 ? (
        <div className="panel">
          <div className="panel-head">
            <h2>Single-value metrics</h2>
          </div>
          <div className="panel-body flush">
            <table className="data">
              <thead>
                <tr>
                  <th>Metric</th>
                  {runs.map((r) => (
                    <th key={r.runId} className="num">
                      {runs.length > 1 ? r.label : 'Value'}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {single.map((k) => (
                  <tr key={k}>
                    <td className="mono">{k}</td>
                    {runs.map((r) => {
                      const s = byKey.get(k)?.find((x) => x.runId === r.runId)
                      return (
                        <td key={r.runId} className="num">
                          {s && s.ys.length > 0 ? formatNumber(s.ys[s.ys.length - 1]) : '—'}
                        </td>
                      )
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </div>
  )
}
