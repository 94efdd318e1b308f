/**
 * Histogram kernels over a row-major Uint8 bin matrix (`stride` bytes per row, a multiple of 4;
 * bin 0 = missing), reading four bins per 32-bit load.
 *
 * Two layouts. Float: per feature 256 bins of (gradient, hessian) pairs, 512 doubles. Packed:
 * gradients and hessians quantised to integers and packed into one double per row,
 * `g_q · 2^S + h_q`, so each (row, feature) costs a single addition; sums of packed values stay
 * exact integers below 2^53 and decode back into (Σg_q, Σh_q). 256 doubles per feature.
 */

/** Doubles per feature in a float histogram. */
export const HIST_FEATURE = 512
/** Doubles per feature in a packed histogram. */
export const PACKED_FEATURE = 256

/**
 * Add rows `idx[b..e)` into a float histogram at `ho` (cleared by the caller). `gh` holds
 * interleaved (gradient, hessian) pairs at `ghOff + 2 * row`.
 */
export function buildHistogram(
  bins: Uint8Array,
  bins32: Uint32Array,
  stride: number,
  featureCount: number,
  gh: Float64Array,
  ghOff: number,
  idx: Int32Array,
  b: number,
  e: number,
  hist: Float64Array,
  ho: number,
): void {
  const words = featureCount >> 2
  const tail = words << 2
  const wstride = stride >> 2
  for (let i = b; i < e; i++) {
    const r = idx[i] as number
    const gi = ghOff + 2 * r
    const g = gh[gi] as number
    const h = gh[gi + 1] as number
    let w = r * wstride
    let base = ho
    for (let k = 0; k < words; k++, w++, base += 2048) {
      const x = bins32[w] as number
      const b0 = base + ((x & 255) << 1)
      const b1 = base + 512 + (((x >>> 8) & 255) << 1)
      const b2 = base + 1024 + (((x >>> 16) & 255) << 1)
      const b3 = base + 1536 + ((x >>> 24) << 1)
      hist[b0] = (hist[b0] as number) + g
      hist[b0 + 1] = (hist[b0 + 1] as number) + h
      hist[b1] = (hist[b1] as number) + g
      hist[b1 + 1] = (hist[b1 + 1] as number) + h
      hist[b2] = (hist[b2] as number) + g
      hist[b2 + 1] = (hist[b2 + 1] as number) + h
      hist[b3] = (hist[b3] as number) + g
      hist[b3 + 1] = (hist[b3 + 1] as number) + h
    }
    const row = r * stride
    for (let f = tail; f < featureCount; f++) {
      const bi = ho + f * 512 + ((bins[row + f] as number) << 1)
      hist[bi] = (hist[bi] as number) + g
      hist[bi + 1] = (hist[bi + 1] as number) + h
    }
  }
}

/**
 * Add rows `b..e` of a row-major bin block (row i at `i * stride`) into a packed histogram at
 * `ho`, `q[i]` holding row i's packed value: the contiguous case, no index lookups.
 */
export function buildPackedHistogramRange(
  bins: Uint8Array,
  bins32: Uint32Array,
  stride: number,
  featureCount: number,
  q: Float64Array,
  b: number,
  e: number,
  hist: Float64Array,
  ho: number,
): void {
  const words = featureCount >> 2
  const tail = words << 2
  const wstride = stride >> 2
  for (let i = b; i < e; i++) {
    const g = q[i] as number
    let w = i * wstride
    let base = ho
    for (let k = 0; k < words; k++, w++, base += 1024) {
      const x = bins32[w] as number
      const b0 = base + (x & 255)
      const b1 = base + 256 + ((x >>> 8) & 255)
      const b2 = base + 512 + ((x >>> 16) & 255)
      const b3 = base + 768 + (x >>> 24)
      hist[b0] = (hist[b0] as number) + g
      hist[b1] = (hist[b1] as number) + g
      hist[b2] = (hist[b2] as number) + g
      hist[b3] = (hist[b3] as number) + g
    }
    const row = i * stride
    for (let f = tail; f < featureCount; f++) {
      const bi = ho + f * 256 + (bins[row + f] as number)
      hist[bi] = (hist[bi] as number) + g
    }
  }
}

/**
 * `dst = a − b` over features [f0, f1), the first `len(binCounts[f])` doubles of each
 * (histogram subtraction). `perBin` is 2 for float histograms and 1 for packed ones.
 */
export function subtractHistogram(
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  dst: Float64Array,
  dOff: number,
  f0: number,
  f1: number,
  binCounts: Int32Array,
  featureStride: number,
  perBin: number,
): void {
  for (let f = f0; f < f1; f++) {
    const o = f * featureStride
    const n = perBin * (binCounts[f] as number)
    for (let j = 0; j < n; j++) dst[dOff + o + j] = (a[ao + o + j] as number) - (b[bo + o + j] as number)
  }
}

/**
 * Decode one feature's packed bins into interleaved (gradient, hessian) pairs in `out`:
 * v = g_q · 2^S + h_q with 0 ≤ h_q < 2^S, scaled back by `gScale` and `hScale`.
 */
export function unpackFeature(
  hist: Float64Array,
  o: number,
  nb: number,
  twoS: number,
  gScale: number,
  hScale: number,
  out: Float64Array,
): void {
  for (let j = 0; j < nb; j++) {
    const v = hist[o + j] as number
    const gq = Math.floor(v / twoS)
    out[2 * j] = gq * gScale
    out[2 * j + 1] = (v - gq * twoS) * hScale
  }
}
