import { chiSquareSf } from './special.js'

/** A test statistic with its p-value. */
export interface TestResult {
  statistic: number
  pValue: number
}

/**
 * Pearson's chi-square goodness-of-fit test (`scipy.stats.chisquare(observed, expected)`):
 * Σ (o − e)² / e with k − 1 degrees of freedom. A category expected 0 times but observed gives an
 * infinite statistic and p = 0; fewer than two categories give NaN.
 */
export function chiSquareTest(observed: ArrayLike<number>, expected: ArrayLike<number>): TestResult {
  const k = observed.length
  let stat = 0
  for (let i = 0; i < k; i++) {
    const o = observed[i] as number
    const e = expected[i] as number
    const d = o - e
    stat += e === 0 ? (d === 0 ? Number.NaN : Number.POSITIVE_INFINITY) : (d * d) / e
  }
  if (k < 2) return { statistic: stat, pValue: Number.NaN }
  return { statistic: stat, pValue: stat === Number.POSITIVE_INFINITY ? 0 : chiSquareSf(stat, k - 1) }
}

/**
 * Evidently's chi-square drift test: current counts against reference counts scaled to the current
 * sample size, over the union of categories.
 */
export function chiSquareDrift(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
): TestResult {
  let nRef = 0
  let nCur = 0
  for (let i = 0; i < referenceCounts.length; i++) nRef += referenceCounts[i] as number
  for (let i = 0; i < currentCounts.length; i++) nCur += currentCounts[i] as number
  const k = nCur / nRef
  const expected = new Float64Array(referenceCounts.length)
  for (let i = 0; i < expected.length; i++) expected[i] = (referenceCounts[i] as number) * k
  return chiSquareTest(currentCounts, expected)
}
