/**
 * TensorBoard's smoothing: an exponential moving average with debiasing, so the first points are
 * not pulled towards zero. `weight` 0 returns the values as they are; nulls stay null.
 */
export function smooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return values as (number | null)[]
  const out: (number | null)[] = new Array(values.length)
  let last = 0
  let n = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v === null || v === undefined || !Number.isFinite(v)) {
      out[i] = null
      continue
    }
    last = last * weight + (1 - weight) * v
    n++
    out[i] = last / (1 - weight ** n)
  }
  return out
}

/** Align series with their own x values on one shared, sorted x array (missing points are null). */
export function alignSeries(
  xsList: readonly (readonly number[])[],
  ysList: readonly (readonly (number | null)[])[],
): { x: Float64Array; ys: (number | null)[][] } {
  if (xsList.length === 1) {
    return { x: Float64Array.from(xsList[0] as number[]), ys: [Array.from(ysList[0] as (number | null)[])] }
  }
  const all = new Float64Array(xsList.reduce((n, xs) => n + xs.length, 0))
  let k = 0
  for (const xs of xsList) for (const v of xs) all[k++] = v
  all.sort()
  let u = 0
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[u - 1]) all[u++] = all[i] as number
  const x = all.subarray(0, u)
  const ys = xsList.map((xs, s) => {
    const src = ysList[s] as (number | null)[]
    const out: (number | null)[] = new Array(u).fill(null)
    let j = 0
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i] as number
      while (j < u && (x[j] as number) < v) j++
      if (j < u && x[j] === v) out[j] = src[i] ?? null
    }
    return out
  })
  return { x, ys }
}
