import type { TrainingFeatures } from './features.js'

/**
 * Training data for exact CART, in shared memory so worker threads read it without copies:
 * feature values column-major (categorical as category index, NaN = missing), each value's rank
 * among the feature's sorted distinct values (-1 = missing), and the target.
 */
export interface CartData {
  n: number
  f: number
  /** Classes for classification, 0 for regression. */
  k: number
  categorical: number[]
  /** Categories per categorical feature (0 for numeric). */
  catCounts: number[]
  /** Offsets into `distinct` per feature, plus the end. */
  distinctOffsets: number[]
  sab: {
    x: SharedArrayBuffer
    rank: SharedArrayBuffer
    distinct: SharedArrayBuffer
    y: SharedArrayBuffer
    w: SharedArrayBuffer | null
  }
}

/** Typed views over CartData's buffers. */
export interface CartViews {
  x: Float64Array
  rank: Int32Array
  distinct: Float64Array
  y: Float64Array
  w: Float64Array | null
}

export function cartViews(d: CartData): CartViews {
  return {
    x: new Float64Array(d.sab.x),
    rank: new Int32Array(d.sab.rank),
    distinct: new Float64Array(d.sab.distinct),
    y: new Float64Array(d.sab.y),
    w: d.sab.w ? new Float64Array(d.sab.w) : null,
  }
}

/** Lay out features, ranks and target for CART. */
export function prepareCartData(
  tf: TrainingFeatures,
  y: ArrayLike<number>,
  k: number,
  w: Float64Array | undefined,
): CartData {
  const n = tf.rowCount
  const F = tf.specs.length
  const x = new Float64Array(new SharedArrayBuffer(8 * n * F))
  const rank = new Int32Array(new SharedArrayBuffer(4 * n * F))
  const distinctLists: Float64Array[] = []
  const catCounts: number[] = []
  tf.columns.forEach((col, f) => {
    const off = f * n
    const spec = tf.specs[f]
    if (spec?.categorical) {
      const count = spec.categories?.length ?? 0
      catCounts.push(count)
      const codes = col as Int32Array
      for (let r = 0; r < n; r++) {
        const c = codes[r] as number
        x[off + r] = c < 0 ? Number.NaN : c
        rank[off + r] = c < 0 ? -1 : c
      }
      distinctLists.push(Float64Array.from({ length: count }, (_, i) => i))
      return
    }
    catCounts.push(0)
    const v = col as Float64Array
    x.set(v, off)
    const sorted = new Float64Array(n)
    let m = 0
    for (let r = 0; r < n; r++) {
      const value = v[r] as number
      if (!Number.isNaN(value)) sorted[m++] = value
    }
    const s = sorted.subarray(0, m).sort()
    let d = 0
    for (let i = 0; i < m; i++) if (i === 0 || s[i] !== s[i - 1]) s[d++] = s[i] as number
    const distinct = s.slice(0, d)
    distinctLists.push(distinct)
    for (let r = 0; r < n; r++) {
      const value = v[r] as number
      if (Number.isNaN(value)) {
        rank[off + r] = -1
        continue
      }
      let lo = 0
      let hi = d - 1
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if ((distinct[mid] as number) < value) lo = mid + 1
        else hi = mid
      }
      rank[off + r] = lo
    }
  })
  const distinctOffsets = [0]
  for (const d of distinctLists) distinctOffsets.push((distinctOffsets.at(-1) as number) + d.length)
  const distinct = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, distinctOffsets.at(-1) as number)))
  distinctLists.forEach((d, f) => {
    distinct.set(d, distinctOffsets[f] as number)
  })
  const ys = new Float64Array(new SharedArrayBuffer(8 * n))
  for (let r = 0; r < n; r++) ys[r] = y[r] as number
  let wsab: SharedArrayBuffer | null = null
  if (w) {
    wsab = new SharedArrayBuffer(8 * n)
    new Float64Array(wsab).set(w)
  }
  return {
    n,
    f: F,
    k,
    categorical: tf.specs.map((s) => (s.categorical ? 1 : 0)),
    catCounts,
    distinctOffsets,
    sab: {
      x: x.buffer as SharedArrayBuffer,
      rank: rank.buffer as SharedArrayBuffer,
      distinct: distinct.buffer as SharedArrayBuffer,
      y: ys.buffer as SharedArrayBuffer,
      w: wsab,
    },
  }
}
