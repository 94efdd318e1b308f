import { useMemo, useState } from 'react'
import { formatNumber } from '../components/format.js'

export interface PcAxis {
  key: string
  label: string
  /** Numeric values per item, or category labels. */
  values: (number | string | null)[]
}

function colorFor(t: number): string {
  // From blue (low) through purple to orange-red (high).
  const a = [31, 111, 235]
  const b = [229, 83, 75]
  const c = a.map((x, i) => Math.round(x + ((b[i] as number) - x) * Math.min(1, Math.max(0, t))))
  return `rgb(${c.join(',')})`
}

/**
 * Parallel coordinates for tuning sweeps: one vertical axis per param and the chosen metric, one
 * line per run coloured by the metric. Hovering a line highlights it; clicking opens the run.
 */
export function ParallelCoordinates({
  axes,
  colorBy,
  names,
  onOpen,
  width = 900,
  height = 320,
}: {
  axes: PcAxis[]
  /** Index into axes whose value colours the lines (usually the metric, last). */
  colorBy: number
  names: string[]
  onOpen?(index: number): void
  width?: number
  height?: number
}) {
  const [hover, setHover] = useState<number | null>(null)
  const pad = { l: 40, r: 60, t: 28, b: 26 }
  const layout = useMemo(() => {
    return axes.map((a) => {
      const nums = a.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
      const categorical = nums.length < a.values.filter((v) => v !== null).length
      if (categorical) {
        const cats = [...new Set(a.values.filter((v) => v !== null).map(String))].sort()
        return {
          ...a,
          categorical: true,
          cats,
          min: 0,
          max: Math.max(1, cats.length - 1),
          pos: (v: number | string | null) =>
            v === null ? null : cats.length <= 1 ? 0.5 : cats.indexOf(String(v)) / (cats.length - 1),
        }
      }
      const min = Math.min(...nums)
      const max = Math.max(...nums)
      return {
        ...a,
        categorical: false,
        cats: [] as string[],
        min,
        max,
        pos: (v: number | string | null) =>
          typeof v !== 'number' || !Number.isFinite(v) ? null : max === min ? 0.5 : (v - min) / (max - min),
      }
    })
  }, [axes])
  if (axes.length < 2 || names.length === 0) return null
  const w = width - pad.l - pad.r
  const h = height - pad.t - pad.b
  const xAt = (i: number) => pad.l + (axes.length === 1 ? w / 2 : (i * w) / (axes.length - 1))
  const colorAxis = layout[colorBy]
  const lines = names.map((_, r) => {
    const pts: string[] = []
    layout.forEach((ax, i) => {
      const p = ax.pos(ax.values[r] ?? null)
      if (p !== null) pts.push(`${xAt(i).toFixed(1)},${(pad.t + (1 - p) * h).toFixed(1)}`)
    })
    const t = colorAxis?.pos(colorAxis.values[r] ?? null) ?? 0.5
    return { d: pts.join(' '), color: colorFor(t), r }
  })
  return (
    <svg
      width={width}
      height={height}
      role="img"
      aria-label="parallel coordinates"
      data-testid="parallel-coordinates"
    >
      {lines.map((l) => (
        // biome-ignore lint/a11y/useSemanticElements: an SVG line cannot be an <a>; it opens the run like a link
        <polyline
          key={l.r}
          points={l.d}
          fill="none"
          stroke={l.color}
          strokeWidth={hover === l.r ? 3 : 1.4}
          opacity={hover === null || hover === l.r ? 0.85 : 0.15}
          style={{ cursor: onOpen ? 'pointer' : 'default' }}
          role="link"
          tabIndex={onOpen ? 0 : -1}
          aria-label={names[l.r]}
          onMouseEnter={() => setHover(l.r)}
          onMouseLeave={() => setHover(null)}
          onFocus={() => setHover(l.r)}
          onBlur={() => setHover(null)}
          onClick={() => onOpen?.(l.r)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') onOpen?.(l.r)
          }}
        >
          <title>
            {names[l.r]}
            {layout.map((a) => `\n${a.label}: ${a.values[l.r] ?? '—'}`).join('')}
          </title>
        </polyline>
      ))}
      {layout.map((a, i) => (
        <g key={a.key}>
          <line x1={xAt(i)} x2={xAt(i)} y1={pad.t} y2={pad.t + h} stroke="var(--fg-faint)" strokeWidth={1} />
          <text
            x={xAt(i)}
            y={pad.t - 10}
            fontSize={11.5}
            fontWeight={600}
            textAnchor="middle"
            style={{ fill: 'var(--fg)' }}
          >
            {a.label}
          </text>
          {a.categorical
            ? a.cats.map((c) => (
                <text key={c} x={xAt(i) + 5} y={pad.t + (1 - (a.pos(c) ?? 0)) * h + 3} fontSize={10}>
                  {c}
                </text>
              ))
            : [
                <text key="max" x={xAt(i) + 5} y={pad.t + 4} fontSize={10}>
                  {formatNumber(a.max, 3)}
                </text>,
                <text key="min" x={xAt(i) + 5} y={pad.t + h} fontSize={10}>
                  {formatNumber(a.min, 3)}
                </text>,
              ]}
        </g>
      ))}
    </svg>
  )
}
