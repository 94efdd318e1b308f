import type { Signature } from '../../../ml/index.js'
import { malformed } from './native-body.js'

/**
 * Rows from CSV text (RFC 4180: a header row, quoted fields with `""` escapes, CRLF or LF).
 * Values are typed by the signature: numbers for numeric columns (text that is not a number is
 * kept, so validation names it), booleans from true/false/1/0, empty cells as null.
 */
export function decodeCsv(text: string, signature: Signature): Record<string, unknown>[] {
  const records = parseCsv(text)
  const header = records.shift()
  if (!header || header.length === 0 || (header.length === 1 && header[0] === '')) {
    throw malformed('The CSV body has no header row')
  }
  const types = new Map(signature.inputs.map((s) => [s.name, s.type]))
  const rows: Record<string, unknown>[] = []
  for (let r = 0; r < records.length; r++) {
    const rec = records[r] as string[]
    if (rec.length === 1 && rec[0] === '') continue
    if (rec.length !== header.length) {
      throw malformed(`CSV line ${r + 2} has ${rec.length} fields; the header has ${header.length}`)
    }
    const row: Record<string, unknown> = {}
    for (let j = 0; j < header.length; j++) {
      const name = header[j] as string
      row[name] = typed(rec[j] as string, types.get(name))
    }
    rows.push(row)
  }
  return rows
}

function typed(cell: string, type: string | undefined): unknown {
  if (cell === '') return null
  switch (type) {
    case 'number':
    case 'integer': {
      const x = Number(cell)
      return Number.isNaN(x) ? cell : x
    }
    case 'boolean': {
      const l = cell.toLowerCase()
      return l === 'true' || l === '1' ? true : l === 'false' || l === '0' ? false : cell
    }
    case 'datetime': {
      const x = Number(cell)
      return Number.isNaN(x) ? cell : x
    }
    default:
      return cell
  }
}

/** Split CSV text into records of fields. */
export function parseCsv(text: string): string[][] {
  const out: string[][] = []
  let rec: string[] = []
  let field = ''
  let i = 0
  const n = text.length
  let quoted = false
  while (i < n) {
    const ch = text[i] as string
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
        i++
        continue
      }
      field += ch
      i++
      continue
    }
    if (ch === '"' && field === '') {
      quoted = true
      i++
    } else if (ch === ',') {
      rec.push(field)
      field = ''
      i++
    } else if (ch === '\n' || ch === '\r') {
      rec.push(field)
      out.push(rec)
      rec = []
      field = ''
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1
    } else {
      field += ch
      i++
    }
  }
  if (quoted) throw malformed('The CSV body ends inside a quoted field')
  if (field !== '' || rec.length > 0) {
    rec.push(field)
    out.push(rec)
  }
  return out
}
