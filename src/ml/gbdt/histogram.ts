/**
 * Histogram kernels. Bins are a row-major Uint8 matrix (`stride` bytes per row, a multiple of 4,
 * bin 0 = missing). A histogram holds, per feature, 256 bins of (gradient, hessian) pairs:
 * `hist[ho + f * HIST_FEATURE + 2 * bin]` and `+ 1`.
 */

/** Doubles per feature in a histogram: 256 bins × (gradient, hessian). */
export const HIST_FEATURE = 512

/**
 * Add rows `idx[b..e)` into `hist` (cleared by the caller). `gh` holds interleaved
 * (gradient, hessian) pairs at `ghOff + 2 * row`. Reads four bins per 32-bit load.
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

/** `dst = a - b` over the first `bins[f]` bins of each feature (histogram subtraction). */
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
): void {
  for (let f = f0; f < f1; f++) {
    const o = f * HIST_FEATURE
    const n = 2 * (binCounts[f] as number)
    for (let j = 0; j < n; j++) dst[dOff + o + j] = (a[ao + o + j] as number) - (b[bo + o + j] as number)
  }
}
