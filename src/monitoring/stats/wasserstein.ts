/**
 * First Wasserstein distance between two empirical distributions given as sorted finite samples:
 * ∫|U(t) − V(t)| dt, summed over the pooled order statistics exactly as
 * `scipy.stats.wasserstein_distance` does, in one merge pass.
 */
export function wassersteinSorted(u: Float64Array, v: Float64Array): number {
  const nu = u.length
  const nv = v.length
  if (nu === 0 || nv === 0) return Number.NaN
  let i = 0
  let j = 0
  let total = 0
  let prev = Math.min(u[0] as number, v[0] as number)
  while (i < nu || j < nv) {
    const ui = i < nu ? (u[i] as number) : Number.POSITIVE_INFINITY
    const vj = j < nv ? (v[j] as number) : Number.POSITIVE_INFINITY
    const z = Math.min(ui, vj)
    total += Math.abs(i / nu - j / nv) * (z - prev)
    prev = z
    while (i < nu && (u[i] as number) <= z) i++
    while (j < nv && (v[j] as number) <= z) j++
  }
  return total
}

/** Mean and population standard deviation (ddof = 0, two-pass) of finite values. */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length
  if (n === 0) return { mean: Number.NaN, std: Number.NaN }
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i] as number
  const mean = sum / n
  let ss = 0
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean
    ss += d * d
  }
  return { mean, std: Math.sqrt(ss / n) }
}

/** The smallest reference std used as the normaliser (Evidently's floor). */
export const WASSERSTEIN_STD_FLOOR = 0.001

/**
 * Wasserstein distance normalised by the reference's standard deviation (floored at 0.001), the
 * statistic Evidently calls "Wasserstein distance (normed)".
 */
export function normalizedWasserstein(
  reference: Float64Array,
  current: Float64Array,
  referenceStd: number,
): number {
  return wassersteinSorted(reference, current) / Math.max(referenceStd, WASSERSTEIN_STD_FLOOR)
}
