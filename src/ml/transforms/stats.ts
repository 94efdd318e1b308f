import { CairnError } from '../../core/index.js'

/** The finite values of a column, sorted ascending (NaN skipped; ±Infinity is an error naming the column). */
export function sortedFinite(column: string, values: Float64Array, kind: string): Float64Array {
  let n = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (Number.isNaN(v)) continue
    if (!Number.isFinite(v)) throw infiniteError(column, i, v, kind)
    n++
  }
  const out = new Float64Array(n)
  let k = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (!Number.isNaN(v)) out[k++] = v
  }
  return out.sort()
}

/** The q-th percentile (0–100) of sorted values with linear interpolation (numpy's default). */
export function percentileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length
  if (n === 0) return Number.NaN
  const pos = (q / 100) * (n - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(lo + 1, n - 1)
  const f = pos - lo
  return (sorted[lo] as number) + f * ((sorted[hi] as number) - (sorted[lo] as number))
}

/** Weighted mean and (population) variance of the non-missing values; ±Infinity is an error. */
export function meanVariance(
  column: string,
  values: Float64Array,
  weights: Float64Array | undefined,
  kind: string,
): { mean: number; variance: number; count: number } {
  let sw = 0
  let s = 0
  let count = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (Number.isNaN(v)) continue
    if (!Number.isFinite(v)) throw infiniteError(column, i, v, kind)
    const w = weights ? (weights[i] as number) : 1
    sw += w
    s += w * v
    count++
  }
  const mean = sw > 0 ? s / sw : Number.NaN
  let ss = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (Number.isNaN(v)) continue
    ss += (weights ? (weights[i] as number) : 1) * (v - mean) ** 2
  }
  return { mean, variance: sw > 0 ? ss / sw : Number.NaN, count }
}

function infiniteError(column: string, row: number, v: number, kind: string): CairnError {
  return new CairnError('CAIRN_NON_FINITE_VALUE', `${kind}: column "${column}" holds ${v} at row ${row}`, {
    details: { column, row, value: String(v) },
    hint: 'Clip or drop infinite values first; missing values (NaN) are fine here',
  })
}

/** Throw when a column has no non-missing values to learn from. */
export function requireSomeValues(column: string, count: number, kind: string): void {
  if (count === 0) {
    throw new CairnError(
      'CAIRN_NON_FINITE_VALUE',
      `${kind}: column "${column}" has no non-missing values to fit on`,
      {
        details: { column },
        hint: 'Drop the column, or impute it with a constant (simpleImputer({ strategy: "constant" }))',
      },
    )
  }
}
