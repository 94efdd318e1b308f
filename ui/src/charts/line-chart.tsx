import { useEffect, useMemo, useRef } from 'react'
import uPlot, { type AlignedData, type Options } from 'uplot'
import { formatNumber } from '../components/format.js'
import { cssVar, useTheme } from '../theme.js'
import { alignSeries, smooth } from './smoothing.js'

export interface LineSeries {
  label: string
  color: string
  xs: readonly number[]
  ys: readonly (number | null)[]
  /** Bucket extremes of downsampled data, drawn as a band. */
  mins?: readonly number[] | undefined
  maxs?: readonly number[] | undefined
  dashed?: boolean
}

export interface LineChartProps {
  series: LineSeries[]
  x?: 'step' | 'time' | 'index'
  logY?: boolean
  /** 0..0.99: TensorBoard-style smoothing (the raw line stays faint behind). */
  smoothing?: number
  height?: number
  /** Drag to select a range: the parent reloads that range at full resolution. */
  onZoom?(from: number, to: number): void
  onResetZoom?(): void
  yLabel?: string
  /** Called once the chart is on screen with the time from its data to the painted frame (ms). */
  onDraw?(ms: number): void
  testId?: string
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumSignificantDigits: 3 })

/** Axis labels: compact for large values (1.2M), blank for unlabeled log-scale ticks. */
function axisNumber(v: number | null): string {
  if (v === null || v === undefined) return ''
  return Math.abs(v) >= 10_000 ? compact.format(v) : formatNumber(v, 3)
}

function withAlpha(hex: string, alpha: number): string {
  const h = hex.replace('#', '')
  const n = Number.parseInt(h.length === 3 ? h.replace(/./g, '$&$&') : h, 16)
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`
}

/**
 * A fast line chart (uPlot on canvas): many series over steps or time, log scale, smoothing,
 * min/max bands for downsampled data, drag to zoom, double-click to reset.
 */
export function LineChart(props: LineChartProps) {
  const {
    series,
    x = 'step',
    logY = false,
    smoothing = 0,
    height = 260,
    onZoom,
    onResetZoom,
    onDraw,
    yLabel,
  } = props
  const el = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const theme = useTheme()
  const zoomRef = useRef(onZoom)
  zoomRef.current = onZoom
  const resetRef = useRef(onResetZoom)
  resetRef.current = onResetZoom
  const drawRef = useRef(onDraw)
  drawRef.current = onDraw
  const prepared = useRef(0)
  const measured = useRef(-1)

  const built = useMemo(() => {
    prepared.current = performance.now()
    const xsList: (readonly number[])[] = []
    const ysList: (readonly (number | null)[])[] = []
    const specs: uPlot.Series[] = [{ label: x === 'time' ? 'time' : x }]
    const bands: uPlot.Band[] = []
    const clean = (ys: readonly (number | null)[]) =>
      logY ? ys.map((v) => (v !== null && v > 0 ? v : null)) : ys
    for (const s of series) {
      const hasBand = s.mins && s.maxs && s.mins.length === s.xs.length
      if (hasBand) {
        const lo = xsList.length + 1
        xsList.push(s.xs, s.xs)
        ysList.push(clean(s.maxs as number[]), clean(s.mins as number[]))
        specs.push(
          {
            label: `${s.label} max`,
            stroke: withAlpha(s.color, 0.25),
            width: 0.5,
            points: { show: false },
            spanGaps: true,
          },
          {
            label: `${s.label} min`,
            stroke: withAlpha(s.color, 0.25),
            width: 0.5,
            points: { show: false },
            spanGaps: true,
          },
        )
        bands.push({ series: [lo, lo + 1], fill: withAlpha(s.color, 0.12) })
      }
      if (smoothing > 0) {
        xsList.push(s.xs)
        ysList.push(clean(s.ys))
        specs.push({
          label: `${s.label} (raw)`,
          stroke: withAlpha(s.color, 0.28),
          width: 1,
          points: { show: false },
          spanGaps: true,
        })
      }
      xsList.push(s.xs)
      ysList.push(clean(smoothing > 0 ? smooth(s.ys, smoothing) : s.ys))
      specs.push({
        label: s.label,
        stroke: s.color,
        width: 1.6,
        spanGaps: true,
        dash: s.dashed ? [6, 4] : undefined,
        points: { show: s.xs.length < 60, size: 5 },
        value: (_u, v) => formatNumber(v),
      })
    }
    const { x: xs, ys } = alignSeries(xsList, ysList)
    const data = [xs, ...ys] as unknown as AlignedData
    return { data, specs, bands }
  }, [series, smoothing, logY, x])

  // biome-ignore lint/correctness/useExhaustiveDependencies: a theme change redraws with the new colours
  useEffect(() => {
    const host = el.current
    if (!host) return
    const axis = cssVar('--fg-muted')
    const grid = cssVar('--border')
    const opts: Options = {
      width: Math.max(200, host.clientWidth),
      height,
      ms: 1,
      series: built.specs,
      bands: built.bands,
      legend: { show: true, live: true },
      cursor: {
        drag: { x: true, y: false, setScale: !zoomRef.current },
        points: { size: 6 },
      },
      scales: {
        x: { time: x === 'time' },
        y: logY ? { distr: 3 } : {},
      },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } },
        {
          stroke: axis,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          size: 64,
          values: (_u, vals) => vals.map(axisNumber),
          ...(yLabel ? { label: yLabel } : {}),
        },
      ],
      hooks: {
        setSelect: [
          (u) => {
            const zoom = zoomRef.current
            if (!zoom || u.select.width < 3) return
            const from = u.posToVal(u.select.left, 'x')
            const to = u.posToVal(u.select.left + u.select.width, 'x')
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false)
            zoom(from, to)
          },
        ],
      },
    }
    const u = new uPlot(opts, built.data, host)
    plot.current = u
    // From the series data (or, on a redraw for a theme or option change, from now) to the painted frame.
    const t0 = prepared.current !== measured.current ? prepared.current : performance.now()
    measured.current = prepared.current
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => drawRef.current?.(performance.now() - t0))
    })
    // Band edges and raw lines under smoothing stay out of the legend.
    host.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((row, i) => {
      const label = (built.specs[i]?.label as string | undefined) ?? ''
      if (/ (max|min|\(raw\))$/.test(label)) row.style.display = 'none'
    })
    const onDbl = () => resetRef.current?.()
    u.over.addEventListener('dblclick', onDbl)
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, host.clientWidth)
      if (Math.abs(w - u.width) > 2) u.setSize({ width: w, height })
    })
    ro.observe(host)
    return () => {
      cancelAnimationFrame(frame)
      ro.disconnect()
      u.over.removeEventListener('dblclick', onDbl)
      u.destroy()
      plot.current = null
    }
  }, [built, height, x, logY, theme, yLabel])

  return <div className="chart" ref={el} data-testid={props.testId ?? 'line-chart'} />
}
