import { cellValue, type Frame } from '../../data/index.js'

/** A frame as CSV text (header, quoted strings when needed, empty cells for missing values). */
export function frameToCsv(frame: Frame, extra: Record<string, (row: number) => string> = {}): string {
  const names = [...frame.columns.map((c) => c.name), ...Object.keys(extra)]
  const lines = [names.join(',')]
  for (let r = 0; r < frame.rowCount; r++) {
    const cells = frame.columns.map((c) => {
      const v = cellValue(c, r)
      if (v === null) return ''
      if (v instanceof Date) return v.toISOString()
      const s = String(v)
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
    })
    for (const f of Object.values(extra)) cells.push(f(r))
    lines.push(cells.join(','))
  }
  return `${lines.join('\n')}\n`
}
