import { formatNumber, formatPercent } from '../components/format.js'

export interface HistogramSeries {
  label: string
  color: string
  /** Counts or shares per bin (normalised to shares for drawing). */
  values: readonly number[]
}

/**
 * Bars per bin, several series overlaid (reference vs current): numeric bins with `edges`
 * (bins = edges − 1) or categories with `labels`. Values are drawn as shares of each series.
 */
export function Histogram({
  edges,
  labels,
  series,
  width = 320,
  height = 140,
  title,
}: {
  edges?: readonly number[] | undefined
  labels?: readonly string[] | undefined
  series: HistogramSeries[]
  width?: number
  height?: number
  title?: string
}) {
  const bins = labels?.length ?? Math.max(0, (edges?.length ?? 1) - 1)
  if (bins === 0) return <div className="muted small">No values</div>
  const shares = series.map((s) => {
    const total = s.values.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0)
    return s.values.map((v) => (total > 0 ? v / total : 0))
  })
  const max = Math.max(1e-9, ...shares.flat())
  const pad = { l: 34, r: 6, t: 6, b: labels ? 30 : 20 }
  const w = width - pad.l - pad.r
  const h = height - pad.t - pad.b
  const bw = w / bins
  const inner = series.length > 1 ? bw * 0.84 : bw * 0.9
  const sub = inner / series.length
  const label = (i: number) =>
    labels ? labels[i] : `${formatNumber(edges?.[i] ?? 0, 3)} – ${formatNumber(edges?.[i + 1] ?? 0, 3)}`
  return (
    <svg width={width} height={height} role="img" aria-label={title ?? 'histogram'} data-testid="histogram">
      {title ? <title>{title}</title> : null}
      <line x1={pad.l} x2={pad.l + w} y1={pad.t + h} y2={pad.t + h} stroke="var(--border-strong)" />
      <text x={pad.l - 4} y={pad.t + 8} fontSize={10} textAnchor="end">
        {formatPercent(max, 0)}
      </text>
      <text x={pad.l - 4} y={pad.t + h} fontSize={10} textAnchor="end">
        0
      </text>
      {shares.map((vals, s) =>
        vals.map((v, i) => {
          const bh = (v / max) * h
          return (
            <rect
              // biome-ignore lint/suspicious/noArrayIndexKey: bins are positional
              key={`${s}-${i}`}
              x={pad.l + i * bw + (bw - inner) / 2 + s * sub}
              y={pad.t + h - bh}
              width={Math.max(1, sub - (series.length > 1 ? 1 : 0.5))}
              height={bh}
              fill={series[s]?.color}
              opacity={0.85}
            >
              <title>{`${series[s]?.label} · ${label(i)}: ${formatPercent(v)}`}</title>
            </rect>
          )
        }),
      )}
      {labels
        ? labels.map((l, i) =>
            bins <= 12 ? (
              <text key={l} x={pad.l + i * bw + bw / 2} y={height - 16} fontSize={10} textAnchor="middle">
                {l.length > 9 ? `${l.slice(0, 8)}…` : l}
              </text>
            ) : null,
          )
        : [0, bins].map((i) => (
            <text
              key={i}
              x={pad.l + i * bw}
              y={height - 6}
              fontSize={10}
              textAnchor={i === 0 ? 'start' : 'end'}
            >
              {formatNumber(edges?.[i] ?? 0, 3)}
            </text>
          ))}
    </svg>
  )
}

/** Horizontal bars for top values (categorical profiles). */
export function BarList({ items, total }: { items: { label: string; value: number }[]; total: number }) {
  const max = Math.max(1, ...items.map((i) => i.value))
  return (
    <div className="row" style={{ flexDirection: 'column', alignItems: 'stretch', gap: 4 }}>
      {items.map((i) => (
        <div className="bar-row" key={i.label}>
          <span className="ellipsis" title={i.label}>
            {i.label}
          </span>
          <div className="bar" style={{ width: `${(i.value / max) * 100}%` }} />
          <span className="muted small" style={{ textAlign: 'right' }}>
            {formatPercent(total > 0 ? i.value / total : 0, 0)}
          </span>
        </div>
      ))}
    </div>
  )
}
