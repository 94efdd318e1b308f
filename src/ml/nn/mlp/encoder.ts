import { CairnError } from '../../../core/index.js'
import { type Frame, type FrameColumn, getColumn, isNumericColumn } from '../../../data/index.js'
import type { InputSpec } from '../../bundle/index.js'

/** How one input column becomes network inputs. */
export type EncodedColumn =
  | { name: string; type: InputSpec['type']; kind: 'numeric'; mean: number; std: number }
  | { name: string; type: InputSpec['type']; kind: 'one-hot'; categories: string[] }

/** The fitted input encoding: standardised numbers (missing → the mean) and one-hot categories. */
export interface EncoderState {
  columns: EncodedColumn[]
  width: number
}

const MAX_CATEGORIES = 256

/** Learn means, spreads and category lists from the training rows. */
export function fitEncoder(frame: Frame, features: readonly string[]): EncoderState {
  const columns: EncodedColumn[] = []
  let width = 0
  for (const name of features) {
    const col = getColumn(frame, name)
    if (isNumericColumn(col)) {
      let n = 0
      let sum = 0
      let sq = 0
      for (const v of col.values) {
        if (Number.isNaN(v)) continue
        if (!Number.isFinite(v)) {
          throw new CairnError('CAIRN_NON_FINITE_VALUE', `Column "${name}" holds an infinite value`)
        }
        n++
        sum += v
        sq += v * v
      }
      const mean = n > 0 ? sum / n : 0
      const variance = n > 0 ? Math.max(0, sq / n - mean * mean) : 0
      const std = variance > 1e-24 ? Math.sqrt(variance) : 1
      columns.push({ name, type: col.type, kind: 'numeric', mean, std })
      width++
    } else if (col.type === 'category' || col.type === 'string') {
      const counts = new Map<string, number>()
      const values = col.type === 'category' ? null : col.values
      for (let i = 0; i < frame.rowCount; i++) {
        const v = values ? values[i] : categoryAt(col, i)
        if (v === null || v === undefined) continue
        counts.set(v, (counts.get(v) ?? 0) + 1)
      }
      const categories = [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, MAX_CATEGORIES)
        .map(([k]) => k)
        .sort()
      columns.push({ name, type: col.type, kind: 'one-hot', categories })
      width += categories.length
    } else {
      throw new CairnError(
        'CAIRN_FEATURE_MISMATCH',
        `Column "${name}" is free text; an MLP needs numbers or categories`,
        {
          hint: 'Use a text family (text-linear, text-naive-bayes) or vectorise the text in a pipeline step first',
        },
      )
    }
  }
  return { columns, width }
}

function categoryAt(col: FrameColumn, i: number): string | null {
  if (col.type !== 'category') return null
  const c = col.codes[i]!
  return c < 0 ? null : (col.categories[c] ?? null)
}

/** Signature inputs for the encoded columns. */
export function encoderInputs(state: EncoderState): InputSpec[] {
  return state.columns.map((c) =>
    c.kind === 'numeric'
      ? { name: c.name, type: c.type, nullable: true }
      : { name: c.name, type: c.type, nullable: true, categories: c.categories },
  )
}

/** Encode a frame into a row-major `rowCount × width` matrix. Unknown categories encode as all zeros. */
export function encodeFrame(state: EncoderState, frame: Frame, out?: Float32Array): Float32Array {
  const rows = frame.rowCount
  const w = state.width
  const x = out && out.length >= rows * w ? out : new Float32Array(rows * w)
  x.fill(0, 0, rows * w)
  let offset = 0
  for (const spec of state.columns) {
    const col = getColumn(frame, spec.name)
    if (spec.kind === 'numeric') {
      if (!isNumericColumn(col)) {
        throw new CairnError(
          'CAIRN_FEATURE_MISMATCH',
          `Column "${spec.name}" must be numeric, got ${col.type}`,
        )
      }
      const inv = 1 / spec.std
      for (let i = 0; i < rows; i++) {
        const v = col.values[i]!
        x[i * w + offset] = Number.isNaN(v) ? 0 : (v - spec.mean) * inv
      }
      offset++
      continue
    }
    const index = new Map(spec.categories.map((c, k) => [c, k]))
    if (col.type === 'category') {
      const map = Int32Array.from(col.categories, (c) => index.get(c) ?? -1)
      for (let i = 0; i < rows; i++) {
        const code = col.codes[i]!
        const k = code < 0 ? -1 : map[code]!
        if (k >= 0) x[i * w + offset + k] = 1
      }
    } else if (col.type === 'string' || col.type === 'text') {
      for (let i = 0; i < rows; i++) {
        const v = col.values[i]
        const k = v === null || v === undefined ? undefined : index.get(v)
        if (k !== undefined) x[i * w + offset + k] = 1
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const v = col.values[i]!
        const k = Number.isNaN(v) ? undefined : index.get(String(v))
        if (k !== undefined) x[i * w + offset + k] = 1
      }
    }
    offset += spec.categories.length
  }
  return x
}

/** A compiled single-row encoder for serving: writes into a reused buffer. */
export function rowEncoder(state: EncoderState): (row: Readonly<Record<string, unknown>>) => Float32Array {
  const buf = new Float32Array(state.width)
  const indexes = state.columns.map((c) =>
    c.kind === 'one-hot' ? new Map(c.categories.map((v, k) => [v, k])) : undefined,
  )
  return (row) => {
    buf.fill(0)
    let offset = 0
    state.columns.forEach((spec, j) => {
      const raw = row[spec.name]
      if (spec.kind === 'numeric') {
        const v = raw === null || raw === undefined || raw === '' ? Number.NaN : toNumber(raw)
        buf[offset++] = Number.isNaN(v) ? 0 : (v - spec.mean) / spec.std
        return
      }
      const k = raw === null || raw === undefined ? undefined : indexes[j]!.get(String(raw))
      if (k !== undefined) buf[offset + k] = 1
      offset += spec.categories.length
    })
    return buf
  }
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v
  if (typeof v === 'boolean') return v ? 1 : 0
  if (v instanceof Date) return v.getTime()
  const n = Number(v)
  if (Number.isNaN(n))
    throw new CairnError('CAIRN_TYPE_CAST_FAILED', `Cannot read ${JSON.stringify(v)} as a number`)
  return n
}
