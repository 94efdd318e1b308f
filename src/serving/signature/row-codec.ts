import type { Frame, FrameColumn } from '../../data/index.js'
import type { Signature } from '../../ml/index.js'

/** Rewrites a validated row in place into the values models read (or undefined when none need it). */
export type RowNormalizer = (row: Record<string, unknown>) => void

const NUM = 0
const BOOL = 1
const DATE = 2

/**
 * Compile the in-place normaliser for validated rows: missing numbers become NaN, booleans 0/1,
 * date/time strings ms since the epoch. Returns undefined when the signature needs none of it
 * (then the fast path skips the call).
 */
export function compileRowNormalizer(signature: Signature): RowNormalizer | undefined {
  const names: string[] = []
  const kinds: number[] = []
  for (const s of signature.inputs) {
    if ((s.type === 'number' || s.type === 'integer') && s.nullable) {
      names.push(s.name)
      kinds.push(NUM)
    } else if (s.type === 'boolean') {
      names.push(s.name)
      kinds.push(BOOL)
    } else if (s.type === 'datetime') {
      names.push(s.name)
      kinds.push(DATE)
    }
  }
  if (names.length === 0) return undefined
  const n = names.length
  return (row) => {
    for (let i = 0; i < n; i++) {
      const name = names[i] as string
      const v = row[name]
      if (v === null || v === undefined) row[name] = Number.NaN
      else if (kinds[i] === BOOL) row[name] = v === true ? 1 : v === false ? 0 : v
      else if (kinds[i] === DATE && typeof v === 'string') row[name] = Date.parse(v)
    }
  }
}

/**
 * Build a frame with the signature's columns from validated, normalised rows. Category columns use
 * the signature's categories as their dictionary, so codes mean what they meant at fit time.
 */
export function rowsToFrame(rows: readonly Record<string, unknown>[], signature: Signature): Frame {
  const n = rows.length
  const columns: FrameColumn[] = []
  for (const spec of signature.inputs) {
    const name = spec.name
    if (spec.type === 'category') {
      const categories = spec.categories ? [...spec.categories] : []
      const index = new Map(categories.map((c, i) => [c, i]))
      const codes = new Int32Array(n)
      for (let r = 0; r < n; r++) {
        const v = rows[r]?.[name]
        if (v === null || v === undefined) {
          codes[r] = -1
          continue
        }
        const s = String(v)
        let code = index.get(s)
        if (code === undefined) {
          code = categories.length
          categories.push(s)
          index.set(s, code)
        }
        codes[r] = code
      }
      columns.push({ name, type: 'category', codes, categories })
    } else if (spec.type === 'string' || spec.type === 'text') {
      const values: (string | null)[] = new Array(n)
      for (let r = 0; r < n; r++) {
        const v = rows[r]?.[name]
        values[r] = v === null || v === undefined ? null : String(v)
      }
      columns.push({ name, type: spec.type, values })
    } else {
      const values = new Float64Array(n)
      for (let r = 0; r < n; r++) {
        const v = rows[r]?.[name]
        values[r] = typeof v === 'number' ? v : v === true ? 1 : v === false ? 0 : Number.NaN
      }
      columns.push({ name, type: spec.type, values })
    }
  }
  return { rowCount: n, columns }
}
