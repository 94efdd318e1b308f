import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { extname } from 'node:path'
import { createGunzip } from 'node:zlib'
import { type CsvDialect, type CsvOptions, DEFAULT_NULL_VALUES } from './csv-options.js'

const SAMPLE_BYTES = 64 * 1024
const CANDIDATES = [',', '\t', ';', '|']

/** Read the first bytes of a file (enough to detect its dialect); `.gz` files are decompressed. */
export async function readHead(path: string, bytes = SAMPLE_BYTES): Promise<Buffer> {
  if (path.toLowerCase().endsWith('.gz')) {
    const chunks: Buffer[] = []
    let got = 0
    const stream = createReadStream(path).pipe(createGunzip())
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        chunks.push(chunk)
        got += chunk.length
        if (got >= bytes) break
      }
    } finally {
      stream.destroy()
    }
    return Buffer.concat(chunks).subarray(0, bytes)
  }
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.alloc(bytes)
    const { bytesRead } = await fh.read(buf, 0, bytes, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

/**
 * Work out a CSV file's dialect from its first 64 KiB: the delimiter that splits the lines most
 * consistently (`, ` when every comma is followed by a space), and whether the first line is a
 * header (no field of it looks like a number). Options given by the caller win.
 */
export function sniffDialect(head: Buffer, path: string, options: CsvOptions = {}): CsvDialect {
  const text = head.toString(options.encoding === 'latin-1' ? 'latin1' : 'utf8')
  const quote = options.quote ?? '"'
  const skip = options.skipRows ?? 0
  const allLines = text.split(/\r?\n/)
  if (head.length === SAMPLE_BYTES) allLines.pop() // the last line may be cut
  const lines = allLines
    .slice(skip)
    .filter((l) => l.trim() !== '' && !(options.comment && l.startsWith(options.comment)))
    .slice(0, 100)
  const delimiter = options.delimiter ?? detectDelimiter(lines, quote, path)
  let header = options.header
  if (header === undefined) {
    const first = lines[0] !== undefined ? splitCsvLine(lines[0], delimiter, quote) : []
    header = first.length > 0 && !first.some((f) => looksNumeric(f))
  }
  return {
    delimiter,
    header,
    quote,
    escape: options.escape ?? quote,
    nullValues: options.nullValues ?? DEFAULT_NULL_VALUES,
    encoding: options.encoding ?? 'utf-8',
    skipRows: skip,
    comment: options.comment ?? '',
  }
}

function detectDelimiter(lines: string[], quote: string, path: string): string {
  if (extname(path).toLowerCase() === '.tsv' || extname(path).toLowerCase() === '.tab') return '\t'
  let best = ','
  let bestScore = -1
  for (const d of CANDIDATES) {
    const counts = lines.map((l) => splitCsvLine(l, d, quote).length - 1)
    const mode = modeOf(counts)
    if (mode === 0) continue
    const consistency = counts.filter((c) => c === mode).length / counts.length
    const score = consistency * 1000 + Math.min(mode, 999)
    if (score > bestScore) {
      bestScore = score
      best = d
    }
  }
  if (best === ',' && lines.length > 0) {
    const commaSpace = lines.map((l) => splitCsvLine(l, ', ', quote).length)
    const comma = lines.map((l) => splitCsvLine(l, ',', quote).length)
    const same = commaSpace.filter((c, i) => c === comma[i] && c > 1).length
    if (same >= lines.length * 0.9) return ', '
  }
  return best
}

function modeOf(values: number[]): number {
  const freq = new Map<number, number>()
  for (const v of values) freq.set(v, (freq.get(v) ?? 0) + 1)
  let mode = 0
  let top = 0
  for (const [v, f] of freq) {
    if (f > top || (f === top && v > mode)) {
      mode = v
      top = f
    }
  }
  return mode
}

function looksNumeric(field: string): boolean {
  const t = field.trim()
  return t !== '' && !Number.isNaN(Number(t))
}

/** Split one CSV line into fields (quote-aware, doubled quotes unescaped). */
export function splitCsvLine(line: string, delimiter: string, quote = '"'): string[] {
  const out: string[] = []
  let field = ''
  let inQuotes = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string
    if (quote && ch === quote) {
      if (inQuotes && line[i + 1] === quote) {
        field += quote
        i++
      } else inQuotes = !inQuotes
      continue
    }
    if (!inQuotes && line.startsWith(delimiter, i)) {
      out.push(field)
      field = ''
      i += delimiter.length - 1
      continue
    }
    field += ch
  }
  out.push(field)
  return out
}
