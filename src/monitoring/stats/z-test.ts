import type { TestResult } from './chi-square.js'
import { normalSf } from './special.js'

/**
 * Two-proportion z-test (pooled variance), two-sided: z = (p1 − p2) / √(P(1 − P)(1/n1 + 1/n2)),
 * p = 2·Φ(−|z|). `x1`, `x2` are the counts of the first outcome out of `n1`, `n2` trials.
 * Identical degenerate samples (all one outcome in both) give z = 0, p = 1.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): TestResult {
  const p1 = x1 / n1
  const p2 = x2 / n2
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
  if (variance === 0) return p1 === p2 ? { statistic: 0, pValue: 1 } : { statistic: Number.NaN, pValue: 0 }
  const z = (p1 - p2) / Math.sqrt(variance)
  return { statistic: z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) }
}
