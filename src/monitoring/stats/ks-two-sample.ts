import { kolmogorovSf } from './kolmogorov.js'
import { roundHalfEven } from './special.js'

/** How a KS p-value was computed. */
export type KsMethod = 'exact' | 'asymp'

/** The two-sided two-sample Kolmogorov-Smirnov test. */
export interface KsResult {
  statistic: number
  pValue: number
  method: KsMethod
}

/** Largest sample size for which `method: 'auto'` tries the exact distribution (as SciPy). */
export const KS_MAX_EXACT_N = 10_000

/** max |F1 − F2| over the pooled sample, both inputs sorted ascending (finite, non-empty). */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length
  const n2 = b.length
  let i = 0
  let j = 0
  let maxS = Number.NEGATIVE_INFINITY
  let minS = Number.POSITIVE_INFINITY
  while (i < n1 || j < n2) {
    const ai = i < n1 ? (a[i] as number) : Number.POSITIVE_INFINITY
    const bj = j < n2 ? (b[j] as number) : Number.POSITIVE_INFINITY
    const z = Math.min(ai, bj)
    while (i < n1 && (a[i] as number) <= z) i++
    while (j < n2 && (b[j] as number) <= z) j++
    const diff = i / n1 - j / n2
    if (diff > maxS) maxS = diff
    if (diff < minS) minS = diff
  }
  const minClipped = Math.min(Math.max(-minS, 0), 1)
  return Math.max(minClipped, maxS)
}

function gcd(a: number, b: number): number {
  while (b) {
    const t = a % b
    a = b
    b = t
  }
  return a
}

/** Pr(D_{n,n} ≥ h/n): the proportion of lattice paths outside the band (n1 = n2). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1)
    P = p1 * (1 - P)
  }
  return 2 * P
}

/**
 * Pr(D_{m,n} ≥ h/lcm) by the inside method of Hodges, with Viehmann's (2021) recursion that
 * yields 1 − p directly (numerically stable).
 */
function probOutsideBand(m: number, n: number, g: number, h: number): number {
  if (m < n) {
    const t = m
    m = n
    n = t
  }
  const mg = m / g
  const ng = n / g
  let minj = 0
  let maxj = Math.min(Math.ceil(h / mg), n + 1)
  let curlen = maxj - minj
  const lenA = Math.min(2 * maxj + 2, n + 1)
  const A = new Float64Array(lenA).fill(1)
  for (let j = minj; j < maxj; j++) A[j] = 0
  for (let i = 1; i <= m; i++) {
    const lastminj = minj
    const lastlen = curlen
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n)
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1)
    if (maxj <= minj) return 1
    let val = minj === 0 ? 0 : 1
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj
      val = ((A[jj + minj - lastminj] as number) * i + val * j) / (i + j)
      A[jj] = val
    }
    curlen = maxj - minj
    if (lastlen > curlen) {
      const end = Math.min(maxj - minj + (lastlen - curlen), lenA)
      for (let t = maxj - minj; t < end; t++) A[t] = 1
    }
  }
  return A[maxj - minj - 1] as number
}

/**
 * The two-sided two-sample KS test on sorted finite samples, as `scipy.stats.ks_2samp` with
 * `method='auto'`: exact p-values when both samples have at most 10,000 values (the statistic is
 * then reported as h/lcm(n1, n2), exactly as SciPy does), otherwise the Kolmogorov distribution of
 * D_n with n = round(n1·n2/(n1+n2)).
 */
export function ksTwoSample(a: Float64Array, b: Float64Array, method: 'auto' | KsMethod = 'auto'): KsResult {
  const n1 = a.length
  const n2 = b.length
  if (n1 === 0 || n2 === 0) return { statistic: Number.NaN, pValue: Number.NaN, method: 'asymp' }
  let d = ksStatistic(a, b)
  let mode: KsMethod = method === 'auto' ? (Math.max(n1, n2) <= KS_MAX_EXACT_N ? 'exact' : 'asymp') : method
  const g = gcd(n1, n2)
  if (mode === 'exact' && n1 / g >= 2147483647 / (n2 / g)) mode = 'asymp'
  if (mode === 'exact') {
    const lcm = (n1 / g) * n2
    const h = roundHalfEven(d * lcm)
    const dExact = h / lcm
    if (h === 0) return { statistic: dExact, pValue: 1, method: 'exact' }
    const prob = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h)
    d = dExact
    if (Number.isFinite(prob) && prob >= 0 && prob <= 1)
      return { statistic: d, pValue: prob, method: 'exact' }
    mode = 'asymp'
  }
  const big = Math.max(n1, n2)
  const small = Math.min(n1, n2)
  const en = (big * small) / (big + small)
  const p = kolmogorovSf(roundHalfEven(en), d)
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1), method: 'asymp' }
}
