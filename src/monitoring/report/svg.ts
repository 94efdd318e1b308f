import type { ColumnDistribution } from '../drift/index.js'

/** Escape text for HTML and SVG. */
export function esc(s: unknown): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  )
}

const REF = '#4c78a8'
const CUR = '#f58518'

/** A compact number for axis labels. */
export function fmtNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v)
  const a = Math.abs(v)
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2)
  if (Number.isInteger(v)) return v.toLocaleString('en-US')
  return Number(v.toPrecision(4)).toString()
}

/**
 * Reference and current shares of one column, overlaid: histogram bars on the numeric range, or
 * paired bars per category.
 */
export function distributionSvg(d: ColumnDistribution, width = 260, height = 80): string {
  const n = d.reference.length
  if (n === 0) return ''
  const pad = { l: 4, r: 4, t: 4, b: 16 }
  const w = width - pad.l - pad.r
  const h = height - pad.t - pad.b
  const max = Math.max(...d.reference, ...d.current, 1e-12)
  const y = (v: number) => pad.t + h - (v / max) * h
  const parts: string[] = []
  const bw = w / n
  if (d.edges) {
    for (let i = 0; i < n; i++) {
      const x = pad.l + i * bw
      const r = d.reference[i] as number
      const c = d.current[i] as number
      parts.push(
        `<rect x="${x.toFixed(2)}" y="${y(r).toFixed(2)}" width="${Math.max(bw - 0.5, 0.5).toFixed(2)}" height="${(pad.t + h - y(r)).toFixed(2)}" fill="${REF}" fill-opacity="0.55"/>`,
      )
      parts.push(
        `<rect x="${x.toFixed(2)}" y="${y(c).toFixed(2)}" width="${Math.max(bw - 0.5, 0.5).toFixed(2)}" height="${(pad.t + h - y(c)).toFixed(2)}" fill="${CUR}" fill-opacity="0.55"/>`,
      )
    }
    const lo = d.edges[0] as number
    const hi = d.edges[d.edges.length - 1] as number
    parts.push(`<text x="${pad.l}" y="${height - 3}" font-size="9" fill="#666">${esc(fmtNumber(lo))}</text>`)
    parts.push(
      `<text x="${width - pad.r}" y="${height - 3}" font-size="9" fill="#666" text-anchor="end">${esc(fmtNumber(hi))}</text>`,
    )
  } else {
    const labels = d.labels ?? []
    for (let i = 0; i < n; i++) {
      const x = pad.l + i * bw
      const half = Math.max(bw / 2 - 1, 0.5)
      const r = d.reference[i] as number
      const c = d.current[i] as number
      parts.push(
        `<rect x="${(x + 0.5).toFixed(2)}" y="${y(r).toFixed(2)}" width="${half.toFixed(2)}" height="${(pad.t + h - y(r)).toFixed(2)}" fill="${REF}"><title>${esc(labels[i])}: reference ${(r * 100).toFixed(1)}%</title></rect>`,
      )
      parts.push(
        `<rect x="${(x + 0.5 + half).toFixed(2)}" y="${y(c).toFixed(2)}" width="${half.toFixed(2)}" height="${(pad.t + h - y(c)).toFixed(2)}" fill="${CUR}"><title>${esc(labels[i])}: current ${(c * 100).toFixed(1)}%</title></rect>`,
      )
      if (n <= 8) {
        const text = String(labels[i] ?? '')
        parts.push(
          `<text x="${(x + bw / 2).toFixed(2)}" y="${height - 3}" font-size="9" fill="#666" text-anchor="middle">${esc(text.length > 10 ? `${text.slice(0, 9)}…` : text)}</text>`,
        )
      }
    }
    if (n > 8)
      parts.push(`<text x="${pad.l}" y="${height - 3}" font-size="9" fill="#666">${n} categories</text>`)
  }
  parts.push(
    `<line x1="${pad.l}" x2="${width - pad.r}" y1="${pad.t + h}" y2="${pad.t + h}" stroke="#999" stroke-width="0.5"/>`,
  )
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">${parts.join('')}</svg>`
}

/** One line of a time chart; null values leave gaps. */
export interface ChartSeries {
  name: string
  values: (number | null)[]
  color?: string
  /** Mark points where this is true (e.g. drifted windows) in red. */
  flags?: (boolean | null)[]
}

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#e45756', '#72b7b2', '#eeca3b', '#9d755d']

/** A line chart over windows, with an optional dashed threshold line. */
export function lineChartSvg(
  labels: string[],
  series: ChartSeries[],
  options: {
    width?: number
    height?: number
    threshold?: number
    yMin?: number
    yMax?: number
    yLabel?: string
  } = {},
): string {
  const width = options.width ?? 900
  const height = options.height ?? 220
  const pad = { l: 48, r: 16, t: 12, b: 34 }
  const w = width - pad.l - pad.r
  const h = height - pad.t - pad.b
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)))
  if (options.threshold !== undefined) all.push(options.threshold)
  let lo = options.yMin ?? Math.min(...all, 0)
  let hi = options.yMax ?? Math.max(...all, 1e-9)
  if (hi === lo) {
    hi += 1
    lo -= lo === 0 ? 0 : 1
  }
  const ticks = niceTicks(lo, hi)
  lo = Math.min(lo, ticks[0] as number)
  hi = Math.max(hi, ticks[ticks.length - 1] as number)
  const n = labels.length
  const x = (i: number) => pad.l + (n <= 1 ? w / 2 : (i / (n - 1)) * w)
  const y = (v: number) => pad.t + h - ((v - lo) / (hi - lo)) * h
  const parts: string[] = []
  for (const v of ticks) {
    parts.push(
      `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`,
    )
    parts.push(
      `<text x="${pad.l - 6}" y="${(y(v) + 3).toFixed(1)}" font-size="10" fill="#666" text-anchor="end">${esc(fmtNumber(v))}</text>`,
    )
  }
  const step = Math.max(1, Math.ceil(n / 8))
  for (let i = 0; i < n; i += step) {
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${height - 18}" font-size="10" fill="#666" text-anchor="middle">${esc(labels[i])}</text>`,
    )
  }
  if (options.threshold !== undefined) {
    parts.push(
      `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y(options.threshold).toFixed(1)}" y2="${y(options.threshold).toFixed(1)}" stroke="#e45756" stroke-dasharray="5 4"/>`,
    )
    parts.push(
      `<text x="${width - pad.r}" y="${(y(options.threshold) - 4).toFixed(1)}" font-size="10" fill="#e45756" text-anchor="end">threshold ${esc(fmtNumber(options.threshold))}</text>`,
    )
  }
  series.forEach((s, si) => {
    const color = s.color ?? PALETTE[si % PALETTE.length]
    let d = ''
    let pen = false
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false
        return
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)} `
      pen = true
    })
    if (d) parts.push(`<path d="${d.trim()}" fill="none" stroke="${color}" stroke-width="2"/>`)
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return
      const flagged = s.flags?.[i] === true
      parts.push(
        `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="${flagged ? 4 : 3}" fill="${flagged ? '#e45756' : color}"><title>${esc(`${s.name} ${labels[i]}: ${fmtNumber(v)}`)}</title></circle>`,
      )
    })
  })
  const legend = series
    .map((s, si) => {
      const lx = pad.l + si * 150
      return `<rect x="${lx}" y="${height - 11}" width="10" height="10" fill="${s.color ?? PALETTE[si % PALETTE.length]}"/><text x="${lx + 14}" y="${height - 2}" font-size="10" fill="#333">${esc(s.name)}</text>`
    })
    .join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" style="width:100%;max-width:${width * 1.4}px;height:auto" role="img">${parts.join('')}${legend}</svg>`
}

/** About five round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo
  const raw = span / Math.max(count - 1, 1)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag
  const start = Math.floor(lo / step) * step
  const out: number[] = []
  for (let v = start; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)))
  if ((out[out.length - 1] as number) < hi) out.push(Number((start + out.length * step).toPrecision(12)))
  return out
}
