import type { ValidationReport } from './validate-table.js'

/**
 * A validation report as terminal text: a table of expectations with their status, failing
 * counts and the lines of the first failing rows, then the malformed rows of the source.
 */
export function formatValidationReport(
  report: ValidationReport,
  options: { maxMalformed?: number } = {},
): string {
  const rows = report.results.map((r) => [
    r.name,
    r.status.toUpperCase(),
    r.observed !== undefined && r.kind !== 'column_exists'
      ? `observed ${formatValue(r.observed)}`
      : String(r.failingCount),
    r.observed !== undefined
      ? ''
      : `${(r.failingFraction * 100).toFixed(r.failingFraction > 0 && r.failingFraction < 0.001 ? 4 : 2)}%`,
    r.error ?? (r.sample.length ? sampleText(r.sample) : r.status === 'passed' ? '' : r.expected),
  ])
  const header = ['expectation', 'status', 'failing', '%', 'first failing rows']
  const lines: string[] = []
  lines.push(
    `${report.success ? 'PASSED' : 'FAILED'} ${report.target ?? ''} — ${report.rowCount} rows, ${report.goodRowCount} good, ${report.quarantinedRowCount} quarantined, ${report.malformed.count} malformed (policy ${report.policy})`.replace(
      /\s+—/,
      ' —',
    ),
  )
  lines.push(...table([header, ...rows]))
  if (report.malformed.count > 0) {
    const max = options.maxMalformed ?? 20
    lines.push('', `Malformed rows (${report.malformed.count}):`)
    lines.push(
      ...table([
        ['file:line', 'problem', 'column', 'text'],
        ...report.malformed.rows
          .slice(0, max)
          .map((m) => [
            `${m.file}:${m.line}`,
            m.kind,
            m.column ?? '',
            m.text.replace(/\n/g, '⏎').slice(0, 60),
          ]),
      ]),
    )
    if (report.malformed.count > max) lines.push(`… and ${report.malformed.count - max} more`)
  }
  return lines.join('\n')
}

function sampleText(sample: ValidationReport['results'][number]['sample']): string {
  const shown = sample.slice(0, 5).map((s) => (s.line !== undefined ? `line ${s.line}` : `row ${s.row}`))
  return shown.join(', ') + (sample.length > 5 ? ', …' : '')
}

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString()
  return JSON.stringify(v)
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.min(60, Math.max(...rows.map((r) => (r[i] ?? '').length)))) ?? []
  const fmt = (r: string[]) =>
    r
      .map((c, i) =>
        c.length > (widths[i] ?? 0) ? `${c.slice(0, (widths[i] ?? 1) - 1)}…` : c.padEnd(widths[i] ?? 0),
      )
      .join('  ')
  const out = rows.map(fmt)
  out.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('  '))
  return out.map((l) => l.trimEnd())
}
