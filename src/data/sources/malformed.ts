/** Why a source row could not be read. */
export type MalformedKind = 'field_count' | 'quoting' | 'type' | 'encoding' | 'line_too_long' | 'other'

/** One row of a source file that could not be read as the schema says. */
export interface MalformedRow {
  /** The file, as the user named it (path or URL). */
  file: string
  /** 1-based physical line in the file where the row starts. */
  line: number
  kind: MalformedKind
  /** The column at fault, when known. */
  column?: string
  message: string
  /** The row's raw text (cut to 500 characters). */
  text: string
}

/** All malformed rows of one ingest: counted exactly, listed in file and line order. */
export interface MalformedReport {
  count: number
  byKind: Partial<Record<MalformedKind, number>>
  rows: MalformedRow[]
}

/** An empty report. */
export function noMalformedRows(): MalformedReport {
  return { count: 0, byKind: {}, rows: [] }
}

/** A report of the given rows, sorted by file and line. */
export function malformedReport(rows: MalformedRow[]): MalformedReport {
  const sorted = [...rows].sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1))
  const byKind: Partial<Record<MalformedKind, number>> = {}
  for (const r of sorted) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1
  return { count: sorted.length, byKind, rows: sorted }
}

/** Map DuckDB's reject error types to ours. */
export function malformedKindOf(duckErrorType: string): MalformedKind {
  switch (duckErrorType.toUpperCase()) {
    case 'MISSING COLUMNS':
    case 'TOO MANY COLUMNS':
      return 'field_count'
    case 'UNQUOTED VALUE':
    case 'UNTERMINATED QUOTE':
      return 'quoting'
    case 'CAST':
      return 'type'
    case 'INVALID ENCODING':
    case 'INVALID UNICODE':
      return 'encoding'
    case 'LINE SIZE OVER MAXIMUM':
      return 'line_too_long'
    default:
      return 'other'
  }
}
