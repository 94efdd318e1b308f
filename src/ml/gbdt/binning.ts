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

/** The bin of a finite value: 1 + the first edge ≥ v (binary search in edges[lo..hi]). */
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

const CELLS = 1024

/**
 * Bin numeric values `raw[rawOff + r]` of rows [r0, r1) into `out[outOff + r]`. A table over a
 * uniform grid of the edge range points each value at the first candidate edge, so most values
 * need one or two comparisons instead of a binary search.
 */
export function binNumericRange(
  raw: Float64Array,
  rawOff: number,
  edges: Float64Array,
  eo: number,
  ec: number,
  out: Uint8Array,
  outOff: number,
  r0: number,
  r1: number,
): void {
  if (ec < 3) {
    for (let r = r0; r < r1; r++) {
      const v = raw[rawOff + r] as number
      out[outOff + r] = Number.isNaN(v) ? 0 : binOf(edges, eo, ec, v)
    }
    return
  }
  const lo = edges[eo] as number
  const hi = edges[eo + ec - 2] as number
  const scale = CELLS / (hi - lo)
  // start[c]: first edge ≥ the start of cell c − 1 (one cell of slack for rounding).
  const start = new Int32Array(CELLS + 1)
  let e = 0
  for (let c = 0; c <= CELLS; c++) {
    const x = lo + (c - 1) / scale
    while ((edges[eo + e] as number) < x) e++
    start[c] = e
  }
  const last = ec
  for (let r = r0; r < r1; r++) {
    const v = raw[rawOff + r] as number
    if (Number.isNaN(v)) {
      out[outOff + r] = 0
      continue
    }
    if (v <= lo) {
      out[outOff + r] = 1
      continue
    }
    if (v > hi) {
      out[outOff + r] = last
      continue
    }
    const c = Math.min(CELLS - 1, Math.floor((v - lo) * scale))
    let i = start[c] as number
    const stop = start[c + 1] as number
    if (stop - i > 8) {
      out[outOff + r] = i + binOf(edges, eo + i, ec - i, v)
      continue
    }
    while ((edges[eo + i] as number) < v) i++
    out[outOff + r] = i + 1
  }
}

/** Bin category codes (stored as numbers; NaN or < 0 = missing) through `catToBin`. */
export function binCategoryRange(
  raw: Float64Array,
  rawOff: number,
  catToBin: Int32Array,
  catOff: number,
  catCount: number,
  out: Uint8Array,
  outOff: number,
  r0: number,
  r1: number,
): void {
  for (let r = r0; r < r1; r++) {
    const v = raw[rawOff + r] as number
    out[outOff + r] = v >= 0 && v < catCount ? (catToBin[catOff + v] as number) : 0
  }
}

/** Copy column-major bins of rows [r0, r1) into the row-major matrix (`stride` bytes a row). */
export function transposeBins(
  cbins: Uint8Array,
  n: number,
  f: number,
  bins: Uint8Array,
  stride: number,
  r0: number,
  r1: number,
): void {
  const B = 4096
  for (let b = r0; b < r1; b += B) {
    const e = Math.min(r1, b + B)
    for (let j = 0; j < f; j++) {
      const co = j * n
      for (let r = b; r < e; r++) bins[r * stride + j] = cbins[co + r] as number
    }
  }
}
