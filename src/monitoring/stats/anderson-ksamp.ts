import { polyfit, polyval } from './polyfit.js'

/** The k-sample Anderson-Darling test. */
export interface AndersonKSampleResult {
  /** The normalised statistic (A²akN − (k − 1)) / σ. */
  statistic: number
  /** Critical values for significance levels 25%, 10%, 5%, 2.5%, 1%, 0.5%, 0.1%. */
  criticalValues: Float64Array
  /** Approximate p-value, capped to [0.001, 0.25] as SciPy does. */
  pValue: number
  /** Set when the p-value lies outside the interpolation table. */
  capped?: 'floor' | 'cap'
}

const B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085]
const B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615]
const B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154]
const SIG = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001]

/**
 * The k-sample Anderson-Darling test of Scholz & Stephens (1987) with midranks for ties, as
 * `scipy.stats.anderson_ksamp(samples)`; the p-value is interpolated from their Table 2 by a
 * quadratic in log(significance) and capped to [0.001, 0.25]. Samples must be sorted, finite and
 * non-empty, with at least two distinct values overall; otherwise the result is NaN.
 */
export function andersonKSample(samples: readonly Float64Array[]): AndersonKSampleResult {
  const k = samples.length
  const nan = { statistic: Number.NaN, criticalValues: new Float64Array(7), pValue: Number.NaN }
  if (k < 2 || samples.some((s) => s.length === 0)) return nan
  let N = 0
  for (const s of samples) N += s.length
  const ptr = new Int32Array(k)
  const sums = new Float64Array(k)
  let left = 0
  let distinct = 0
  const lj: number[] = []
  const counts: number[][] = samples.map(() => [])
  while (true) {
    let z = Number.POSITIVE_INFINITY
    for (let i = 0; i < k; i++) {
      const s = samples[i] as Float64Array
      const p = ptr[i] as number
      if (p < s.length && (s[p] as number) < z) z = s[p] as number
    }
    if (z === Number.POSITIVE_INFINITY) break
    let l = 0
    for (let i = 0; i < k; i++) {
      const s = samples[i] as Float64Array
      let p = ptr[i] as number
      const start = p
      while (p < s.length && (s[p] as number) === z) p++
      ptr[i] = p
      ;(counts[i] as number[]).push(p - start)
      l += p - start
    }
    lj.push(l)
    distinct++
  }
  if (distinct < 2) return nan
  const allDistinct = N === distinct
  const seen = new Float64Array(k)
  for (let j = 0; j < distinct; j++) {
    const l = allDistinct ? 1 : (lj[j] as number)
    const Bj = left + l / 2
    const denom = Bj * (N - Bj) - (N * l) / 4
    for (let i = 0; i < k; i++) {
      const f = (counts[i] as number[])[j] as number
      const right = (seen[i] as number) + f
      const Mij = right - f / 2
      const ni = (samples[i] as Float64Array).length
      const d = N * Mij - Bj * ni
      sums[i] = (sums[i] as number) + ((l / N) * d * d) / denom
      seen[i] = right
    }
    left += lj[j] as number
  }
  let A2akN = 0
  for (let i = 0; i < k; i++) A2akN += (sums[i] as number) / (samples[i] as Float64Array).length
  A2akN *= (N - 1) / N

  let H = 0
  for (const s of samples) H += 1 / s.length
  let cum = 0
  let g = 0
  for (let t = N - 1, idx = 0; t > 1; t--, idx++) {
    cum += 1 / t
    g += cum / (idx + 2)
  }
  const h = cum + 1
  const a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * H
  const b = (2 * g - 4) * k ** 2 + 8 * h * k + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6
  const c = (6 * h + 2 * g - 2) * k ** 2 + (4 * h - 4 * g + 6) * k + (2 * h - 6) * H + 4 * h
  const dd = (2 * h + 6) * k ** 2 - 4 * h * k
  const sigmasq = (a * N ** 3 + b * N ** 2 + c * N + dd) / ((N - 1) * (N - 2) * (N - 3))
  const m = k - 1
  const A2 = (A2akN - m) / Math.sqrt(sigmasq)
  const critical = new Float64Array(7)
  for (let i = 0; i < 7; i++)
    critical[i] = (B0[i] as number) + (B1[i] as number) / Math.sqrt(m) + (B2[i] as number) / m
  const cMin = Math.min(...critical)
  const cMax = Math.max(...critical)
  if (A2 < cMin) return { statistic: A2, criticalValues: critical, pValue: 0.25, capped: 'cap' }
  if (A2 > cMax) return { statistic: A2, criticalValues: critical, pValue: 0.001, capped: 'floor' }
  const coef = polyfit(
    critical,
    SIG.map((s) => Math.log(s)),
    2,
  )
  return { statistic: A2, criticalValues: critical, pValue: Math.exp(polyval(coef, A2)) }
}
