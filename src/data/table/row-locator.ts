import { type CsvLayout, locateRowLines } from '../sources/csv/csv-lines.js'

/** Where a row of a table came from: the file, the 1-based row within it, and its line. */
export interface RowLocation {
  file: string
  /** 1-based row number within the file (data rows only). */
  row: number
  /** 1-based physical line in the file, for text formats. */
  line?: number
}

/** Finds where rows of an ingested table came from, by their position (rowid) in the table. */
export interface RowLocator {
  locate(rowids: readonly number[]): Promise<Map<number, RowLocation>>
}

/** One file's share of a table. */
export interface FileSpan {
  /** As the user named it. */
  file: string
  /** On this machine (for re-reading lines). */
  localPath: string
  firstRow: number
  rows: number
  /** CSV layout, to find physical lines; NDJSON files use `lineIsRow`. */
  layout?: CsvLayout
  /** For NDJSON: line = row. */
  lineIsRow?: boolean
}

/** A locator over the files a table was read from, in order. */
export function fileRowLocator(spans: readonly FileSpan[]): RowLocator {
  return {
    async locate(rowids) {
      const out = new Map<number, RowLocation>()
      for (const span of spans) {
        const mine = rowids.filter((r) => r >= span.firstRow && r < span.firstRow + span.rows)
        if (mine.length === 0) continue
        const local = mine.map((r) => r - span.firstRow)
        const lines = span.layout ? await locateRowLines(span.localPath, span.layout, local) : undefined
        for (const r of mine) {
          const row = r - span.firstRow
          const line = lines ? lines.get(row) : span.lineIsRow ? row + 1 : undefined
          out.set(r, { file: span.file, row: row + 1, ...(line !== undefined ? { line } : {}) })
        }
      }
      return out
    },
  }
}
