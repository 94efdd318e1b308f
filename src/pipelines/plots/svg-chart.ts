/** A named series of points. */
export interface Series {
  name: string
  points: { x: number; y: number }[]
}

export interface ChartOptions {
  title: string
  xLabel?: string
  yLabel?: string
  kind: 'line' | 'scatter'
  width?: number
  height?: number
}

const COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
]
const FONT = 'font-family="system-ui, sans-serif" font-size="11"'

/** An SVG line or scatter chart with axes, ticks and a legend. */
export function lineChart(series: readonly Series[], o: ChartOptions): string {
  const W = o.width ?? 640
  const H = o.height ?? 360
  const m = { left: 60, right: 16, top: 30, bottom: 44 + Math.ceil(series.length / 4) * 16 }
  const pts = series.flatMap((s) => s.points)
  if (pts.length === 0) return emptyChart(o.title, W, H)
  const [x0, x1] = extent(pts.map((p) => p.x))
  const [y0, y1] = extent(pts.map((p) => p.y))
  const xt = ticks(x0, x1)
  const yt = ticks(y0, y1)
  const xmin = Math.min(x0, xt[0] ?? x0)
  const xmax = Math.max(x1, xt[xt.length - 1] ?? x1)
  const ymin = Math.min(y0, yt[0] ?? y0)
  const ymax = Math.max(y1, yt[yt.length - 1] ?? y1)
  const sx = (x: number) => m.left + ((x - xmin) / (xmax - xmin || 1)) * (W - m.left - m.right)
  const sy = (y: number) => H - m.bottom - ((y - ymin) / (ymax - ymin || 1)) * (H - m.top - m.bottom)
  const parts: string[] = [header(W, H, o.title)]
  for (const t of yt) {
    parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e5e5"/>`)
    parts.push(`<text x="${m.left - 6}" y="${sy(t) + 4}" text-anchor="end" ${FONT}>${fmt(t)}</text>`)
  }
  for (const t of xt) {
    parts.push(
      `<line x1="${sx(t)}" x2="${sx(t)}" y1="${H - m.bottom}" y2="${H - m.bottom + 4}" stroke="#888"/>`,
    )
    parts.push(`<text x="${sx(t)}" y="${H - m.bottom + 16}" text-anchor="middle" ${FONT}>${fmt(t)}</text>`)
  }
  parts.push(
    `<line x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}" stroke="#888"/>`,
  )
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}" stroke="#888"/>`)
  if (o.xLabel)
    parts.push(
      `<text x="${(m.left + W - m.right) / 2}" y="${H - m.bottom + 32}" text-anchor="middle" ${FONT}>${esc(o.xLabel)}</text>`,
    )
  if (o.yLabel) {
    parts.push(
      `<text transform="translate(14 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle" ${FONT}>${esc(o.yLabel)}</text>`,
    )
  }
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length]
    const sorted = o.kind === 'line' ? [...s.points].sort((a, b) => a.x - b.x) : s.points
    if (o.kind === 'line' && sorted.length > 1) {
      const d = sorted
        .map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
        .join('')
      parts.push(
        `<path d="${d}" fill="none" stroke="${c}" stroke-width="1.8"><title>${esc(s.name)}</title></path>`,
      )
    }
    if (o.kind === 'scatter' || sorted.length <= 50) {
      for (const p of sorted) {
        parts.push(
          `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="${o.kind === 'scatter' ? 3 : 2.2}" fill="${c}"><title>${esc(s.name)}: (${fmt(p.x)}, ${fmt(p.y)})</title></circle>`,
        )
      }
    }
    const lx = m.left + (i % 4) * ((W - m.left) / 4)
    const ly = H - 12 - (Math.ceil(series.length / 4) - 1 - Math.floor(i / 4)) * 16
    parts.push(`<rect x="${lx}" y="${ly - 8}" width="10" height="10" fill="${c}"/>`)
    parts.push(`<text x="${lx + 14}" y="${ly + 1}" ${FONT}>${esc(truncate(s.name, 28))}</text>`)
  })
  parts.push('</svg>')
  return parts.join('')
}

/** An SVG bar chart of labelled values. */
export function barChart(
  bars: readonly { label: string; value: number }[],
  o: { title: string; yLabel?: string; width?: number; height?: number },
): string {
  const W = o.width ?? 640
  const H = o.height ?? 300
  const m = { left: 60, right: 16, top: 30, bottom: 70 }
  if (bars.length === 0) return emptyChart(o.title, W, H)
  const values = bars.map((b) => b.value)
  const yt = ticks(Math.min(0, ...values), Math.max(0, ...values))
  const ymin = Math.min(0, yt[0] ?? 0)
  const ymax = Math.max(...values, yt[yt.length - 1] ?? 1)
  const sy = (y: number) => H - m.bottom - ((y - ymin) / (ymax - ymin || 1)) * (H - m.top - m.bottom)
  const bw = (W - m.left - m.right) / bars.length
  const parts = [header(W, H, o.title)]
  for (const t of yt) {
    parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e5e5"/>`)
    parts.push(`<text x="${m.left - 6}" y="${sy(t) + 4}" text-anchor="end" ${FONT}>${fmt(t)}</text>`)
  }
  bars.forEach((b, i) => {
    const x = m.left + i * bw + bw * 0.15
    const top = sy(Math.max(0, b.value))
    const h = Math.abs(sy(b.value) - sy(0))
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(bw * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${esc(b.label)}: ${fmt(b.value)}</title></rect>`,
    )
    parts.push(
      `<text transform="translate(${(x + bw * 0.35).toFixed(1)} ${H - m.bottom + 12}) rotate(30)" ${FONT}>${esc(truncate(b.label, 18))}</text>`,
    )
  })
  parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${sy(0)}" y2="${sy(0)}" stroke="#888"/>`)
  if (o.yLabel)
    parts.push(
      `<text transform="translate(14 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle" ${FONT}>${esc(o.yLabel)}</text>`,
    )
  parts.push('</svg>')
  return parts.join('')
}

/** A confusion matrix heatmap from (actual, predicted) pairs. */
export function confusionChart(
  pairs: readonly [string, string][],
  o: { title: string; xLabel?: string; yLabel?: string },
): string {
  const labels = [...new Set(pairs.flat())].sort()
  const n = labels.length
  const cell = Math.max(24, Math.min(60, Math.floor(420 / Math.max(1, n))))
  const left = 90
  const top = 40
  const W = left + n * cell + 20
  const H = top + n * cell + 60
  const counts = new Map<string, number>()
  for (const [a, p] of pairs) counts.set(`${a}\0${p}`, (counts.get(`${a}\0${p}`) ?? 0) + 1)
  const max = Math.max(1, ...counts.values())
  const parts = [header(W, H, o.title)]
  labels.forEach((a, i) => {
    parts.push(
      `<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" ${FONT}>${esc(truncate(a, 12))}</text>`,
    )
    parts.push(
      `<text x="${left + i * cell + cell / 2}" y="${top + n * cell + 14}" text-anchor="middle" ${FONT}>${esc(truncate(a, 8))}</text>`,
    )
    labels.forEach((p, j) => {
      const c = counts.get(`${a}\0${p}`) ?? 0
      const shade = Math.round(255 - (c / max) * 180)
      parts.push(
        `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#fff"><title>actual ${esc(a)}, predicted ${esc(p)}: ${c}</title></rect>`,
      )
      parts.push(
        `<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle" ${FONT}>${c}</text>`,
      )
    })
  })
  parts.push(
    `<text x="${left + (n * cell) / 2}" y="${top + n * cell + 34}" text-anchor="middle" ${FONT}>${esc(o.xLabel ?? 'predicted')}</text>`,
  )
  parts.push(
    `<text transform="translate(14 ${top + (n * cell) / 2}) rotate(-90)" text-anchor="middle" ${FONT}>${esc(o.yLabel ?? 'actual')}</text>`,
  )
  parts.push('</svg>')
  return parts.join('')
}

function header(W: number, H: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img"><text x="${W / 2}" y="18" text-anchor="middle" font-family="system-ui, sans-serif" font-size="13" font-weight="600">${esc(title)}</text>`
}

function emptyChart(title: string, W: number, H: number): string {
  return `${header(W, H, title)}<text x="${W / 2}" y="${H / 2}" text-anchor="middle" ${FONT} fill="#888">no data</text></svg>`
}

function extent(values: number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (const v of values) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (lo === hi) return [lo - 1, hi + 1]
  return [lo, hi]
}

/** About five round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1
  const raw = span / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => span / s <= count + 1) ?? 10 * mag
  const out: number[] = []
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)))
  if ((out[out.length - 1] ?? lo) < hi) out.push(Number(((out[out.length - 1] ?? lo) + step).toPrecision(12)))
  return out
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v)
  const a = Math.abs(v)
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(4)))
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s
}

/** Escape text for HTML and SVG. */
export function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}
