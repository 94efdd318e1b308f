import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { createGunzip } from 'node:zlib'

const NL = 10
const CR = 13

function isGzip(path: string): boolean {
  return path.toLowerCase().endsWith('.gz')
}

/** The file's bytes in 1 MiB chunks, decompressed for `.gz`. */
function readChunks(path: string): AsyncIterable<Buffer> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 })
  return (isGzip(path) ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw) as AsyncIterable<Buffer>
}

/**
 * Exact physical line numbers (1-based) of rows DuckDB rejected. DuckDB reports each rejected
 * row's text and an approximate byte position; the text is looked up near that position and the
 * newlines before it are counted, so the line is right even after quoted fields that span lines.
 * Returns `undefined` for a row whose text cannot be found (then DuckDB's own line is used).
 */
export async function locateRejectedLines(
  path: string,
  rows: readonly { approxByte: number; text: string }[],
): Promise<(number | undefined)[]> {
  const offsets: (number | undefined)[] = []
  if (isGzip(path)) return rows.map(() => undefined) // no random access: DuckDB's own line numbers are used
  const fh = await open(path, 'r')
  try {
    for (const r of rows) {
      const text = r.text.replace(/^(\r?\n)+/, '')
      const firstLine = Buffer.from(text.split(/\r?\n/)[0] ?? '')
      if (firstLine.length === 0) {
        offsets.push(undefined)
        continue
      }
      const margin = firstLine.length + Buffer.byteLength(r.text) + 1024
      const start = Math.max(0, r.approxByte - margin)
      const buf = Buffer.alloc(margin * 2)
      const { bytesRead } = await fh.read(buf, 0, buf.length, start)
      const window = buf.subarray(0, bytesRead)
      let best: number | undefined
      let from = 0
      while (true) {
        const at = window.indexOf(firstLine, from)
        if (at < 0) break
        const abs = start + at
        const atLineStart = abs === 0 || window[at - 1] === NL || (at === 0 && start === 0)
        if (
          atLineStart &&
          (best === undefined || Math.abs(abs - r.approxByte) < Math.abs(best - r.approxByte))
        )
          best = abs
        from = at + 1
      }
      offsets.push(best)
    }
  } finally {
    await fh.close()
  }
  const order = offsets
    .map((o, i) => ({ o, i }))
    .filter((x): x is { o: number; i: number } => x.o !== undefined)
    .sort((a, b) => a.o - b.o)
  const lines: (number | undefined)[] = new Array(rows.length).fill(undefined)
  if (order.length === 0) return lines
  let base = 0
  let counted = 0
  let newlines = 0
  let k = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const end = base + chunk.length
    while (k < order.length && (order[k] as { o: number }).o < end) {
      const item = order[k] as { o: number; i: number }
      newlines += countNewlines(chunk, counted - base, item.o - base)
      counted = item.o
      lines[item.i] = newlines + 1
      k++
    }
    if (k >= order.length) break
    newlines += countNewlines(chunk, counted - base, chunk.length)
    counted = end
    base = end
  }
  return lines
}

function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0
  let i = buf.indexOf(NL, from)
  while (i >= 0 && i < to) {
    n++
    i = buf.indexOf(NL, i + 1)
  }
  return n
}

/** What the line scanner needs to know about a CSV file. */
export interface CsvLayout {
  quote: string
  comment: string
  /** Physical lines skipped before the header (`skipRows`). */
  skipRows: number
  header: boolean
  /** Rejected rows: the physical line each starts on and how many lines it spans. */
  rejected: readonly { line: number; span: number }[]
}

/**
 * Physical line numbers (1-based) of good rows, given their 0-based positions among the rows
 * DuckDB kept. The file is scanned like DuckDB reads it: blank and comment lines are skipped,
 * quoted fields may span lines, and rejected rows are stepped over. Stops after the last row
 * asked for.
 */
export async function locateRowLines(
  path: string,
  layout: CsvLayout,
  rowIndexes: readonly number[],
): Promise<Map<number, number>> {
  const wanted = [...new Set(rowIndexes)].sort((a, b) => a - b)
  const out = new Map<number, number>()
  if (wanted.length === 0) return out
  const quote = layout.quote ? layout.quote.charCodeAt(0) : -1
  const comment = layout.comment ? layout.comment.charCodeAt(0) : -1
  const rejectedSpan = new Map(layout.rejected.map((r) => [r.line, r.span]))
  let line = 1
  let inQuotes = false
  let atRecordStart = true
  let recordLine = 0
  let inRecord = false
  const skipToLine = layout.skipRows + 1 // lines before this are skipped entirely
  let headerPending = layout.header
  let good = -1
  let w = 0
  let skippingRecordUntil = 0
  let commentLine = false
  for await (const chunk of readChunks(path)) {
    let nextQuote = -1 // position of the next quote in this chunk (chunk.length: none); -1: not looked up
    for (let i = 0; i < chunk.length; i++) {
      let b = chunk[i] as number
      if (line < skipToLine) {
        if (b === NL) line++
        continue
      }
      if (atRecordStart) {
        if (b === NL) {
          line++
          continue
        }
        if (b === CR) continue
        atRecordStart = false
        commentLine = b === comment
        inRecord = !commentLine
        recordLine = line
        if (inRecord) {
          const span = rejectedSpan.get(line)
          if (span !== undefined) skippingRecordUntil = line + span - 1
        }
      }
      // fast path: inside an ordinary record with no quote before the end of the line, jump there
      if (b !== NL && !inQuotes && skippingRecordUntil === 0 && !commentLine) {
        const nl = chunk.indexOf(NL, i)
        const end = nl < 0 ? chunk.length : nl
        if (nextQuote < i) {
          const q = quote < 0 ? -1 : chunk.indexOf(quote, i)
          nextQuote = q < 0 ? chunk.length : q
        }
        if (nextQuote >= end) {
          if (nl < 0) break
          i = nl
          b = NL
        }
      }
      if (b === NL) {
        if (commentLine) {
          commentLine = false
          atRecordStart = true
          line++
          continue
        }
        if (skippingRecordUntil > 0) {
          if (line >= skippingRecordUntil) {
            skippingRecordUntil = 0
            inQuotes = false
            atRecordStart = true
            inRecord = false
          }
          line++
          continue
        }
        if (!inQuotes) {
          atRecordStart = true
          inRecord = false
          if (headerPending) headerPending = false
          else {
            good++
            if (good === wanted[w]) {
              out.set(good, recordLine)
              w++
              if (w >= wanted.length) return out
            }
          }
        }
        line++
        continue
      }
      if (b === quote && skippingRecordUntil === 0 && !commentLine) inQuotes = !inQuotes
    }
  }
  if (inRecord && !headerPending && skippingRecordUntil === 0) {
    good++
    if (good === wanted[w]) out.set(good, recordLine)
  }
  return out
}
