/** Formatting for tables and headers. */

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})

const shortDate = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})

/** A compact time for tables (no year when it is this year). */
export function formatShortTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  return new Date(ms).getFullYear() === new Date().getFullYear()
    ? shortDate.format(new Date(ms))
    : formatTime(ms)
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  return dateTime.format(new Date(ms))
}

/** "3 minutes ago", "in 2 hours". */
export function formatAgo(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return '—'
  const d = (now - ms) / 1000
  const abs = Math.abs(d)
  const unit: [number, string][] = [
    [60, 'second'],
    [3600, 'minute'],
    [86400, 'hour'],
    [86400 * 30, 'day'],
    [86400 * 365, 'month'],
    [Number.POSITIVE_INFINITY, 'year'],
  ]
  const div = [1, 60, 3600, 86400, 86400 * 30, 86400 * 365]
  for (let i = 0; i < unit.length; i++) {
    if (abs < (unit[i] as [number, string])[0]) {
      const n = Math.max(1, Math.round(abs / (div[i] as number)))
      const name = `${(unit[i] as [number, string])[1]}${n === 1 ? '' : 's'}`
      return d >= 0 ? `${n} ${name} ago` : `in ${n} ${name}`
    }
  }
  return formatTime(ms)
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`
  const h = Math.floor(m / 60)
  return `${h} h ${m - h * 60} min`
}

/** A number with sensible precision: 4 significant digits, thousands separators, exponents when tiny/huge. */
export function formatNumber(v: number | string | null | undefined, digits = 4): string {
  if (v === null || v === undefined || v === '') return '—'
  const n = typeof v === 'number' ? v : Number(v)
  if (typeof v === 'string' && !Number.isFinite(n)) return v
  if (Number.isNaN(n)) return 'NaN'
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '−∞'
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return n.toLocaleString()
  const a = Math.abs(n)
  if (a !== 0 && (a < 1e-4 || a >= 1e12)) return n.toExponential(digits - 1)
  if (a >= 1000) return n.toLocaleString(undefined, { maximumFractionDigits: 1 })
  return Number(n.toPrecision(digits)).toString()
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  if (n < 1024) return `${n} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

export function formatPercent(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  return `${(v * 100).toFixed(digits)}%`
}

export function shortId(id: string, n = 8): string {
  return id.length > n ? id.slice(0, n) : id
}
