import { CairnError } from '../../core/index.js'
import type { InputSpec } from '../bundle/index.js'

/**
 * Reads one row object into a feature vector without allocating: the serving path. Numbers pass
 * through; booleans become 0/1; numeric strings are parsed; Dates become epoch ms; null and
 * undefined become NaN, which non-nullable inputs reject with CAIRN_NON_FINITE_VALUE.
 */
export type RowReader = (row: Readonly<Record<string, unknown>>, out: Float64Array) => void

/** Compile a reader for numeric inputs, in signature order. */
export function compileRowReader(inputs: readonly InputSpec[]): RowReader {
  const names = inputs.map((s) => s.name)
  const nullable = inputs.map((s) => s.nullable)
  const p = names.length
  return (row, out) => {
    for (let j = 0; j < p; j++) {
      const name = names[j] as string
      const raw = row[name]
      // Numbers take the inline path: a call returning a double can box it.
      const v = typeof raw === 'number' ? raw : toNumber(raw, name)
      if (v - v !== 0 && !(nullable[j] && Number.isNaN(v))) throw rowValueError(name, row[name], v)
      out[j] = v
    }
  }
}

/** A cell value as a number (NaN for null/undefined/empty). */
export function toNumber(v: unknown, name: string): number {
  if (typeof v === 'number') return v
  if (v === null || v === undefined) return Number.NaN
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'string') {
    if (v.trim() === '') return Number.NaN
    const x = Number(v)
    if (!Number.isNaN(x)) return x
  }
  if (v instanceof Date) return v.getTime()
  throw new CairnError(
    'CAIRN_TYPE_CAST_FAILED',
    `Feature "${name}": cannot read ${JSON.stringify(v)} as a number`,
    {
      details: { column: name, value: String(v) },
    },
  )
}

function rowValueError(name: string, raw: unknown, v: number): CairnError {
  if (raw === undefined) {
    return new CairnError('CAIRN_FEATURE_MISMATCH', `The row has no value for feature "${name}"`, {
      details: { column: name },
      hint: 'Send every input in the model signature',
    })
  }
  return new CairnError(
    'CAIRN_NON_FINITE_VALUE',
    `Feature "${name}" is ${Number.isNaN(v) ? 'missing' : v}, and this model needs a finite number`,
    {
      details: { column: name, value: String(raw) },
    },
  )
}
