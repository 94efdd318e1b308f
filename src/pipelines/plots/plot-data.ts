import { CairnError, parseYaml } from '../../core/index.js'

/** One row of plot data. */
export type PlotRow = Record<string, number | string>

/**
 * Parse a plot file: CSV or TSV with a header row, JSON/YAML as a list of objects or an object
 * holding one such list (`{"loss": [{"step": 1, "loss": 0.9}, …]}`). Numeric cells become numbers.
 */
export function parsePlotData(text: string, file: string): PlotRow[] {
  const lower = file.toLowerCase()
  if (lower.endsWith('.csv') || lower.endsWith('.tsv'))
    return parseDelimited(text, lower.endsWith('.tsv') ? '\t' : ',')
  let parsed: unknown
  try {
    parsed = /\.ya?ml$/.test(lower) ? parseYaml(text, file) : JSON.parse(text)
  } catch (err) {
    throw new CairnError(
      'CAIRN_CONFIG_INVALID',
      `Plot file ${file} cannot be parsed: ${(err as Error).message}`,
    )
  }
  if (!Array.isArray(parsed) && parsed !== null && typeof parsed === 'object') {
    const lists = Object.values(parsed).filter(Array.isArray)
    if (lists.length === 1) parsed = lists[0]
  }
  if (!Array.isArray(parsed) || parsed.some((r) => r === null || typeof r !== 'object')) {
    throw new CairnError('CAIRN_CONFIG_INVALID', `Plot file ${file} must hold a list of rows (objects)`)
  }
  return (parsed as Record<string, unknown>[]).map((r) => {
    const row: PlotRow = {}
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number' || typeof v === 'string') row[k] = v
    return row
  })
}

function parseDelimited(text: string, sep: string): PlotRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  const header = splitLine(lines[0] ?? '', sep)
  return lines.slice(1).map((line) => {
    const cells = splitLine(line, sep)
    const row: PlotRow = {}
    header.forEach((h, i) => {
      const c = cells[i] ?? ''
      const n = Number(c)
      row[h] = c !== '' && Number.isFinite(n) ? n : c
    })
    return row
  })
}

function splitLine(line: string, sep: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"'
        i++
      } else if (ch === '"') quoted = false
      else cur += ch
    } else if (ch === '"') quoted = true
    else if (ch === sep) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out.map((s) => s.trim())
}
