/**
 * Feature binning: numeric features get at most `maxBins` bins from quantiles of a row sample,
 * bin 0 is kept for missing values. A bin is described by its upper edge: a value v falls in
 * bin 1 + (first i with v ≤ edges[i]); the last edge is +Infinity.
 */

/** Upper bin edges from sorted finite values; writes into `out` at `off`, returns the edge count. */
export function numericEdges(
  sorted: Float64Array,
  m: number,
  maxBins: number,
  out: Float64Array,
  off: number,
): number {
  if (m === 0) {
    out[off] = Number.POSITIVE_INFINITY
    return 1
  }
  let distinct = 1
  for (let i = 1; i < m; i++) if (sorted[i] !== sorted[i - 1]) distinct++
  let n = 0
  if (distinct <= maxBins) {
    let prev = sorted[0] as number
    for (let i = 1; i < m; i++) {
      const v = sorted[i] as number
      if (v !== prev) {
        out[off + n++] = prev + (v - prev) / 2
        prev = v
      }
    }
  } else {
    let last = Number.NEGATIVE_INFINITY
    for (let q = 1; q < maxBins; q++) {
      const pos = (q / maxBins) * (m - 1)
      const lo = Math.floor(pos)
      const hi = Math.min(m - 1, lo + 1)
      const a = sorted[lo] as number
      const b = sorted[hi] as number
      const t = pos === lo ? a : a + (b - a) / 2
      if (t > last) {
        out[off + n++] = t
        last = t
      }
    }
    // Values above the last edge need their own bin only if some exceed it.
    if (!((sorted[m - 1] as number) > last)) n--
  }
  out[off + n++] = Number.POSITIVE_INFINITY
  return n
}

/** The bin of a finite value: 1 + the first edge ≥ v (branch-free binary search). */
export function binOf(edges: Float64Array, off: number, count: number, v: number): number {
  let base = off
  let len = count
  while (len > 1) {
    const half = len >>> 1
    base = (edges[base + half] as number) < v ? base + half : base
    len -= half
  }
  return base - off + ((edges[base] as number) < v ? 2 : 1)
}

/**
 * Bin numeric column values of rows [r0, r1) (`raw[r]`) into byte `f` of each row of `bins`.
 */
export function binNumericRange(
  raw: Float64Array,
  rawOff: number,
  edges: Float64Array,
  edgeOff: number,
  edgeCount: number,
  bins: Uint8Array,
  stride: number,
  f: number,
  r0: number,
  r1: number,
): void {
  for (let r = r0; r < r1; r++) {
    const v = raw[rawOff + r] as number
    bins[r * stride + f] = Number.isNaN(v) ? 0 : binOf(edges, edgeOff, edgeCount, v)
  }
}

/** Bin category codes (stored as numbers; NaN or < 0 = missing) through `catToBin`. */
export function binCategoryRange(
  raw: Float64Array,
  rawOff: number,
  catToBin: Int32Array,
  catOff: number,
  catCount: number,
  bins: Uint8Array,
  stride: number,
  f: number,
  r0: number,
  r1: number,
): void {
  for (let r = r0; r < r1; r++) {
    const v = raw[rawOff + r] as number
    bins[r * stride + f] = v >= 0 && v < catCount ? (catToBin[catOff + v] as number) : 0
  }
}
