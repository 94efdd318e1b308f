import { type CartData, type CartViews, cartViews } from './cart-data.js'
import type { ForestParams } from './forest-params.js'
import { featuresPerSplit } from './forest-params.js'
import { Random } from './random.js'
import { CATEGORICAL, type FlatTree, MISSING_LEFT } from './tree-ensemble.js'

const GINI = 0
const ENTROPY = 1
const MSE = 2

/** One tree as built, with the rows it trained on (bootstrap counts) for out-of-bag scoring. */
export interface BuiltTree {
  tree: FlatTree
  /** How many times each row was drawn (null when every row was used once). */
  counts: Int32Array | null
}

/** The best split found so far at a node. */
interface Best {
  proxy: number
  feature: number
  threshold: number
  missingLeft: boolean
  /** Categorical: the categories going left are in CartBuilder.bestCats (missing is flagged separately). */
  categorical: boolean
}

/**
 * Grows CART trees (exact splits, like scikit-learn's `best` splitter, or extra trees' random
 * thresholds) on CartData. Each candidate feature's rows are ordered by their value's rank: by a
 * counting pass over ranks when the node is large relative to the feature's distinct values,
 * otherwise by sorting packed (rank, position) numbers. Missing values go to whichever side is
 * better (learned per split); categorical features split into category sets ordered by target
 * mean (Breiman's method).
 */
export class CartBuilder {
  private readonly v: CartViews
  private readonly n: number
  private readonly F: number
  private readonly K: number
  private readonly crit: number
  private readonly rows: Int32Array
  private readonly tmp: Int32Array
  private readonly sw: Float64Array
  /** (rank, position) keys: Int32 when they fit (integer sorts are faster), else Float64. */
  private readonly packed: Int32Array | Float64Array
  private readonly shift: number
  private readonly order: Int32Array
  private readonly width: number
  // Node, left and missing stats: class weights (K) or [sum, sum of squares].
  private readonly cN: Float64Array
  private readonly cL: Float64Array
  private readonly cM: Float64Array
  // Per-rank accumulators for the counting pass.
  private hw: Float64Array
  private hn: Int32Array
  private hc: Float64Array
  private readonly mark: Uint8Array
  private readonly keys: Float64Array
  private readonly groups: Int32Array
  private readonly mtry: number
  private rng = new Random(0)
  private readonly tree = new TreeArrays()
  private best: Best = { proxy: 0, feature: -1, threshold: 0, missingLeft: false, categorical: false }
  private readonly bestCats: Int32Array
  private bestCatCount = 0
  /** Class index per row (classification). */
  private readonly yc: Int32Array
  /** Stats of the nodes waiting on the build stack. */
  private pend = new Float64Array(256)
  private wM = 0
  private nM = 0
  private wTotal = 1

  constructor(
    private readonly data: CartData,
    private readonly p: ForestParams,
  ) {
    this.v = cartViews(data)
    this.n = data.n
    this.F = data.f
    this.K = data.k
    this.crit = p.criterion === 'gini' ? GINI : p.criterion === 'entropy' ? ENTROPY : MSE
    this.width = this.K > 0 ? this.K : 2
    this.rows = new Int32Array(this.n)
    this.tmp = new Int32Array(this.n)
    this.sw = new Float64Array(this.n)
    this.shift = 2 ** Math.max(1, Math.ceil(Math.log2(this.n + 1)))
    this.order = new Int32Array(this.F)
    this.cN = new Float64Array(this.width)
    this.cL = new Float64Array(this.width)
    this.cM = new Float64Array(this.width)
    let maxD = 1
    for (let f = 0; f < this.F; f++) {
      const d = (data.distinctOffsets[f + 1] as number) - (data.distinctOffsets[f] as number)
      maxD = Math.max(maxD, data.categorical[f] ? d + 1 : Math.min(d, 2 * this.n))
    }
    this.hw = new Float64Array(maxD)
    this.hn = new Int32Array(maxD)
    this.hc = new Float64Array(maxD * this.width)
    this.mark = new Uint8Array(maxD + 1)
    this.keys = new Float64Array(maxD + 1)
    this.groups = new Int32Array(maxD + 1)
    this.bestCats = new Int32Array(maxD + 1)
    this.yc = this.K > 0 ? Int32Array.from(this.v.y) : new Int32Array(0)
    this.mtry = featuresPerSplit(p, this.F)
    let maxRank = 1
    for (let f = 0; f < this.F; f++)
      if (!data.categorical[f])
        maxRank = Math.max(
          maxRank,
          (data.distinctOffsets[f + 1] as number) - (data.distinctOffsets[f] as number),
        )
    this.packed = maxRank * this.shift < 2 ** 31 ? new Int32Array(this.n) : new Float64Array(this.n)
  }

  /** Grow one tree; `seed` fixes its bootstrap sample and feature draws. */
  build(seed: number): BuiltTree {
    const { n, p, v } = this
    this.rng = new Random(seed)
    let counts: Int32Array | null = null
    if (p.bootstrap) {
      counts = new Int32Array(n)
      const draws = Math.max(1, Math.round(p.maxSamples * n))
      for (let i = 0; i < draws; i++) {
        const r = this.rng.int(n)
        counts[r] = (counts[r] as number) + 1
      }
    }
    let m = 0
    let wTotal = 0
    for (let r = 0; r < n; r++) {
      const c = counts ? (counts[r] as number) : 1
      const w = c * (v.w ? (v.w[r] as number) : 1)
      this.sw[r] = w
      if (c > 0) {
        this.rows[m++] = r
        wTotal += w
      }
    }
    this.wTotal = wTotal > 0 ? wTotal : 1
    const t = this.tree
    t.reset()
    // Depth-first, left child popped first: node ids come out in pre-order (left child = id + 1).
    // Each pending node's stats (weight, then cN) sit in `pend` at its stack slot; partition fills them.
    const stack: number[] = [0, m, 0, -1]
    const stride = this.width + 1
    this.nodeStats(0, m)
    this.pend[0] = this.wN
    this.pend.set(this.cN, 1)
    while (stack.length > 0) {
      const parent = stack.pop() as number
      const depth = stack.pop() as number
      const e = stack.pop() as number
      const b = stack.pop() as number
      const slot = (stack.length >> 2) * stride
      const id = t.add(this.width)
      if (parent >= 0 && id !== parent + 1) t.right[parent] = id
      const pend = this.pend
      this.wN = pend[slot] as number
      for (let k = 0; k < this.width; k++) this.cN[k] = pend[slot + 1 + k] as number
      const w = this.wN
      t.cover[id] = w
      const K = this.K
      const cN = this.cN
      if (K > 0) for (let k = 0; k < K; k++) t.value[id * K + k] = w > 0 ? (cN[k] as number) / w : 0
      else t.value[id] = w > 0 ? (cN[0] as number) / w : 0
      const wImp = this.nodeWeightedImpurity()
      t.wImp[id] = wImp
      const count = e - b
      if (
        wImp <= 1e-12 * Math.max(1, w) ||
        count < p.minSamplesSplit ||
        count < 2 * p.minSamplesLeaf ||
        (p.maxDepth > 0 && depth >= p.maxDepth) ||
        !this.findSplit(b, e)
      ) {
        continue
      }
      const best = this.best
      if (slot + 3 * stride > this.pend.length) {
        const grown = new Float64Array(2 * this.pend.length + 3 * stride)
        grown.set(this.pend)
        this.pend = grown
      }
      // Right child at this slot, left child above it (popped first).
      const mid = this.partition(b, e, best, slot + stride, slot)
      t.feature[id] = best.feature
      t.threshold[id] = best.threshold
      t.flags[id] = best.missingLeft ? MISSING_LEFT : 0
      if (best.categorical) t.setCategories(id, this.bestCats, this.bestCatCount)
      stack.push(mid, e, depth + 1, id, b, mid, depth + 1, id)
    }
    return { tree: t.finish(this.K > 0 ? this.K : 1), counts }
  }

  /** Stats of rows [b, e) into cN and wN. */
  private nodeStats(b: number, e: number): void {
    const { rows, sw, cN, K } = this
    const y = this.v.y
    cN.fill(0)
    let w = 0
    for (let i = b; i < e; i++) {
      const r = rows[i] as number
      const wr = sw[r] as number
      w += wr
      if (K > 0) cN[y[r] as number] = (cN[y[r] as number] as number) + wr
      else {
        const yr = y[r] as number
        cN[0] = (cN[0] as number) + wr * yr
        cN[1] = (cN[1] as number) + wr * yr * yr
      }
    }
    this.wN = w
  }

  private wN = 0

  /** w · impurity of the node whose stats are in cN. */
  private nodeWeightedImpurity(): number {
    const w = this.wN
    if (!(w > 0)) return 0
    const cN = this.cN
    if (this.crit === MSE) return Math.max(0, (cN[1] as number) - ((cN[0] as number) * (cN[0] as number)) / w)
    if (this.crit === GINI) {
      let s = 0
      for (let k = 0; k < this.K; k++) s += (cN[k] as number) * (cN[k] as number)
      return w - s / w
    }
    let s = 0
    for (let k = 0; k < this.K; k++) {
      const c = cN[k] as number
      if (c > 0) s += c * Math.log(c)
    }
    return w * Math.log(w) - s
  }

  /**
   * Split proxy to maximise for left stats `l` (weight wl) and right = node − l: Σc²/w per side
   * (Gini), Σ c·log c − w·log w per side (entropy) or sum²/w per side (squared error).
   */
  private proxy(l: Float64Array, wl: number, addMissing: boolean): number {
    const { cN, cM, K } = this
    const wN = this.wN
    const wL = addMissing ? wl + this.wM : wl
    const wR = wN - wL
    if (!(wL > 0) || !(wR > 0)) return Number.NEGATIVE_INFINITY
    if (this.crit === MSE) {
      const sL = (l[0] as number) + (addMissing ? (cM[0] as number) : 0)
      const sR = (cN[0] as number) - sL
      return (sL * sL) / wL + (sR * sR) / wR
    }
    let a = 0
    let b = 0
    if (this.crit === GINI) {
      for (let k = 0; k < K; k++) {
        const cl = (l[k] as number) + (addMissing ? (cM[k] as number) : 0)
        const cr = (cN[k] as number) - cl
        a += cl * cl
        b += cr * cr
      }
      return a / wL + b / wR
    }
    for (let k = 0; k < K; k++) {
      const cl = (l[k] as number) + (addMissing ? (cM[k] as number) : 0)
      const cr = (cN[k] as number) - cl
      if (cl > 0) a += cl * Math.log(cl)
      if (cr > 0) b += cr * Math.log(cr)
    }
    return a - wL * Math.log(wL) + b - wR * Math.log(wR)
  }

  /** The "no split" proxy (so gain = proxy − this). */
  private nodeProxy(): number {
    const { cN, K } = this
    const w = this.wN
    if (this.crit === MSE) return ((cN[0] as number) * (cN[0] as number)) / w
    let s = 0
    if (this.crit === GINI) {
      for (let k = 0; k < K; k++) s += (cN[k] as number) * (cN[k] as number)
      return s / w
    }
    for (let k = 0; k < K; k++) {
      const c = cN[k] as number
      if (c > 0) s += c * Math.log(c)
    }
    return s - w * Math.log(w)
  }

  /** Add a row's (weight, target) to stats `s`. */
  private add(s: Float64Array, r: number, w: number): void {
    const y = this.v.y[r] as number
    if (this.K > 0) s[y] = (s[y] as number) + w
    else {
      s[0] = (s[0] as number) + w * y
      s[1] = (s[1] as number) + w * y * y
    }
  }

  /** Search features in random order until `mtry` non-constant ones were tried. */
  private findSplit(b: number, e: number): boolean {
    const { F, order, rng } = this
    for (let f = 0; f < F; f++) order[f] = f
    this.best.proxy = Number.NEGATIVE_INFINITY
    this.best.feature = -1
    let tried = 0
    for (let i = 0; i < F && (tried < this.mtry || this.best.feature < 0); i++) {
      const j = i + rng.int(F - i)
      const f = order[j] as number
      order[j] = order[i] as number
      order[i] = f
      let varied: boolean
      if (this.data.categorical[f]) varied = this.categoricalSplit(f, b, e)
      else if (this.p.splitter === 'random') varied = this.randomSplit(f, b, e)
      else varied = this.numericSplit(f, b, e)
      if (varied) tried++
    }
    if (this.best.feature < 0) return false
    const gain = this.best.proxy - this.nodeProxy()
    return gain / this.wTotal + 1e-12 >= this.p.minImpurityDecrease
  }

  /** Try a candidate: left stats `l`, weight `wl`, counts; records it when it is the best so far. */
  private consider(
    f: number,
    l: Float64Array,
    wl: number,
    nl: number,
    nTotal: number,
    threshold: number,
  ): void {
    const msl = this.p.minSamplesLeaf
    const nM = this.nM
    const best = this.best
    // Missing values to the right…
    if (nl >= msl && nTotal - nl >= msl) {
      const q = this.proxy(l, wl, false)
      if (q > best.proxy) this.setBest(q, f, threshold, false)
    }
    // …or to the left.
    if (nM > 0 && nl + nM >= msl && nTotal - nl - nM >= msl) {
      const q = this.proxy(l, wl, true)
      if (q > best.proxy) this.setBest(q, f, threshold, true)
    }
  }

  private setBest(q: number, f: number, threshold: number, missingLeft: boolean): void {
    const best = this.best
    best.proxy = q
    best.feature = f
    best.threshold = threshold
    best.missingLeft = missingLeft
    best.categorical = false
  }

  /** Exact thresholds of a numeric feature. Returns false when the feature is constant here. */
  private numericSplit(f: number, b: number, e: number): boolean {
    const { rows, sw, packed, cL, cM, n, shift, K, yc, hw, hn, hc, width } = this
    const rank = this.v.rank
    const y = this.v.y
    const col = f * n
    cM.fill(0)
    let wM = 0
    let nM = 0
    let j = 0
    let lo = 2147483647
    let hi = -1
    // One pass: missing rows into cM, the others into per-rank accumulators and (rank, position) keys.
    for (let i = b; i < e; i++) {
      const r = rows[i] as number
      const rk = rank[col + r] as number
      const w = sw[r] as number
      if (rk < 0) {
        wM += w
        nM++
        this.add(cM, r, w)
        continue
      }
      packed[j++] = rk * shift + (i - b)
      if (rk < lo) lo = rk
      if (rk > hi) hi = rk
      hw[rk] = (hw[rk] as number) + w
      hn[rk] = (hn[rk] as number) + 1
      if (K > 0) {
        const at = rk * width + (yc[r] as number)
        hc[at] = (hc[at] as number) + w
      } else {
        const yr = y[r] as number
        hc[rk * width] = (hc[rk * width] as number) + w * yr
        hc[rk * width + 1] = (hc[rk * width + 1] as number) + w * yr * yr
      }
    }
    this.wM = wM
    this.nM = nM
    if (j === 0 || (lo === hi && nM === 0)) {
      if (j > 0) this.clearRanks(lo, lo)
      return false
    }
    const total = e - b
    const dOff = this.data.distinctOffsets[f] as number
    const dv = this.v.distinct
    cL.fill(0)
    let wl = 0
    let nl = 0
    if (hi - lo + 1 <= 2 * j) {
      // Few ranks: walk them in order.
      let prev = -1
      for (let q = lo; q <= hi; q++) {
        const c = hn[q] as number
        if (c === 0) continue
        if (prev >= 0) {
          const thr = ((dv[dOff + prev] as number) + (dv[dOff + q] as number)) / 2
          this.consider(f, cL, wl, nl, total, thr)
        }
        wl += hw[q] as number
        nl += c
        for (let k = 0; k < width; k++) cL[k] = (cL[k] as number) + (hc[q * width + k] as number)
        prev = q
      }
      this.clearRanks(lo, hi)
      if (nM > 0) this.consider(f, cL, wl, nl, total, Number.POSITIVE_INFINITY)
      return true
    }
    // Many ranks: zero the ones touched, then sort the keys.
    for (let t = 0; t < j; t++) {
      const rk = Math.floor((packed[t] as number) / shift)
      hw[rk] = 0
      hn[rk] = 0
      for (let k = 0; k < width; k++) hc[rk * width + k] = 0
    }
    if (j <= 32) {
      for (let t = 1; t < j; t++) {
        const v = packed[t] as number
        let u = t - 1
        while (u >= 0 && (packed[u] as number) > v) {
          packed[u + 1] = packed[u] as number
          u--
        }
        packed[u + 1] = v
      }
    } else packed.subarray(0, j).sort()
    let prevRk = -1
    for (let t = 0; t < j; t++) {
      const pv = packed[t] as number
      const rk = Math.floor(pv / shift)
      if (prevRk >= 0 && rk !== prevRk) {
        const thr = ((dv[dOff + prevRk] as number) + (dv[dOff + rk] as number)) / 2
        this.consider(f, cL, wl, nl, total, thr)
      }
      const r = rows[b + (pv - rk * shift)] as number
      const w = sw[r] as number
      wl += w
      nl++
      if (K > 0) {
        const k = yc[r] as number
        cL[k] = (cL[k] as number) + w
      } else {
        const yr = y[r] as number
        cL[0] = (cL[0] as number) + w * yr
        cL[1] = (cL[1] as number) + w * yr * yr
      }
      prevRk = rk
    }
    if (nM > 0) this.consider(f, cL, wl, nl, total, Number.POSITIVE_INFINITY)
    return true
  }

  /** Zero the per-rank accumulators of ranks [lo, hi]. */
  private clearRanks(lo: number, hi: number): void {
    const { hw, hn, hc, width } = this
    hw.fill(0, lo, hi + 1)
    hn.fill(0, lo, hi + 1)
    hc.fill(0, lo * width, (hi + 1) * width)
  }

  /** Extra trees: one threshold drawn uniformly between the node's min and max. */
  private randomSplit(f: number, b: number, e: number): boolean {
    const { rows, sw, cL, cM, n } = this
    const x = this.v.x
    const col = f * n
    let lo = Number.POSITIVE_INFINITY
    let hi = Number.NEGATIVE_INFINITY
    for (let i = b; i < e; i++) {
      const xv = x[col + (rows[i] as number)] as number
      if (xv < lo) lo = xv
      if (xv > hi) hi = xv
    }
    if (!(hi > lo)) return false
    let thr = lo + this.rng.next() * (hi - lo)
    if (thr >= hi) thr = lo
    const missingLeft = this.rng.next() < 0.5
    cL.fill(0)
    cM.fill(0)
    let wl = 0
    let nl = 0
    let wM = 0
    let nM = 0
    for (let i = b; i < e; i++) {
      const r = rows[i] as number
      const xv = x[col + r] as number
      const w = sw[r] as number
      if (Number.isNaN(xv)) {
        wM += w
        nM++
        this.add(cM, r, w)
      } else if (xv <= thr) {
        wl += w
        nl++
        this.add(cL, r, w)
      }
    }
    // The missing side is drawn, not searched: fold it into `consider`'s single option.
    this.wM = wM
    this.nM = nM
    const msl = this.p.minSamplesLeaf
    const total = e - b
    const nLeft = missingLeft ? nl + nM : nl
    if (nLeft >= msl && total - nLeft >= msl) {
      const q = this.proxy(cL, wl, missingLeft)
      if (q > this.best.proxy) this.setBest(q, f, thr, missingLeft)
    }
    return true
  }

  /** Category sets: categories ordered by mean target (or class share), best prefix (or a random set). */
  private categoricalSplit(f: number, b: number, e: number): boolean {
    const { rows, sw, hw, hn, hc, width, K, cL, keys, groups } = this
    const rank = this.v.rank
    const C = this.data.catCounts[f] as number
    const col = f * this.n
    // Group C holds missing values; `groups` lists the groups present, in order of appearance.
    let used = 0
    if (K > 0) {
      const yc = this.yc
      for (let i = b; i < e; i++) {
        const r = rows[i] as number
        const c = rank[col + r] as number
        const g = c < 0 ? C : c
        const w = sw[r] as number
        const h = hn[g] as number
        if (h === 0) groups[used++] = g
        hn[g] = h + 1
        hw[g] = (hw[g] as number) + w
        const at = g * width + (yc[r] as number)
        hc[at] = (hc[at] as number) + w
      }
    } else {
      const y = this.v.y
      for (let i = b; i < e; i++) {
        const r = rows[i] as number
        const c = rank[col + r] as number
        const g = c < 0 ? C : c
        const w = sw[r] as number
        const h = hn[g] as number
        if (h === 0) groups[used++] = g
        hn[g] = h + 1
        hw[g] = (hw[g] as number) + w
        const yr = y[r] as number
        hc[g * width] = (hc[g * width] as number) + w * yr
        hc[g * width + 1] = (hc[g * width + 1] as number) + w * yr * yr
      }
    }
    if (used < 2) {
      this.clearGroups(used)
      return false
    }
    let major = 0
    if (K > 2) for (let k = 1; k < K; k++) if ((this.cN[k] as number) > (this.cN[major] as number)) major = k
    const slot = K === 0 ? 0 : K === 2 ? 1 : major
    // Insertion sort by (key, group): the groups ordered by key, ties by group number (extra
    // trees draw their random set over the groups in number order: key 0 for all).
    const byKey = this.p.splitter !== 'random'
    for (let u = 0; u < used; u++) {
      const g = groups[u] as number
      const w = hw[g] as number
      const k = byKey && w > 0 ? (hc[g * width + slot] as number) / w : 0
      let t = u - 1
      while (
        t >= 0 &&
        ((keys[t] as number) > k || ((keys[t] as number) === k && (groups[t] as number) > g))
      ) {
        keys[t + 1] = keys[t] as number
        groups[t + 1] = groups[t] as number
        t--
      }
      keys[t + 1] = k
      groups[t + 1] = g
    }
    this.wM = 0
    this.nM = 0
    const total = e - b
    const msl = this.p.minSamplesLeaf
    const mask = this.mark
    if (this.p.splitter === 'random') {
      let left = 0
      for (let u = 0; u < used; u++) {
        mask[u] = this.rng.next() < 0.5 ? 1 : 0
        left += mask[u] as number
      }
      if (left === 0 || left === used) {
        const u = this.rng.int(used)
        mask[u] = mask[u] ? 0 : 1
      }
      cL.fill(0)
      let wl = 0
      let nl = 0
      for (let u = 0; u < used; u++) {
        if (mask[u] === 0) continue
        const g = groups[u] as number
        wl += hw[g] as number
        nl += hn[g] as number
        for (let k = 0; k < width; k++) cL[k] = (cL[k] as number) + (hc[g * width + k] as number)
      }
      if (nl >= msl && total - nl >= msl) {
        const q = this.proxy(cL, wl, false)
        if (q > this.best.proxy) this.setCategorySplit(q, f, C, used, -1)
      }
      mask.fill(0, 0, used)
    } else {
      cL.fill(0)
      let wl = 0
      let nl = 0
      for (let s = 1; s < used; s++) {
        const g = groups[s - 1] as number
        wl += hw[g] as number
        nl += hn[g] as number
        for (let k = 0; k < width; k++) cL[k] = (cL[k] as number) + (hc[g * width + k] as number)
        if (nl < msl || total - nl < msl) continue
        const q = this.proxy(cL, wl, false)
        if (q > this.best.proxy) this.setCategorySplit(q, f, C, used, s)
      }
    }
    this.clearGroups(used)
    return true
  }

  /** Zero the per-group accumulators of the `used` groups listed in `groups`. */
  private clearGroups(used: number): void {
    const { hw, hn, hc, groups, width } = this
    for (let u = 0; u < used; u++) {
      const g = groups[u] as number
      hw[g] = 0
      hn[g] = 0
      for (let k = 0; k < width; k++) hc[g * width + k] = 0
    }
  }

  /** Record a category split: the first `prefix` groups (or, with prefix −1, those marked) go left. */
  private setCategorySplit(q: number, f: number, C: number, used: number, prefix: number): void {
    const cats = this.bestCats
    let m = 0
    let missingLeft = false
    for (let u = 0; u < used; u++) {
      if (prefix >= 0 ? u >= prefix : this.mark[u] === 0) continue
      const g = this.groups[u] as number
      if (g === C) missingLeft = true
      else cats[m++] = g
    }
    this.bestCatCount = m
    const best = this.best
    best.proxy = q
    best.feature = f
    best.threshold = 0
    best.missingLeft = missingLeft
    best.categorical = true
  }

  /** Partition rows [b, e) by the best split; returns the first right row. */
  private partition(b: number, e: number, best: Best, leftAt: number, rightAt: number): number {
    const { rows, tmp, n, pend, K, sw, yc } = this
    const y = this.v.y
    const width = this.width
    pend.fill(0, leftAt, leftAt + width + 1)
    pend.fill(0, rightAt, rightAt + width + 1)
    const x = this.v.x
    const col = best.feature * n
    const ml = best.missingLeft
    let nl = b
    let nr = 0
    if (best.categorical) {
      const { mark, bestCats } = this
      const m = this.bestCatCount
      for (let u = 0; u < m; u++) mark[bestCats[u] as number] = 1
      const rank = this.v.rank
      for (let i = b; i < e; i++) {
        const r = rows[i] as number
        const c = rank[col + r] as number
        let at: number
        if (c < 0 ? ml : mark[c] === 1) {
          rows[nl++] = r
          at = leftAt
        } else {
          tmp[nr++] = r
          at = rightAt
        }
        const wr = sw[r] as number
        pend[at] = (pend[at] as number) + wr
        if (K > 0) pend[at + 1 + (yc[r] as number)] = (pend[at + 1 + (yc[r] as number)] as number) + wr
        else {
          const yr = y[r] as number
          pend[at + 1] = (pend[at + 1] as number) + wr * yr
          pend[at + 2] = (pend[at + 2] as number) + wr * yr * yr
        }
      }
      for (let u = 0; u < m; u++) mark[bestCats[u] as number] = 0
    } else {
      const thr = best.threshold
      for (let i = b; i < e; i++) {
        const r = rows[i] as number
        const xv = x[col + r] as number
        let at: number
        if (xv <= thr || (ml && Number.isNaN(xv))) {
          rows[nl++] = r
          at = leftAt
        } else {
          tmp[nr++] = r
          at = rightAt
        }
        const wr = sw[r] as number
        pend[at] = (pend[at] as number) + wr
        if (K > 0) pend[at + 1 + (yc[r] as number)] = (pend[at + 1 + (yc[r] as number)] as number) + wr
        else {
          const yr = y[r] as number
          pend[at + 1] = (pend[at + 1] as number) + wr * yr
          pend[at + 2] = (pend[at + 2] as number) + wr * yr * yr
        }
      }
    }
    for (let i = 0; i < nr; i++) rows[nl + i] = tmp[i] as number
    return nl
  }
}

/**
 * Add one tree's predictions for rows it did not train on (`counts[r] === 0`) into `sum`
 * (`n × width`) and count them in `seen`.
 */
export function addOutOfBag(
  tree: FlatTree,
  x: Float64Array,
  n: number,
  counts: Int32Array,
  width: number,
  sum: Float64Array,
  seen: Float64Array,
): void {
  const { feature, threshold, right, flags, catStart, catBits, value } = tree
  for (let r = 0; r < n; r++) {
    if ((counts[r] as number) > 0) continue
    let node = 0
    let f = feature[0] as number
    while (f >= 0) {
      const v = x[f * n + r] as number
      const fl = flags[node] as number
      let left: boolean
      if (Number.isNaN(v)) left = (fl & 1) !== 0
      else if (fl & 2) {
        const c = catStart[node] as number
        const w = v >> 5
        left = w < (catBits[c] as number) && (((catBits[c + 1 + w] as number) >>> (v & 31)) & 1) !== 0
      } else left = v <= (threshold[node] as number)
      node = left ? node + 1 : (right[node] as number)
      f = feature[node] as number
    }
    for (let k = 0; k < width; k++)
      sum[r * width + k] = (sum[r * width + k] as number) + (value[node * width + k] as number)
    seen[r] = (seen[r] as number) + 1
  }
}

/** A tree's nodes in growable typed arrays, in pre-order as they are created. */
class TreeArrays {
  size = 0
  feature = new Int32Array(64)
  threshold = new Float64Array(64)
  right = new Int32Array(64)
  flags = new Uint8Array(64)
  cover = new Float64Array(64)
  wImp = new Float64Array(64)
  value = new Float64Array(64)
  catStart = new Int32Array(64)
  /** Category bit sets of categorical splits, as in FlatTree.catBits. */
  private bits = new Uint32Array(64)
  private bitsSize = 0

  reset(): void {
    this.size = 0
    this.bitsSize = 0
  }

  /** A new leaf; returns its id. */
  add(width: number): number {
    const id = this.size++
    if (id >= this.feature.length) this.grow(width)
    if ((id + 1) * width > this.value.length) this.grow(width)
    this.feature[id] = -1
    this.threshold[id] = 0
    this.right[id] = 0
    this.flags[id] = 0
    this.catStart[id] = -1
    return id
  }

  /** Send categories `cats[0..m)` left at node `id`. */
  setCategories(id: number, cats: Int32Array, m: number): void {
    this.flags[id] = (this.flags[id] as number) | CATEGORICAL
    let max = -1
    for (let u = 0; u < m; u++) max = Math.max(max, cats[u] as number)
    const words = Math.max(1, Math.ceil((max + 1) / 32))
    const at = this.bitsSize
    if (at + 1 + words > this.bits.length) {
      const b = new Uint32Array(Math.max(2 * this.bits.length, at + 1 + words))
      b.set(this.bits)
      this.bits = b
    }
    const bits = this.bits
    bits[at] = words
    bits.fill(0, at + 1, at + 1 + words)
    for (let u = 0; u < m; u++) {
      const k = cats[u] as number
      bits[at + 1 + (k >> 5)] = ((bits[at + 1 + (k >> 5)] as number) | (1 << (k & 31))) >>> 0
    }
    this.catStart[id] = at
    this.bitsSize = at + 1 + words
  }

  private grow(width: number): void {
    const cap = this.feature.length * 2
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T, len: number): T => {
      const b = new (a.constructor as new (n: number) => T)(len)
      b.set(a)
      return b
    }
    this.feature = g(this.feature, cap)
    this.threshold = g(this.threshold, cap)
    this.right = g(this.right, cap)
    this.flags = g(this.flags, cap)
    this.cover = g(this.cover, cap)
    this.wImp = g(this.wImp, cap)
    this.value = g(this.value, cap * width)
    this.catStart = g(this.catStart, cap)
  }

  /** The finished tree; split gains are the weighted impurity decreases. */
  finish(width: number): FlatTree {
    const m = this.size
    const gain = new Float64Array(m)
    for (let id = 0; id < m; id++) {
      if ((this.feature[id] as number) < 0) continue
      const r = this.right[id] as number
      gain[id] = Math.max(
        0,
        (this.wImp[id] as number) - (this.wImp[id + 1] as number) - (this.wImp[r] as number),
      )
    }
    return {
      feature: this.feature.slice(0, m),
      threshold: this.threshold.slice(0, m),
      right: this.right.slice(0, m),
      flags: this.flags.slice(0, m),
      catStart: this.catStart.slice(0, m),
      catBits: this.bits.slice(0, this.bitsSize),
      value: this.value.slice(0, m * width),
      cover: this.cover.slice(0, m),
      gain,
    }
  }
}
