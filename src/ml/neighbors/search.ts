/** Distance metrics for neighbour search. */
export type Metric = 'euclidean' | 'manhattan' | 'minkowski' | 'chebyshev' | 'cosine'

/**
 * Exact k-nearest-neighbour search over row-major points, by brute force or a k-d tree (built
 * deterministically: split on the widest dimension at the median). Searches reuse their buffers,
 * so a query allocates nothing. Ties in distance go to the lower row index.
 */
export class NeighborIndex {
  readonly n: number
  private readonly norms: Float64Array | undefined
  // k-d tree (absent for brute force)
  private order: Int32Array | undefined
  private nodeStart!: Int32Array
  private nodeEnd!: Int32Array
  private nodeDim!: Int32Array
  private nodeSplit!: Float64Array
  private nodeLeft!: Int32Array
  private nodeRight!: Int32Array
  private nodeCount = 0
  // query buffers
  private readonly heapDist: Float64Array
  private readonly heapIdx: Int32Array
  private heapSize = 0
  private stack: Int32Array = new Int32Array(0)
  private stackBound: Float64Array = new Float64Array(0)

  constructor(
    readonly points: Float64Array,
    readonly p: number,
    readonly metric: Metric,
    readonly power: number,
    readonly k: number,
    useTree: boolean,
    readonly leafSize = 30,
  ) {
    this.n = p === 0 ? 0 : points.length / p
    this.heapDist = new Float64Array(k)
    this.heapIdx = new Int32Array(k)
    if (metric === 'cosine') {
      this.norms = new Float64Array(this.n)
      for (let i = 0; i < this.n; i++) {
        let s = 0
        for (let j = 0; j < p; j++) s += (points[i * p + j] as number) ** 2
        this.norms[i] = Math.sqrt(s)
      }
    }
    if (useTree && metric !== 'cosine') this.build()
  }

  /** Reduced distance (monotone in the true one: no root taken). */
  private reduced(x: Float64Array, xNorm: number, i: number): number {
    const p = this.p
    const pts = this.points
    const o = i * p
    let s = 0
    switch (this.metric) {
      case 'euclidean':
        for (let j = 0; j < p; j++) {
          const d = (x[j] as number) - (pts[o + j] as number)
          s += d * d
        }
        return s
      case 'manhattan':
        for (let j = 0; j < p; j++) s += Math.abs((x[j] as number) - (pts[o + j] as number))
        return s
      case 'chebyshev':
        for (let j = 0; j < p; j++) s = Math.max(s, Math.abs((x[j] as number) - (pts[o + j] as number)))
        return s
      case 'minkowski':
        for (let j = 0; j < p; j++) s += Math.abs((x[j] as number) - (pts[o + j] as number)) ** this.power
        return s
      default: {
        for (let j = 0; j < p; j++) s += (x[j] as number) * (pts[o + j] as number)
        const d = xNorm * (this.norms as Float64Array)[i]!
        return d === 0 ? 1 : 1 - s / d
      }
    }
  }

  /** The true distance from a reduced one. */
  distance(reduced: number): number {
    if (this.metric === 'euclidean') return Math.sqrt(reduced)
    if (this.metric === 'minkowski') return reduced ** (1 / this.power)
    return reduced
  }

  /** The reduced lower bound for a gap of `d` along one axis. */
  private axisBound(d: number): number {
    if (this.metric === 'euclidean') return d * d
    if (this.metric === 'minkowski') return d ** this.power
    return d
  }

  private build(): void {
    const n = this.n
    const p = this.p
    const order = Int32Array.from({ length: n }, (_, i) => i)
    const maxNodes = 2 * Math.ceil(n / Math.max(1, this.leafSize)) * 2 + 1
    this.nodeStart = new Int32Array(maxNodes)
    this.nodeEnd = new Int32Array(maxNodes)
    this.nodeDim = new Int32Array(maxNodes).fill(-1)
    this.nodeSplit = new Float64Array(maxNodes)
    this.nodeLeft = new Int32Array(maxNodes).fill(-1)
    this.nodeRight = new Int32Array(maxNodes).fill(-1)
    const pts = this.points
    const make = (start: number, end: number): number => {
      const id = this.nodeCount++
      this.nodeStart[id] = start
      this.nodeEnd[id] = end
      if (end - start <= this.leafSize) return id
      let bestDim = 0
      let bestSpread = -1
      for (let j = 0; j < p; j++) {
        let lo = Number.POSITIVE_INFINITY
        let hi = Number.NEGATIVE_INFINITY
        for (let r = start; r < end; r++) {
          const v = pts[(order[r] as number) * p + j] as number
          if (v < lo) lo = v
          if (v > hi) hi = v
        }
        if (hi - lo > bestSpread) {
          bestSpread = hi - lo
          bestDim = j
        }
      }
      if (bestSpread <= 0) return id
      const mid = (start + end) >> 1
      select(order, pts, p, bestDim, start, end - 1, mid)
      this.nodeDim[id] = bestDim
      this.nodeSplit[id] = pts[(order[mid] as number) * p + bestDim] as number
      this.nodeLeft[id] = make(start, mid)
      this.nodeRight[id] = make(mid, end)
      return id
    }
    this.order = order
    make(0, n)
    this.stack = new Int32Array(this.nodeCount + 1)
    this.stackBound = new Float64Array(this.nodeCount + 1)
  }

  private push(dist: number, idx: number): void {
    const hd = this.heapDist
    const hi = this.heapIdx
    const k = this.k
    if (this.heapSize < k) {
      let c = this.heapSize++
      while (c > 0) {
        const parent = (c - 1) >> 1
        if (worse(hd[parent] as number, hi[parent] as number, dist, idx)) break
        hd[c] = hd[parent] as number
        hi[c] = hi[parent] as number
        c = parent
      }
      hd[c] = dist
      hi[c] = idx
      return
    }
    if (!worse(hd[0] as number, hi[0] as number, dist, idx)) return
    let c = 0
    for (;;) {
      const l = 2 * c + 1
      if (l >= k) break
      const r = l + 1
      const m = r < k && worse(hd[r] as number, hi[r] as number, hd[l] as number, hi[l] as number) ? r : l
      if (!worse(hd[m] as number, hi[m] as number, dist, idx)) break
      hd[c] = hd[m] as number
      hi[c] = hi[m] as number
      c = m
    }
    hd[c] = dist
    hi[c] = idx
  }

  /**
   * Find the k nearest rows to `x`. Results land in `dist` (true distances) and `idx`, nearest
   * first; returns how many were found (fewer than k only when there are fewer rows).
   */
  query(x: Float64Array, dist: Float64Array, idx: Int32Array): number {
    this.heapSize = 0
    let xNorm = 0
    if (this.metric === 'cosine') {
      for (let j = 0; j < this.p; j++) xNorm += (x[j] as number) ** 2
      xNorm = Math.sqrt(xNorm)
    }
    if (!this.order) {
      for (let i = 0; i < this.n; i++) this.push(this.reduced(x, xNorm, i), i)
    } else {
      const order = this.order
      let top = 0
      this.stack[top] = 0
      this.stackBound[top++] = 0
      while (top > 0) {
        top--
        const node = this.stack[top] as number
        const bound = this.stackBound[top] as number
        if (this.heapSize === this.k && bound > (this.heapDist[0] as number)) continue
        const dim = this.nodeDim[node] as number
        if (dim < 0) {
          for (let r = this.nodeStart[node] as number; r < (this.nodeEnd[node] as number); r++) {
            const i = order[r] as number
            this.push(this.reduced(x, 0, i), i)
          }
          continue
        }
        const diff = (x[dim] as number) - (this.nodeSplit[node] as number)
        const near = diff < 0 ? (this.nodeLeft[node] as number) : (this.nodeRight[node] as number)
        const far = diff < 0 ? (this.nodeRight[node] as number) : (this.nodeLeft[node] as number)
        // Far child first on the stack, so the near one is searched first.
        this.stack[top] = far
        this.stackBound[top++] = Math.max(bound, this.axisBound(Math.abs(diff)))
        this.stack[top] = near
        this.stackBound[top++] = bound
      }
    }
    // Heap-sort the results ascending.
    const count = this.heapSize
    for (let end = count - 1; end >= 0; end--) {
      dist[end] = this.distance(this.heapDist[0] as number)
      idx[end] = this.heapIdx[0] as number
      const lastD = this.heapDist[end] as number
      const lastI = this.heapIdx[end] as number
      this.heapSize = end
      if (end > 0) {
        // Sift the last element down from the root over the shrunken heap.
        let c = 0
        for (;;) {
          const l = 2 * c + 1
          if (l >= end) break
          const r = l + 1
          const hd = this.heapDist
          const hi = this.heapIdx
          const m =
            r < end && worse(hd[r] as number, hi[r] as number, hd[l] as number, hi[l] as number) ? r : l
          if (!worse(hd[m] as number, hi[m] as number, lastD, lastI)) break
          hd[c] = hd[m] as number
          hi[c] = hi[m] as number
          c = m
        }
        this.heapDist[c] = lastD
        this.heapIdx[c] = lastI
      }
    }
    return count
  }
}

/** True when (da, ia) ranks after (db, ib): farther, or as far with a higher index. */
function worse(da: number, ia: number, db: number, ib: number): boolean {
  return da > db || (da === db && ia > ib)
}

/** Quickselect: put the k-th smallest (by coordinate `dim`) of order[lo..hi] at position k. */
function select(
  order: Int32Array,
  pts: Float64Array,
  p: number,
  dim: number,
  lo: number,
  hi: number,
  k: number,
): void {
  while (lo < hi) {
    const pivot = pts[(order[(lo + hi) >> 1] as number) * p + dim] as number
    let i = lo
    let j = hi
    while (i <= j) {
      while ((pts[(order[i] as number) * p + dim] as number) < pivot) i++
      while ((pts[(order[j] as number) * p + dim] as number) > pivot) j--
      if (i <= j) {
        const t = order[i] as number
        order[i] = order[j] as number
        order[j] = t
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return
  }
}
