import { createRequire } from 'node:module'
import type CliTable from 'cli-table3'

const loadTable = (): typeof CliTable => createRequire(import.meta.url)('cli-table3') as typeof CliTable

import pc from 'picocolors'
import { CairnError, formatError } from '../core/index.js'

/** A column of a printed table: a header and how to get the cell from a row. */
export interface TableColumn<T> {
  header: string
  value: (row: T) => unknown
  align?: 'left' | 'right'
}

/** Print rows as a readable table on stdout, or as JSON when `json` is set. */
export function printRows<T>(
  rows: readonly T[],
  columns: TableColumn<T>[],
  options: { json?: boolean; empty?: string } = {},
): void {
  if (options.json) {
    printJson(rows)
    return
  }
  if (rows.length === 0) {
    process.stdout.write(`${pc.dim(options.empty ?? 'Nothing to show.')}\n`)
    return
  }
  const Table = loadTable()
  const table = new Table({
    head: columns.map((c) => pc.bold(c.header)),
    colAligns: columns.map((c) => c.align ?? 'left'),
    style: { head: [], border: [] },
  })
  for (const row of rows) table.push(columns.map((c) => formatCell(c.value(row))))
  process.stdout.write(`${table.toString()}\n`)
}

/** Print key/value pairs (one object) as a two-column table, or JSON. */
export function printRecord(record: Record<string, unknown>, options: { json?: boolean } = {}): void {
  if (options.json) {
    printJson(record)
    return
  }
  const Table = loadTable()
  const table = new Table({ style: { head: [], border: [] } })
  for (const [k, v] of Object.entries(record)) table.push({ [pc.bold(k)]: formatCell(v) })
  process.stdout.write(`${table.toString()}\n`)
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

/** Format one cell: numbers to 6 significant digits, dates as ISO, objects as JSON. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return pc.dim('—')
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString()
  if (v instanceof Date)
    return v
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z')
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** A millisecond timestamp as a short local date-time. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return ''
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
}

/** Print an error for a person (code, message, hint) and return the exit code to use. */
export function reportError(err: unknown): number {
  process.stderr.write(`${pc.red('error')} ${formatError(err)}\n`)
  return err instanceof CairnError ? (err.status >= 500 ? 1 : 2) : 1
}
