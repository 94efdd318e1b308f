import { CairnError } from '../../core/index.js'
import { deriveSeed, Random } from '../trees/random.js'
import { type FlatTree, flattenTree, type RawNode } from '../trees/tree-ensemble.js'
import type { PhaseBarrier } from './barrier.js'
import {
  CMD_BIN,
  CMD_CUTS,
  CMD_GRAD,
  CMD_HIST,
  CMD_INIT,
  CMD_LOSS,
  CMD_PARTITION,
  CMD_REDUCE_FIND,
  CMD_ROOT,
  CMD_UPDATE,
  type GbdtEngine,
  PARTITION_SWAP,
  RF_WORDS,
  T_ALT_ROWS,
  T_CATEGORICAL,
  T_DEFAULT_LEFT,
  T_FINAL,
  T_VIA_PARENT,
} from './engine.js'
import { baseScores, finishLoss, OBJ_ABSOLUTE, OBJ_HUBER, weightedQuantile } from './objectives.js'
import { CMD_WORDS, CTL_ABORT, histSize } from './shared.js'
import {
  C_BIN,
  C_CATEGORICAL,
  C_DEFAULT_LEFT,
  C_FEATURE,
  C_GAIN,
  C_GL,
  C_GR,
  C_HL,
  C_HR,
  CAND_SIZE,
  CAT_WORDS,
  SplitFinder,
} from './split-finder.js'

/** What the coordinator tells the caller while it trains. */
export interface BoostReporter {
  progress(done: number, total: number, info: Record<string, number>): void
  aborted(): boolean
}

/** The trained trees and what is needed to predict with them. */
export interface BoostResult {
  trees: FlatTree[]
  treeOutput: number[]
  baseScore: number[]
  /** Rounds kept (early stopping keeps the best round). */
  rounds: number
  /** Validation metric after each round (empty without validation rows). */
  validation: number[]
  /** Bin edges per feature, for reference. */
  binCounts: number[]
}

/**
 * The coordinating thread's algorithm: bin the data, then boost round after round, growing each
 * tree by phases that every thread runs on its share (see GbdtEngine).
 */
export class Booster {
  private readonly p
  private readonly finder: SplitFinder
  private readonly maxNodes: number
  // Per node of the tree being grown.
  private readonly depth: Int32Array
  private readonly count: Float64Array
  private readonly G: Float64Array
  private readonly H: Float64Array
  private readonly slot: Int32Array
  private readonly nodeCand: Float64Array
  private readonly nodeBits: Uint32Array
  private readonly freeSlots: number[] = []
  private treeMask: Uint8Array
  private rng: Random = new Random(0)
  private binToCats: number[][][] = []

  constructor(
    private readonly engine: GbdtEngine,
    private readonly barrier: PhaseBarrier,
    private readonly reporter: BoostReporter,
  ) {
    const job = engine.job
    this.p = job.params
    this.finder = new SplitFinder(job.params)
    this.maxNodes = job.maxNodes
    this.depth = new Int32Array(this.maxNodes)
    this.count = new Float64Array(this.maxNodes)
    this.G = new Float64Array(this.maxNodes)
    this.H = new Float64Array(this.maxNodes)
    this.slot = new Int32Array(this.maxNodes)
    this.nodeCand = new Float64Array(this.maxNodes * CAND_SIZE)
    this.nodeBits = new Uint32Array(this.maxNodes * CAT_WORDS)
    this.treeMask = new Uint8Array(job.f).fill(1)
  }

  train(): BoostResult {
    const { job, v } = this.engine
    const p = this.p
    this.prepareBins()
    const K = job.k
    const base = baseScores(job.objective, v.y, v.w ?? undefined, K)
    new Float64Array(v.cmd.buffer, 8, K).set(base)
    this.barrier.run(CMD_INIT)
    const trees: FlatTree[] = []
    const treeOutput: number[] = []
    const history: number[] = []
    let best = Number.POSITIVE_INFINITY
    let bestRound = -1
    const early = job.nv > 0 && p.earlyStoppingRounds > 0
    let round = 0
    for (; round < p.nEstimators; round++) {
      if (this.reporter.aborted() || Atomics.load(v.ctl, CTL_ABORT) !== 0) {
        throw new CairnError('CAIRN_CANCELLED', `Training was cancelled after ${round} rounds`)
      }
      const delta = job.objective === OBJ_HUBER ? this.huberDelta(round) : 1
      new Float64Array(v.cmd.buffer, 8, 1)[0] = delta
      this.barrier.run(CMD_GRAD)
      for (let k = 0; k < K; k++) {
        trees.push(this.growTree(k, round * K + k))
        treeOutput.push(k)
      }
      const info: Record<string, number> = { round: round + 1 }
      if (job.nv > 0) {
        new Float64Array(v.cmd.buffer, 8, 1)[0] = delta
        this.barrier.run(CMD_LOSS)
        let s = 0
        let sw = 0
        for (let w = 0; w < job.threads; w++) {
          s += v.red[w * 8] as number
          sw += v.red[w * 8 + 1] as number
        }
        const metric = finishLoss(job.objective, s / sw)
        history.push(metric)
        info.validation = metric
        if (metric < best) {
          best = metric
          bestRound = round
        }
      }
      this.reporter.progress(round + 1, p.nEstimators, info)
      if (early && round - bestRound >= p.earlyStoppingRounds) {
        round++
        break
      }
    }
    const rounds = early ? bestRound + 1 : round
    return {
      trees: trees.slice(0, rounds * K),
      treeOutput: treeOutput.slice(0, rounds * K),
      baseScore: [...base],
      rounds,
      validation: history,
      binCounts: [...v.binCounts],
    }
  }

  /** Category → bin maps (most frequent categories first), the cut sample, then the binning phases. */
  private prepareBins(): void {
    const { job, v } = this.engine
    const p = this.p
    this.binToCats = []
    for (let f = 0; f < job.f; f++) {
      this.binToCats.push([])
      if (!job.categorical[f]) continue
      const cats = job.catCounts[f] as number
      const counts = new Float64Array(cats)
      const off = f * job.n
      for (let r = 0; r < job.n; r++) {
        const c = v.raw[off + r] as number
        if (c >= 0 && c < cats) counts[c] = (counts[c] as number) + 1
      }
      const order = [...counts.keys()].filter((c) => (counts[c] as number) > 0)
      order.sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b)
      const keep = Math.min(order.length, p.maxBins)
      const co = job.catOffsets[f] as number
      const lists: number[][] = [[]]
      for (let c = 0; c < cats; c++) v.catToBin[co + c] = 0
      for (let i = 0; i < keep; i++) {
        v.catToBin[co + (order[i] as number)] = i + 1
        lists.push([order[i] as number])
      }
      // Categories beyond maxBins and unused ones share bin 0 with missing values.
      for (let c = 0; c < cats; c++) if (v.catToBin[co + c] === 0) (lists[0] as number[]).push(c)
      this.binToCats[f] = lists
      v.binCounts[f] = keep + 1
    }
    const m = v.sample.length
    if (m === job.n) for (let i = 0; i < m; i++) v.sample[i] = i
    else v.sample.set(new Random(job.seed ^ 0x2545f491).sample(job.n, m))
    this.barrier.run(CMD_CUTS)
    this.barrier.run(CMD_BIN)
  }

  /** Huber's δ: the 90th percentile of |residual| over up to 10,000 rows. */
  private huberDelta(round: number): number {
    if (this.p.huberDelta !== undefined) return this.p.huberDelta
    const { job, v } = this.engine
    const m = Math.min(job.n, 10_000)
    const step = job.n / m
    const res = new Float64Array(m)
    for (let i = 0; i < m; i++) {
      const r = Math.floor(i * step)
      res[i] = Math.abs((v.y[r] as number) - (v.pred[r] as number))
    }
    const d = weightedQuantile(res, undefined, 0.9)
    return d > 0 ? d : round === 0 ? 1 : 1e-9
  }

  private allocSlot(): number {
    const s = this.freeSlots.pop()
    return s === undefined ? -1 : s
  }

  /** Whether a new child could ever be split (depth and hessian; its row count is not known yet). */
  private mayGrow(node: number): boolean {
    const p = this.p
    if (p.maxDepth > 0 && (this.depth[node] as number) >= p.maxDepth) return false
    return (this.H[node] as number) >= 2 * p.minChildWeight
  }

  private canSplit(node: number): boolean {
    const p = this.p
    if (p.maxDepth > 0 && (this.depth[node] as number) >= p.maxDepth) return false
    return (this.count[node] as number) >= 2 && (this.H[node] as number) >= 2 * p.minChildWeight
  }

  private growTree(cls: number, treeIndex: number): FlatTree {
    const { job, v } = this.engine
    const p = this.p
    this.freeSlots.length = 0
    for (let s = job.slots - 1; s >= 0; s--) this.freeSlots.push(s)
    this.rng = new Random(deriveSeed(job.seed, treeIndex))
    if (p.colsampleByTree < 1) {
      const k = Math.max(1, Math.round(job.f * p.colsampleByTree))
      this.treeMask.fill(0)
      for (const f of this.rng.sample(job.f, k)) this.treeMask[f] = 1
    }
    const sampled = p.subsample < 1 ? 1 : 0
    if (job.pack) {
      let gm = 0
      let hm = 0
      for (let w = 0; w < job.threads; w++) {
        gm = Math.max(gm, v.gmax[(w * job.k + cls) * 2] as number)
        hm = Math.max(hm, v.gmax[(w * job.k + cls) * 2 + 1] as number)
      }
      v.scal[0] = gm > 0 ? gm / job.pack.gLevels : 1
      v.scal[1] = job.pack.unitHessian || !(hm > 0) ? 1 : hm / job.pack.hLevels
    }
    v.cmd[0] = treeIndex
    v.cmd[1] = sampled
    v.cmd[2] = cls
    this.barrier.run(CMD_ROOT)
    let nodes = 1
    this.depth[0] = 0
    this.count[0] = this.segCount(0)
    v.tLeft[0] = -1
    const gains: number[] = [0]
    const parents: number[] = [-1]
    const rootSlot = this.allocSlot()
    this.slot[0] = rootSlot
    this.findSplits(
      [{ build: 0, slot: rootSlot, findBuild: true, sib: -1, sibSlot: -1, parentSlot: -1 }],
      cls,
    )
    this.G[0] = this.histTotal(rootSlot, 0)
    this.H[0] = this.histTotal(rootSlot, 1)
    if (!this.canSplit(0)) this.nodeCand[C_FEATURE] = -1
    let open = [0]
    let leaves = 1
    const finals: number[] = []
    v.tFlags[0] = 0
    const maxLeaves = p.maxLeaves > 0 ? p.maxLeaves : Number.POSITIVE_INFINITY
    while (open.length > 0 && leaves < maxLeaves) {
      let chosen = open.filter((n) => (this.nodeCand[n * CAND_SIZE + C_FEATURE] as number) >= 0)
      if (chosen.length === 0) break
      chosen.sort((a, b) => this.gainOf(b) - this.gainOf(a) || a - b)
      const budget = maxLeaves - leaves
      if (p.growPolicy === 'lossguide') chosen = chosen.slice(0, 1)
      else if (chosen.length > budget) chosen = chosen.slice(0, budget)
      chosen.sort((a, b) => a - b)
      // Write the splits, partition rows, then find the children's splits.
      const pairs: [number, number, number][] = []
      let splits = 0
      for (const node of chosen) {
        if (nodes + 2 > this.maxNodes) break
        const left = nodes++
        const right = nodes++
        this.applySplit(node, left, right)
        gains[node] = this.gainOf(node)
        gains.push(0, 0)
        parents.push(node, node)
        leaves++
        splits++
        // Children that can never split need no rows of their own: the update routes them.
        if (!this.mayGrow(left) && !this.mayGrow(right) && job.objective !== OBJ_ABSOLUTE) {
          v.tFlags[node] = (v.tFlags[node] as number) | T_FINAL
          v.tFlags[left] = T_VIA_PARENT
          v.tFlags[right] = T_VIA_PARENT
          finals.push(left, right)
        } else pairs.push([node, left, right])
      }
      if (splits === 0) break
      if (pairs.length === 0) {
        open = p.growPolicy === 'lossguide' ? open.filter((n) => !chosen.includes(n)) : []
        continue
      }
      // Packed depth-wise growth switches row buffers after the level's last partition batch.
      const swap = job.pack && p.growPolicy === 'depthwise' ? PARTITION_SWAP : 0
      const batch = Math.floor((CMD_WORDS - 1) / 3)
      for (let i = 0; i < pairs.length; i += batch) {
        const part = pairs.slice(i, i + batch)
        v.cmd[0] = part.length | (i + batch >= pairs.length ? swap : 0)
        part.forEach(([n, l, r], e) => {
          v.cmd[1 + 3 * e] = n
          v.cmd[2 + 3 * e] = l
          v.cmd[3 + 3 * e] = r
        })
        this.barrier.run(CMD_PARTITION)
      }
      const entries: Entry[] = []
      const temps: number[] = []
      const nextOpen: number[] = p.growPolicy === 'lossguide' ? open.filter((n) => !chosen.includes(n)) : []
      for (const [node, left, right] of pairs) {
        this.count[left] = this.segCount(left)
        this.count[right] = this.segCount(right)
        const needL = this.canSplit(left)
        const needR = this.canSplit(right)
        const ps = this.slot[node] as number
        this.slot[node] = -1
        this.slot[left] = -1
        this.slot[right] = -1
        if (!needL && !needR) {
          this.freeSlots.push(ps)
          continue
        }
        const leftSmaller = (this.count[left] as number) <= (this.count[right] as number)
        const small = leftSmaller ? left : right
        const large = leftSmaller ? right : left
        const needSmall = leftSmaller ? needL : needR
        const needLarge = leftSmaller ? needR : needL
        if (needSmall && !needLarge) {
          const s = ps
          this.slot[small] = s
          entries.push({ build: small, slot: s, findBuild: true, sib: -1, sibSlot: -1, parentSlot: -1 })
          nextOpen.push(small)
          continue
        }
        const smallSlot = this.allocSlot()
        if (smallSlot < 0) {
          // Out of histogram memory: the children stay leaves.
          this.freeSlots.push(ps)
          continue
        }
        // The larger child's histogram reuses the parent's slot (parent − small, in place).
        this.slot[large] = ps
        if (needSmall) {
          this.slot[small] = smallSlot
          nextOpen.push(small)
        } else temps.push(smallSlot)
        nextOpen.push(large)
        entries.push({
          build: small,
          slot: smallSlot,
          findBuild: needSmall,
          sib: large,
          sibSlot: ps,
          parentSlot: ps,
        })
      }
      this.findSplits(entries, cls)
      for (const s of temps) this.freeSlots.push(s)
      for (const n of nextOpen) if (!this.canSplit(n)) this.nodeCand[n * CAND_SIZE + C_FEATURE] = -1
      open = nextOpen
      if (p.growPolicy === 'depthwise') open.sort((a, b) => a - b)
    }
    // Leaves: values, then the prediction update.
    const lr = p.learningRate
    const values = new Float64Array(nodes)
    for (let n = 0; n < nodes; n++) {
      values[n] = lr * this.finder.leafValue(this.G[n] as number, this.H[n] as number)
    }
    if (job.objective === OBJ_ABSOLUTE) this.medianLeaves(nodes, values, lr)
    for (let n = 0; n < nodes; n++) v.tValue[n] = values[n] as number
    v.cmd[0] = cls
    v.cmd[1] = sampled
    v.cmd[2] = treeIndex
    v.cmd[3] = nodes
    this.barrier.run(CMD_UPDATE)
    for (const n of finals) this.count[n] = this.segCount(n)
    return this.export(nodes, values, gains)
  }

  private gainOf(node: number): number {
    return this.nodeCand[node * CAND_SIZE + C_GAIN] as number
  }

  private segCount(node: number): number {
    const { job, v } = this.engine
    let c = 0
    for (let w = 0; w < job.threads; w++) {
      const s = (w * job.maxNodes + node) * 2
      c += (v.seg[s + 1] as number) - (v.seg[s] as number)
    }
    return c
  }

  /** Sum of gradients (part 0) or hessians (part 1) in a histogram, from its first feature. */
  private histTotal(slot: number, part: number): number {
    const { job, v } = this.engine
    const ho = slot * histSize(job)
    let s = 0
    const nb = v.binCounts[0] as number
    if (job.pack) {
      for (let j = 0; j < nb; j++) s += v.full[ho + j] as number
      const gq = Math.floor(s / job.pack.twoS)
      return part === 0 ? gq * (v.scal[0] as number) : (s - gq * job.pack.twoS) * (v.scal[1] as number)
    }
    for (let j = 0; j < nb; j++) s += v.full[ho + 2 * j + part] as number
    return s
  }

  /** Record node's chosen split in the shared tree arrays and set up its children. */
  private applySplit(node: number, left: number, right: number): void {
    const { v } = this.engine
    const co = node * CAND_SIZE
    const c = this.nodeCand
    v.tFeature[node] = c[co + C_FEATURE] as number
    v.tBin[node] = c[co + C_BIN] as number
    const cat = (c[co + C_CATEGORICAL] as number) === 1
    v.tFlags[node] =
      ((v.tFlags[node] as number) & T_ALT_ROWS) |
      (cat ? T_CATEGORICAL : 0) |
      ((c[co + C_DEFAULT_LEFT] as number) === 1 ? T_DEFAULT_LEFT : 0)
    if (cat)
      for (let w = 0; w < CAT_WORDS; w++)
        v.tBits[node * CAT_WORDS + w] = this.nodeBits[node * CAT_WORDS + w] as number
    v.tLeft[node] = left
    v.tRight[node] = right
    v.tLeft[left] = -1
    v.tLeft[right] = -1
    const d = (this.depth[node] as number) + 1
    const alt = this.engine.job.pack && this.p.growPolicy === 'depthwise' && (d & 1) === 1 ? T_ALT_ROWS : 0
    v.tFlags[left] = alt
    v.tFlags[right] = alt
    this.depth[left] = d
    this.depth[right] = d
    this.G[left] = c[co + C_GL] as number
    this.H[left] = c[co + C_HL] as number
    this.G[right] = c[co + C_GR] as number
    this.H[right] = c[co + C_HR] as number
    this.nodeCand[left * CAND_SIZE + C_FEATURE] = -1
    this.nodeCand[right * CAND_SIZE + C_FEATURE] = -1
  }

  /** Build histograms, reduce them and search splits for `entries`, in chunks the buffers hold. */
  private findSplits(entries: Entry[], cls: number): void {
    const { job, v } = this.engine
    const p = this.p
    const F = job.f
    for (let i = 0; i < entries.length; i += job.entries) {
      const chunk = entries.slice(i, i + job.entries)
      v.cmd[0] = chunk.length
      v.cmd[1] = cls
      chunk.forEach((e, j) => {
        v.cmd[2 + 2 * j] = e.build
        v.cmd[3 + 2 * j] = e.slot
      })
      this.barrier.run(CMD_HIST)
      v.cmd[0] = chunk.length
      chunk.forEach((e, j) => {
        const o = 1 + RF_WORDS * j
        v.cmd[o] = e.build
        v.cmd[o + 1] = e.slot
        v.cmd[o + 2] = e.findBuild ? 1 : 0
        v.cmd[o + 3] = e.sib
        v.cmd[o + 4] = e.sibSlot
        v.cmd[o + 5] = e.sib >= 0 ? 1 : 0
        v.cmd[o + 6] = e.parentSlot
        v.cmd[o + 7] = j
        for (let side = 0; side < 2; side++) {
          const mo = (j * 2 + side) * F
          if (p.colsampleByNode < 1) {
            const pool: number[] = []
            for (let f = 0; f < F; f++) if (this.treeMask[f]) pool.push(f)
            const k = Math.max(1, Math.round(pool.length * p.colsampleByNode))
            v.nodeMask.fill(0, mo, mo + F)
            for (const q of this.rng.sample(pool.length, k)) v.nodeMask[mo + (pool[q] as number)] = 1
          } else {
            v.nodeMask.set(this.treeMask, mo)
          }
        }
      })
      this.barrier.run(CMD_REDUCE_FIND)
      chunk.forEach((e, j) => {
        for (let side = 0; side < 2; side++) {
          const node = side === 0 ? e.build : e.sib
          if (node < 0 || (side === 0 && !e.findBuild)) continue
          let bestW = -1
          let bestGain = Number.NEGATIVE_INFINITY
          for (let w = 0; w < job.threads; w++) {
            const co = ((w * job.entries + j) * 2 + side) * CAND_SIZE
            if ((v.cand[co + C_FEATURE] as number) < 0) continue
            const g = v.cand[co + C_GAIN] as number
            if (g > bestGain) {
              bestGain = g
              bestW = w
            }
          }
          const dst = node * CAND_SIZE
          if (bestW < 0) {
            this.nodeCand[dst + C_FEATURE] = -1
            continue
          }
          const ci = (bestW * job.entries + j) * 2 + side
          for (let q = 0; q < CAND_SIZE; q++) this.nodeCand[dst + q] = v.cand[ci * CAND_SIZE + q] as number
          for (let q = 0; q < CAT_WORDS; q++)
            this.nodeBits[node * CAT_WORDS + q] = v.candBits[ci * CAT_WORDS + q] as number
        }
      })
    }
  }

  /** Absolute error: each leaf's value is the weighted median of its rows' residuals. */
  private medianLeaves(nodes: number, values: Float64Array, lr: number): void {
    const { job, v } = this.engine
    for (let n = 0; n < nodes; n++) {
      if ((v.tLeft[n] as number) >= 0) continue
      const idx = (v.tFlags[n] as number) & T_ALT_ROWS ? v.tmp : v.idx
      const rows: number[] = []
      for (let w = 0; w < job.threads; w++) {
        const s = (w * job.maxNodes + n) * 2
        for (let i = v.seg[s] as number; i < (v.seg[s + 1] as number); i++) rows.push(idx[i] as number)
      }
      if (rows.length === 0) continue
      // In row order: the weighted median must not depend on how partitions ordered the rows.
      rows.sort((a, b) => a - b)
      const res = rows.map((r) => (v.y[r] as number) - (v.pred[r] as number))
      const ws = v.w ? rows.map((r) => (v.w as Float64Array)[r] as number) : []
      values[n] = lr * weightedQuantile(Float64Array.from(res), v.w ? Float64Array.from(ws) : undefined, 0.5)
    }
  }

  /** The grown tree with thresholds in feature units and categories as category indices. */
  private export(nodes: number, values: Float64Array, gains: number[]): FlatTree {
    const { v } = this.engine
    const raw: RawNode[] = []
    for (let n = 0; n < nodes; n++) {
      const left = v.tLeft[n] as number
      const node: RawNode = {
        feature: -1,
        threshold: 0,
        missingLeft: false,
        left: -1,
        right: -1,
        value: [values[n] as number],
        cover: this.count[n] as number,
        gain: 0,
      }
      if (left >= 0) {
        const f = v.tFeature[n] as number
        const flags = v.tFlags[n] as number
        node.feature = f
        node.left = left
        node.right = v.tRight[n] as number
        node.gain = gains[n] as number
        if (flags & T_CATEGORICAL) {
          const cats: number[] = []
          const lists = this.binToCats[f] as number[][]
          for (let b = 0; b < lists.length; b++) {
            if ((((v.tBits[n * CAT_WORDS + (b >> 5)] as number) >>> (b & 31)) & 1) === 1)
              cats.push(...(lists[b] as number[]))
          }
          cats.sort((a, b) => a - b)
          node.categories = cats
          node.missingLeft = ((v.tBits[n * CAT_WORDS] as number) & 1) === 1
        } else {
          const bin = v.tBin[n] as number
          node.threshold = v.edges[f * 256 + bin - 1] as number
          node.missingLeft = (flags & T_DEFAULT_LEFT) !== 0
        }
      }
      raw.push(node)
    }
    return flattenTree(raw, 1)
  }
}

interface Entry {
  /** Node whose histogram is built from rows, into `slot`. */
  build: number
  slot: number
  findBuild: boolean
  /** Sibling derived as parent − built (parent's slot reused), or -1. */
  sib: number
  sibSlot: number
  parentSlot: number
}
