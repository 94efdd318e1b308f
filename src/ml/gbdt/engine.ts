import { hash3 } from '../trees/random.js'
import { binCategoryRange, binNumericRange, numericEdges, transposeBins } from './binning.js'
import { buildHistogram, buildPackedHistogramRange, subtractHistogram, unpackFeature } from './histogram.js'
import { computeGradients, lossSum } from './objectives.js'
import { radixSortFloat64 } from './radix-sort.js'
import type { GbdtJob } from './shared.js'
import { GbdtViews, histSize } from './shared.js'
import { CAND_SIZE, CAT_WORDS, clearCandidate, SplitFinder } from './split-finder.js'

/** Commands the coordinator sends to every training thread. */
export const CMD_CUTS = 1
export const CMD_BIN = 2
export const CMD_INIT = 3
export const CMD_GRAD = 4
export const CMD_ROOT = 5
export const CMD_PARTITION = 6
export const CMD_HIST = 7
export const CMD_REDUCE_FIND = 8
export const CMD_UPDATE = 9
export const CMD_LOSS = 10
export const CMD_EXIT = 11
/**
 * Flag in a CMD_PARTITION count word: packed depth-wise training, the level's last batch; after
 * it every thread reads the other row buffer.
 */
export const PARTITION_SWAP = 1 << 20

/** Tree node flags in the shared tree arrays. */
export const T_DEFAULT_LEFT = 1
export const T_CATEGORICAL = 2
/** A split whose children are both leaves: not partitioned; the update pass routes its rows. */
export const T_FINAL = 4
/** A leaf under a final split (it has no segment of its own). */
export const T_VIA_PARENT = 8
/**
 * The node's segment of row ids lies in `tmp`, not `idx` (packed depth-wise training: odd depths,
 * whose partitions wrote ids into the other buffer, as they do bins and gradients).
 */
export const T_ALT_ROWS = 16

/** Gather a node's rows first when they span more than this many times their count. */
const GATHER_SPREAD = 3

interface Gathered {
  bins32: Uint32Array
  bins: Uint8Array
  gh: Float64Array
  /** 0, 1, 2, …: the gathered rows in order. */
  ids: Int32Array
}

/** Words per REDUCE_FIND entry: node, slot, findNode, sib, sibSlot, findSib, parentSlot, histEntry. */
export const RF_WORDS = 8

/**
 * One training thread's share of every phase: rows [r0, r1) for data-parallel work (gradients,
 * partitions, histograms, predictions) and features [f0, f1) for histogram reduction and split
 * search. Holds no state between phases beyond what lives in shared memory.
 */
export class GbdtEngine {
  readonly v: GbdtViews
  readonly r0: number
  readonly r1: number
  readonly v0: number
  readonly v1: number
  readonly f0: number
  readonly f1: number
  private readonly finder: SplitFinder
  private readonly hs: number
  private readonly scratch = new Float64Array(512)
  private readonly pair = new Float64Array(2)
  private huberDelta = 1
  /** Packed mode: which buffer holds the current rows (0: pbins/q, 1: tbins/tq). */
  private cur = 0

  constructor(
    readonly job: GbdtJob,
    readonly worker: number,
  ) {
    this.v = new GbdtViews(job)
    const W = job.threads
    this.r0 = Math.floor((worker * job.n) / W)
    this.r1 = Math.floor(((worker + 1) * job.n) / W)
    this.v0 = Math.floor((worker * job.nv) / W)
    this.v1 = Math.floor(((worker + 1) * job.nv) / W)
    this.f0 = Math.floor((worker * job.f) / W)
    this.f1 = Math.floor(((worker + 1) * job.f) / W)
    this.finder = new SplitFinder(job.params)
    this.hs = histSize(job)
  }

  /** Run the command in the control block. */
  exec(cmd: number): void {
    const c = this.v.cmd
    switch (cmd) {
      case CMD_CUTS:
        this.cuts()
        return
      case CMD_BIN:
        this.bin()
        return
      case CMD_INIT:
        this.init()
        return
      case CMD_GRAD:
        this.huberDelta = new Float64Array(c.buffer, 8, 1)[0] as number
        this.gradients()
        return
      case CMD_ROOT:
        this.root(c[0] as number, c[1] as number, c[2] as number)
        return
      case CMD_PARTITION:
        this.partition()
        return
      case CMD_HIST:
        this.histograms()
        return
      case CMD_REDUCE_FIND:
        this.reduceFind()
        return
      case CMD_UPDATE:
        this.update()
        return
      case CMD_LOSS:
        this.loss()
        return
    }
  }

  /** Bin edges of numeric features f ≡ worker (mod threads), from the shared row sample. */
  private cuts(): void {
    const { job, v } = this
    const m = v.sample.length
    const vals = new Float64Array(m)
    const scratch = new Float64Array(m)
    for (let f = this.worker; f < job.f; f += job.threads) {
      if (job.categorical[f]) continue
      const off = f * job.n
      let k = 0
      for (let i = 0; i < m; i++) {
        const x = v.raw[off + (v.sample[i] as number)] as number
        if (!Number.isNaN(x)) vals[k++] = x
      }
      const sorted = vals.subarray(0, k)
      radixSortFloat64(sorted, scratch)
      v.edgeCounts[f] = numericEdges(sorted, k, job.params.maxBins, v.edges, f * 256)
      v.binCounts[f] = (v.edgeCounts[f] as number) + 1
    }
  }

  /** Bin this thread's rows column by column, then lay them out row-major for histograms. */
  private bin(): void {
    const { job, v } = this
    const { n, nv } = job
    for (let f = 0; f < job.f; f++) {
      if (job.categorical[f]) {
        const co = job.catOffsets[f] as number
        const cc = job.catCounts[f] as number
        binCategoryRange(v.raw, f * n, v.catToBin, co, cc, v.cbins, f * n, this.r0, this.r1)
        if (nv > 0) binCategoryRange(v.vraw, f * nv, v.catToBin, co, cc, v.vbins, f * nv, this.v0, this.v1)
      } else {
        const ec = v.edgeCounts[f] as number
        binNumericRange(v.raw, f * n, v.edges, f * 256, ec, v.cbins, f * n, this.r0, this.r1)
        if (nv > 0) binNumericRange(v.vraw, f * nv, v.edges, f * 256, ec, v.vbins, f * nv, this.v0, this.v1)
      }
    }
    transposeBins(v.cbins, n, job.f, v.bins, job.stride, this.r0, this.r1)
    if (job.pack) for (let r = this.r0; r < this.r1; r++) v.noise[r] = hash3(job.seed, 0x51ed270b, r)
  }

  /** Start predictions at the base scores (in `red[0..k)`). */
  private init(): void {
    const { job, v } = this
    const K = job.k
    const base = new Float64Array(v.cmd.buffer, 8, K)
    for (let r = this.r0; r < this.r1; r++) for (let k = 0; k < K; k++) v.pred[r * K + k] = base[k] as number
    for (let r = this.v0; r < this.v1; r++) for (let k = 0; k < K; k++) v.vpred[r * K + k] = base[k] as number
  }

  /** Gradients of this thread's rows, and per output the largest |g| and h (for quantisation). */
  private gradients(): void {
    const { job, v } = this
    computeGradients(job.objective, v.y, v.w, v.pred, v.gh, job.n, job.k, this.r0, this.r1, this.huberDelta)
    if (!job.pack) return
    const gh = v.gh
    for (let k = 0; k < job.k; k++) {
      const off = k * 2 * job.n
      let gm = 0
      let hm = 0
      for (let r = this.r0; r < this.r1; r++) {
        const g = Math.abs(gh[off + 2 * r] as number)
        const h = gh[off + 2 * r + 1] as number
        if (g > gm) gm = g
        if (h > hm) hm = h
      }
      v.gmax[(this.worker * job.k + k) * 2] = gm
      v.gmax[(this.worker * job.k + k) * 2 + 1] = hm
    }
  }

  /**
   * Rows of this thread in the tree's sample, in order, as the root's segment; when packing,
   * each row's (g, h) quantised with stochastic rounding (a hash of seed, tree and row, so the
   * result does not depend on the thread layout).
   */
  private root(tree: number, sampled: number, cls: number): void {
    const { job, v } = this
    const seed = job.seed
    const limit = sampled ? Math.floor(job.params.subsample * 4294967296) : -1
    const k = rootRows(v.idx, this.r0, this.r1, seed, tree, limit)
    const s = this.worker * job.maxNodes * 2
    v.seg[s] = this.r0
    v.seg[s + 1] = k
    const pack = job.pack
    if (!pack) return
    this.cur = 0
    // The rows' bins in the tree's starting order (all rows in order, or the sampled ones).
    const ws = job.stride >> 2
    if (sampled) {
      const { bins32, pbins32, idx } = v
      for (let i = this.r0; i < k; i++) {
        const r = idx[i] as number
        for (let w = 0; w < ws; w++) pbins32[i * ws + w] = bins32[r * ws + w] as number
      }
    } else v.pbins32.set(v.bins32.subarray(this.r0 * ws, this.r1 * ws), this.r0 * ws)
    // Rounding noise: a fixed random word per row, scrambled by a per-tree mask.
    quantizeRows(
      v.idx,
      this.r0,
      k,
      v.gh,
      cls * 2 * job.n,
      v.noise,
      hash3(seed ^ 0x6a09e667, tree, 0),
      1 / (v.scal[0] as number),
      1 / (v.scal[1] as number),
      pack.gLevels,
      pack.unitHessian ? 0 : pack.hLevels,
      pack.twoS,
      v.q,
    )
  }

  /**
   * cmd: [count (| PARTITION_SWAP), (node, left, right)…]; split this thread's segment of each
   * node in place (stable).
   */
  private partition(): void {
    const { job, v } = this
    const c = v.cmd
    const count = (c[0] as number) & (PARTITION_SWAP - 1)
    const segBase = this.worker * job.maxNodes * 2
    const { idx, tmp, cbins, seg, tFeature, tBin, tFlags, tBits } = v
    const n = job.n
    for (let e = 0; e < count; e++) {
      const node = c[1 + 3 * e] as number
      const left = c[2 + 3 * e] as number
      const right = c[3 + 3 * e] as number
      const b = seg[segBase + 2 * node] as number
      const end = seg[segBase + 2 * node + 1] as number
      const flags = tFlags[node] as number
      if (job.pack) {
        const f = tFeature[node] as number
        const nl = partitionPacked(
          v,
          this.cur,
          job.params.growPolicy === 'depthwise',
          job.stride,
          b,
          end,
          f,
          flags,
          tBin[node] as number,
          node * CAT_WORDS,
        )
        seg[segBase + 2 * left] = b
        seg[segBase + 2 * left + 1] = nl
        seg[segBase + 2 * right] = nl
        seg[segBase + 2 * right + 1] = end
        continue
      }
      const col = (tFeature[node] as number) * n
      const dl = flags & 1
      // Branch-free: every row is written to both sides and the side's cursor advances by 0 or 1
      // (a data-dependent branch here mispredicts half the time).
      let nl = b
      let nr = 0
      if ((flags & 2) === 0) {
        const t = tBin[node] as number
        for (let i = b; i < end; i++) {
          const r = idx[i] as number
          const bin = cbins[col + r] as number
          const miss = (bin - 1) >>> 31
          const go = (miss & dl) | ((miss ^ 1) & ((bin - 1 - t) >>> 31))
          idx[nl] = r
          tmp[b + nr] = r
          nl += go
          nr += go ^ 1
        }
      } else {
        const bo = node * CAT_WORDS
        for (let i = b; i < end; i++) {
          const r = idx[i] as number
          const bin = cbins[col + r] as number
          const go = ((tBits[bo + (bin >> 5)] as number) >>> (bin & 31)) & 1
          idx[nl] = r
          tmp[b + nr] = r
          nl += go
          nr += go ^ 1
        }
      }
      for (let i = 0; i < nr; i++) idx[nl + i] = tmp[b + i] as number
      seg[segBase + 2 * left] = b
      seg[segBase + 2 * left + 1] = nl
      seg[segBase + 2 * right] = nl
      seg[segBase + 2 * right + 1] = end
    }
    if ((c[0] as number) & PARTITION_SWAP) this.cur ^= 1
  }

  /**
   * cmd: [count, class, (node, slot)…]; this thread's histogram of each node. A node whose rows
   * are spread thinly over memory (deep in the tree) is first gathered into contiguous scratch:
   * the simple copy loop keeps many cache misses in flight, which the histogram loop, with its
   * long body per row, cannot.
   */
  private histograms(): void {
    const { job, v } = this
    const c = v.cmd
    const count = c[0] as number
    const cls = c[1] as number
    const segBase = this.worker * job.maxNodes * 2
    const hs = this.hs
    const single = job.threads === 1
    const hist = single ? v.full : v.partial
    const ghOff = cls * 2 * job.n
    for (let e = 0; e < count; e++) {
      const node = c[2 + 2 * e] as number
      const ho = single ? (c[3 + 2 * e] as number) * hs : (this.worker * job.entries + e) * hs
      hist.fill(0, ho, ho + hs)
      const b = v.seg[segBase + 2 * node] as number
      const end = v.seg[segBase + 2 * node + 1] as number
      const m = end - b
      if (m === 0) continue
      if (job.pack) {
        if (this.cur === 0)
          buildPackedHistogramRange(v.pbins, v.pbins32, job.stride, job.f, v.q, b, end, hist, ho)
        else buildPackedHistogramRange(v.tbins, v.tbins32, job.stride, job.f, v.tq, b, end, hist, ho)
        continue
      }
      const span = (v.idx[end - 1] as number) - (v.idx[b] as number) + 1
      if (span > GATHER_SPREAD * m) {
        const g = this.gatherRows(b, end, ghOff)
        buildHistogram(g.bins, g.bins32, job.stride, job.f, g.gh, 0, g.ids, 0, m, hist, ho)
        continue
      }
      buildHistogram(v.bins, v.bins32, job.stride, job.f, v.gh, ghOff, v.idx, b, end, hist, ho)
    }
  }

  private gathered: Gathered | null = null

  /** Copy rows idx[b..e) (bin words and float gradients) into contiguous scratch (float histograms). */
  private gatherRows(b: number, e: number, ghOff: number): Gathered {
    const { job, v } = this
    const m = e - b
    const ws = job.stride >> 2
    let g = this.gathered
    if (!g || g.ids.length < m) {
      const cap = Math.max(m, Math.ceil((this.r1 - this.r0) / 2) + 1)
      const words = new Uint32Array(cap * ws)
      g = {
        bins32: words,
        bins: new Uint8Array(words.buffer),
        gh: new Float64Array(2 * cap),
        ids: Int32Array.from({ length: cap }, (_, i) => i),
      }
      this.gathered = g
    }
    const { idx, bins32 } = v
    const dst = g.bins32
    if (ws === 5) {
      for (let i = b, d = 0; i < e; i++, d += 5) {
        const s = (idx[i] as number) * 5
        dst[d] = bins32[s] as number
        dst[d + 1] = bins32[s + 1] as number
        dst[d + 2] = bins32[s + 2] as number
        dst[d + 3] = bins32[s + 3] as number
        dst[d + 4] = bins32[s + 4] as number
      }
    } else {
      for (let i = b, d = 0; i < e; i++, d += ws) {
        const s = (idx[i] as number) * ws
        for (let k = 0; k < ws; k++) dst[d + k] = bins32[s + k] as number
      }
    }
    const gh = v.gh
    const dg = g.gh
    for (let i = b, d = 0; i < e; i++, d += 2) {
      const s = ghOff + 2 * (idx[i] as number)
      dg[d] = gh[s] as number
      dg[d + 1] = gh[s + 1] as number
    }
    return g
  }

  /**
   * cmd: [count, (node, slot, findNode, sib, sibSlot, findSib, parentSlot, histEntry)…]. For this
   * thread's features: sum the threads' partial histograms into the node's slot, derive the
   * sibling by subtraction, and search both for their best split.
   */
  private reduceFind(): void {
    const { job, v } = this
    const c = v.cmd
    const count = c[0] as number
    const hs = this.hs
    const W = job.threads
    const { full, partial, binCounts, nodeMask, cand, candBits } = v
    const f0 = this.f0
    const f1 = this.f1
    const F = job.f
    const minGain = job.params.minSplitGain
    const hf = job.histFeature
    const pack = job.pack
    const perBin = pack ? 1 : 2
    const gScale = v.scal[0] as number
    const hScale = v.scal[1] as number
    const scratch = this.scratch
    for (let e = 0; e < count; e++) {
      const o = 1 + RF_WORDS * e
      const slot = c[o + 1] as number
      const findNode = c[o + 2] as number
      const sib = c[o + 3] as number
      const sibSlot = c[o + 4] as number
      const findSib = c[o + 5] as number
      const parentSlot = c[o + 6] as number
      const hEntry = c[o + 7] as number
      const so = slot * hs
      if (W > 1 && hEntry >= 0) {
        for (let f = f0; f < f1; f++) {
          const fo = f * hf
          const len = perBin * (binCounts[f] as number)
          const p0 = hEntry * hs + fo
          for (let j = 0; j < len; j++) full[so + fo + j] = partial[p0 + j] as number
          for (let w = 1; w < W; w++) {
            const pw = (w * job.entries + hEntry) * hs + fo
            for (let j = 0; j < len; j++)
              full[so + fo + j] = (full[so + fo + j] as number) + (partial[pw + j] as number)
          }
        }
      }
      if (sib >= 0)
        subtractHistogram(full, parentSlot * hs, full, so, full, sibSlot * hs, f0, f1, binCounts, hf, perBin)
      for (let side = 0; side < 2; side++) {
        if ((side === 0 ? findNode : findSib) === 0) continue
        const ho = (side === 0 ? slot : sibSlot) * hs
        const ci = (this.worker * job.entries + e) * 2 + side
        const co = ci * CAND_SIZE
        const bo = ci * CAT_WORDS
        const mo = (e * 2 + side) * F
        clearCandidate(cand, co, minGain)
        for (let f = f0; f < f1; f++) {
          if (nodeMask[mo + f] === 0) continue
          const nb = binCounts[f] as number
          const o = ho + f * hf
          if (!job.categorical[f]) {
            if (pack) this.finder.numericPacked(full, o, f, nb, pack.twoS, gScale, hScale, cand, co)
            else this.finder.numeric(full, o, f, nb, cand, co)
          } else if (pack) {
            unpackFeature(full, o, nb, pack.twoS, gScale, hScale, scratch)
            this.finder.categorical(scratch, 0, f, nb, cand, co, candBits, bo)
          } else this.finder.categorical(full, o, f, nb, cand, co, candBits, bo)
        }
      }
    }
  }

  /**
   * cmd: [class, sampled, tree, root]; add the finished tree's leaf values (`tValue`) to this
   * thread's training rows (by segment, or by walking the tree for rows outside the sample) and
   * validation rows.
   */
  private update(): void {
    const { job, v } = this
    const c = v.cmd
    const cls = c[0] as number
    const sampled = c[1] as number
    const tree = c[2] as number
    const K = job.k
    const { seg, pred, tValue, tLeft } = v
    const segBase = this.worker * job.maxNodes * 2
    const nodes = c[3] as number
    const { cbins, tFlags, tFeature, tBin, tBits, tRight } = v
    const n = job.n
    for (let node = 0; node < nodes; node++) {
      const flags = tFlags[node] as number
      const idx = flags & T_ALT_ROWS ? v.tmp : v.idx
      const left = tLeft[node] as number
      if (left < 0) {
        if (flags & T_VIA_PARENT) continue
        const val = tValue[node] as number
        const b = seg[segBase + 2 * node] as number
        const e = seg[segBase + 2 * node + 1] as number
        for (let i = b; i < e; i++) {
          const p = (idx[i] as number) * K + cls
          pred[p] = (pred[p] as number) + val
        }
        continue
      }
      if ((flags & T_FINAL) === 0) continue
      // Route the split's rows to its two leaves without partitioning; count the left ones.
      const right = tRight[node] as number
      const pair = this.pair
      pair[0] = tValue[right] as number
      pair[1] = tValue[left] as number
      const col = (tFeature[node] as number) * n
      const b = seg[segBase + 2 * node] as number
      const e = seg[segBase + 2 * node + 1] as number
      let nl = 0
      if ((flags & T_CATEGORICAL) === 0) {
        const t = tBin[node] as number
        const dl = flags & T_DEFAULT_LEFT
        for (let i = b; i < e; i++) {
          const r = idx[i] as number
          const bin = cbins[col + r] as number
          const miss = (bin - 1) >>> 31
          const go = (miss & dl) | ((miss ^ 1) & ((bin - 1 - t) >>> 31))
          const p = r * K + cls
          pred[p] = (pred[p] as number) + (pair[go] as number)
          nl += go
        }
      } else {
        const bo = node * CAT_WORDS
        for (let i = b; i < e; i++) {
          const r = idx[i] as number
          const bin = cbins[col + r] as number
          const go = ((tBits[bo + (bin >> 5)] as number) >>> (bin & 31)) & 1
          const p = r * K + cls
          pred[p] = (pred[p] as number) + (pair[go] as number)
          nl += go
        }
      }
      seg[segBase + 2 * left] = 0
      seg[segBase + 2 * left + 1] = nl
      seg[segBase + 2 * right] = 0
      seg[segBase + 2 * right + 1] = e - b - nl
    }
    if (sampled) {
      const limit = Math.floor(job.params.subsample * 4294967296)
      for (let r = this.r0; r < this.r1; r++) {
        if (hash3(job.seed, tree, r) < limit) continue
        const leaf = this.walk(v.cbins, job.n, r)
        pred[r * K + cls] = (pred[r * K + cls] as number) + (tValue[leaf] as number)
      }
    }
    for (let r = this.v0; r < this.v1; r++) {
      const leaf = this.walk(v.vbins, job.nv, r)
      v.vpred[r * K + cls] = (v.vpred[r * K + cls] as number) + (tValue[leaf] as number)
    }
  }

  /** The leaf of row r in the tree being grown, reading column-major bins (`f * n + r`). */
  private walk(bins: Uint8Array, n: number, r: number): number {
    const { tFeature, tBin, tFlags, tBits, tLeft, tRight } = this.v
    let node = 0
    let left = tLeft[0] as number
    while (left >= 0) {
      const bin = bins[(tFeature[node] as number) * n + r] as number
      const flags = tFlags[node] as number
      const goLeft =
        (flags & 2) === 0
          ? bin === 0
            ? (flags & 1) === 1
            : bin <= (tBin[node] as number)
          : (((tBits[node * CAT_WORDS + (bin >> 5)] as number) >>> (bin & 31)) & 1) === 1
      node = goLeft ? left : (tRight[node] as number)
      left = tLeft[node] as number
    }
    return node
  }

  /** This thread's validation loss sum and weight into `red[worker * 8 ..]`. */
  private loss(): void {
    const { job, v } = this
    const delta = new Float64Array(v.cmd.buffer, 8, 1)[0] as number
    let sw = 0
    if (v.vw) for (let r = this.v0; r < this.v1; r++) sw += v.vw[r] as number
    else sw = this.v1 - this.v0
    v.red[this.worker * 8] = lossSum(job.objective, v.vy, v.vw, v.vpred, job.k, this.v0, this.v1, delta)
    v.red[this.worker * 8 + 1] = sw
  }
}

/**
 * The tree's rows among [r0, r1) into `idx` from r0 on (all, or those whose hash falls under
 * `limit` when sampling; `limit` < 0 = all); returns the end. A separate function so that its
 * loop is optimised on its own (a loop inside a long method runs in on-stack-replaced code that
 * V8 throws away at each call when later code had no type feedback yet).
 */
function rootRows(
  idx: Int32Array,
  r0: number,
  r1: number,
  seed: number,
  tree: number,
  limit: number,
): number {
  let k = r0
  if (limit >= 0) {
    for (let r = r0; r < r1; r++) if (hash3(seed, tree, r) < limit) idx[k++] = r
  } else {
    for (let r = r0; r < r1; r++) idx[k++] = r
  }
  return k
}

/**
 * Each row's (g, h) quantised with stochastic rounding and packed as g_q · 2^S + h_q into
 * `q[position]` (the row is `idx[position]`); `hLevels` 0 means unit hessians (h_q = 1).
 */
function quantizeRows(
  idx: Int32Array,
  b: number,
  e: number,
  gh: Float64Array,
  off: number,
  noise: Uint32Array,
  mask: number,
  gInv: number,
  hInv: number,
  gl: number,
  hl: number,
  twoS: number,
  q: Float64Array,
): void {
  for (let i = b; i < e; i++) {
    const r = idx[i] as number
    const x = ((noise[r] as number) ^ mask) >>> 0
    let gq = Math.floor((gh[off + 2 * r] as number) * gInv + (x & 0xffff) / 65536)
    gq = Math.max(-gl, Math.min(gl, gq))
    let hq = 1
    if (hl > 0) {
      hq = Math.floor((gh[off + 2 * r + 1] as number) * hInv + (x >>> 16) / 65536)
      hq = Math.max(0, Math.min(hl, hq))
    }
    q[i] = gq * twoS + hq
  }
}

/**
 * Packed mode: partition positions [b, end) of the current row buffer (`cur`) by the node's
 * split into the other buffer, moving each row's bin words and packed gradient once, branch-free:
 * left rows from b upwards, right rows from end downwards (reversed, which nothing depends on:
 * packed histogram sums are exact integers, leaf updates add per row and median leaves sort).
 * Row ids move the same way between `idx` and `tmp`. Depth-wise growth then switches buffers
 * (bins, gradients and ids) for the next level (PARTITION_SWAP); otherwise everything is copied
 * back. Returns the first right position.
 */
function partitionPacked(
  v: GbdtViews,
  cur: number,
  flip: boolean,
  stride: number,
  b: number,
  end: number,
  f: number,
  flags: number,
  t: number,
  bo: number,
): number {
  const { tBits } = v
  const idx = cur === 0 ? v.idx : v.tmp
  const tmp = cur === 0 ? v.tmp : v.idx
  const src = cur === 0 ? v.pbins : v.tbins
  const src32 = cur === 0 ? v.pbins32 : v.tbins32
  const dst32 = cur === 0 ? v.tbins32 : v.pbins32
  const sq = cur === 0 ? v.q : v.tq
  const dq = cur === 0 ? v.tq : v.q
  const ws = stride >> 2
  const dl = flags & T_DEFAULT_LEFT
  const cat = (flags & T_CATEGORICAL) !== 0
  let lo = b
  let hi = end - 1
  if (!cat && ws === 5) lo = partitionNumeric5(src32, dst32, sq, dq, idx, tmp, b, end, f, dl, t)
  else
    for (let i = b; i < end; i++) {
      const bin = src[i * stride + f] as number
      let go: number
      if (cat) go = ((tBits[bo + (bin >> 5)] as number) >>> (bin & 31)) & 1
      else {
        const miss = (bin - 1) >>> 31
        go = (miss & dl) | ((miss ^ 1) & ((bin - 1 - t) >>> 31))
      }
      const d = hi + go * (lo - hi)
      lo += go
      hi -= go ^ 1
      const s = i * ws
      const D = d * ws
      if (ws === 5) {
        dst32[D] = src32[s] as number
        dst32[D + 1] = src32[s + 1] as number
        dst32[D + 2] = src32[s + 2] as number
        dst32[D + 3] = src32[s + 3] as number
        dst32[D + 4] = src32[s + 4] as number
      } else for (let k = 0; k < ws; k++) dst32[D + k] = src32[s + k] as number
      tmp[d] = idx[i] as number
      dq[d] = sq[i] as number
    }
  if (!flip) {
    idx.set(tmp.subarray(b, end), b)
    src32.set(dst32.subarray(b * ws, end * ws), b * ws)
    sq.set(dq.subarray(b, end), b)
  }
  return lo
}

/**
 * The common case of `partitionPacked`: a numeric split on rows of five bin words (17–20
 * features), the split bin read from the word already loaded for the copy. Returns the first
 * right position.
 */
function partitionNumeric5(
  src32: Uint32Array,
  dst32: Uint32Array,
  sq: Float64Array,
  dq: Float64Array,
  idx: Int32Array,
  tmp: Int32Array,
  b: number,
  end: number,
  f: number,
  dl: number,
  t: number,
): number {
  const fw = f >> 2
  const fs = (f & 3) << 3
  let lo = b
  let hi = end - 1
  for (let i = b; i < end; i++) {
    const s = i * 5
    const w0 = src32[s] as number
    const w1 = src32[s + 1] as number
    const w2 = src32[s + 2] as number
    const w3 = src32[s + 3] as number
    const w4 = src32[s + 4] as number
    const bin = ((src32[s + fw] as number) >>> fs) & 255
    const miss = (bin - 1) >>> 31
    const go = (miss & dl) | ((miss ^ 1) & ((bin - 1 - t) >>> 31))
    const d = hi + go * (lo - hi)
    lo += go
    hi -= go ^ 1
    const D = d * 5
    dst32[D] = w0
    dst32[D + 1] = w1
    dst32[D + 2] = w2
    dst32[D + 3] = w3
    dst32[D + 4] = w4
    tmp[d] = idx[i] as number
    dq[d] = sq[i] as number
  }
  return lo
}
