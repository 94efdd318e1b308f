/**
 * Distances and divergences between two discrete distributions given as aligned share (or count)
 * arrays, with the definitions of SciPy and Evidently.
 */

function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y)
  if (x === 0 && y >= 0) return 0
  return Number.POSITIVE_INFINITY
}

function total(p: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < p.length; i++) s += p[i] as number
  return s
}

/**
 * Jensen-Shannon distance (`scipy.spatial.distance.jensenshannon(p, q, base)`): both inputs are
 * normalised to sum 1; the square root of the JS divergence in the given log base.
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>, base = 2): number {
  const sp = total(p)
  const sq = total(q)
  let left = 0
  let right = 0
  for (let i = 0; i < p.length; i++) {
    const pi = (p[i] as number) / sp
    const qi = (q[i] as number) / sq
    const m = (pi + qi) / 2
    left += relEntr(pi, m)
    right += relEntr(qi, m)
  }
  let js = left + right
  if (base) js /= Math.log(base)
  return Math.sqrt(js / 2)
}

/** Kullback-Leibler divergence D(p‖q) in nats (`scipy.stats.entropy(p, q)`), inputs normalised. */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const sp = total(p)
  const sq = total(q)
  let s = 0
  for (let i = 0; i < p.length; i++) s += relEntr((p[i] as number) / sp, (q[i] as number) / sq)
  return s
}

/** Population stability index Σ (r − c)·ln(r / c) over aligned shares (no normalisation). */
export function populationStabilityIndex(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] as number
    const c = current[i] as number
    s += (r - c) * Math.log(r / c)
  }
  return s
}

/**
 * Hellinger distance √(1 − BC) from the Bhattacharyya coefficient BC = Σ √(p·q)·w, where p and q
 * are densities (or shares with w = 1). BC is clipped to [0, 1].
 */
export function hellingerFromDensities(p: ArrayLike<number>, q: ArrayLike<number>, binWidth = 1): number {
  let bc = 0
  for (let i = 0; i < p.length; i++) bc += Math.sqrt((p[i] as number) * (q[i] as number)) * binWidth
  bc = Math.min(Math.max(bc, 0), 1)
  return Math.sqrt(1 - bc)
}

/**
 * Replace zero shares by a small positive value, as Evidently does before PSI and KL: the smallest
 * non-zero share / 10^6 when that share is ≤ 1e-4, otherwise 1e-4. Returns a new array.
 */
export function fillZeroShares(shares: Float64Array): Float64Array {
  let minNonZero = Number.POSITIVE_INFINITY
  for (const v of shares) if (v !== 0 && v < minNonZero) minNonZero = v
  const fill = minNonZero <= 0.0001 ? minNonZero / 10 ** 6 : 0.0001
  const out = new Float64Array(shares.length)
  for (let i = 0; i < shares.length; i++) out[i] = shares[i] === 0 ? fill : (shares[i] as number)
  return out
}
