import { CairnError } from '../../core/index.js'

/** A half-open time window [start, end) in ms since the epoch. */
export interface TimeWindow {
  start: number
  end: number
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/**
 * Parse a window length: `15m`, `1h`, `6h`, `1d`, `1w` (or a number of ms). `batch` and
 * anything that is not a positive length are rejected with CAIRN_INVALID_ARGUMENT.
 */
export function parseWindowSize(spec: string | number): number {
  if (typeof spec === 'number') {
    if (Number.isFinite(spec) && spec > 0) return spec
  } else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(spec)
    if (m) return Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] as number)
  }
  throw new CairnError('CAIRN_INVALID_ARGUMENT', `Invalid window length ${JSON.stringify(spec)}`, {
    hint: 'Use a length such as 15m, 1h, 6h, 1d or 1w (or "batch" to evaluate whole batches).',
  })
}

/** The window of length `size` (aligned to the epoch, i.e. UTC midnight for days) that contains `t`. */
export function windowContaining(t: number, size: number): TimeWindow {
  const start = Math.floor(t / size) * size
  return { start, end: start + size }
}

/**
 * The aligned windows that lie fully in [from, to): the first starts at the window containing
 * `from` (when `from` is aligned) or the next boundary; the last ends at or before `to`.
 */
export function closedWindows(from: number, to: number, size: number, max = 10_000): TimeWindow[] {
  const out: TimeWindow[] = []
  let start = Math.ceil(from / size) * size
  while (start + size <= to && out.length < max) {
    out.push({ start, end: start + size })
    start += size
  }
  return out
}

/** An ISO-like label for a window: `2026-11-22T10:00Z/1h`. */
export function formatWindow(w: TimeWindow): string {
  const size = w.end - w.start
  const unit = Object.entries(UNITS)
    .reverse()
    .find(([, ms]) => size % ms === 0)
  const len = unit ? `${size / unit[1]}${unit[0]}` : `${size}ms`
  return `${new Date(w.start).toISOString().replace(':00.000Z', 'Z')}/${len}`
}
