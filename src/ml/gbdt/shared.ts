import type { GbdtParams } from './params.js'
import { CAND_SIZE, CAT_WORDS } from './split-finder.js'

/**
 * Everything the training threads share: sizes and settings (plain data) plus SharedArrayBuffers.
 * The main thread allocates it; every thread builds the same typed views over it.
 */
export interface GbdtJob {
  /** Training rows, features, validation rows, outputs (classes for multiclass, else 1). */
  n: number
  f: number
  nv: number
  k: number
  /** Threads taking part (worker 0 coordinates). */
  threads: number
  /** Bytes per row of the row-major bin matrix (features rounded up to a multiple of 4). */
  stride: number
  /** Histogram entries per phase and histogram slots. */
  entries: number
  slots: number
  maxNodes: number
  /** Categorical feature flags and category counts (0 for numeric features). */
  categorical: number[]
  catCounts: number[]
  catOffsets: number[]
  hasWeights: boolean
  /** Quantised gradients packed one double per row (see histogram.ts), or float pairs. */
  pack: PackSpec | null
  /** Doubles per feature in a histogram (256 packed, 512 float). */
  histFeature: number
  objective: number
  seed: number
  params: GbdtParams
  sab: Record<SharedName, SharedArrayBuffer>
}

/** How gradients are quantised: g_q in [−gLevels, gLevels], h_q in [0, hLevels] (1 = row counts). */
export interface PackSpec {
  /** 2^S: h_q sums stay below it. */
  twoS: number
  gLevels: number
  hLevels: number
  /** The hessian is 1 for every row, so h_q counts rows. */
  unitHessian: boolean
}

/**
 * Pick quantisation levels so any sum over n rows stays an exact integer below 2^53:
 * n·hLevels < 2^S and n·gLevels·2^S < 2^53. Null when n is too large to keep enough levels.
 */
export function packSpec(n: number, unitHessian: boolean): PackSpec | null {
  const L = Math.ceil(Math.log2(n + 1))
  const budget = 52 - 2 * L
  if (unitHessian) {
    if (budget < 6) return null
    return { twoS: 2 ** L, gLevels: 2 ** Math.min(budget, 16) - 1, hLevels: 1, unitHessian }
  }
  if (budget < 10) return null
  const bh = Math.min(12, Math.floor(budget / 2))
  const bg = Math.min(16, budget - bh)
  return { twoS: 2 ** (L + bh), gLevels: 2 ** bg - 1, hLevels: 2 ** bh - 1, unitHessian }
}

export type SharedName =
  | 'raw'
  | 'vraw'
  | 'y'
  | 'w'
  | 'vy'
  | 'vw'
  | 'bins'
  | 'cbins'
  | 'vbins'
  | 'edges'
  | 'edgeCounts'
  | 'binCounts'
  | 'catToBin'
  | 'sample'
  | 'pred'
  | 'vpred'
  | 'gh'
  | 'q'
  | 'pbins'
  | 'tbins'
  | 'tq'
  | 'noise'
  | 'gmax'
  | 'scal'
  | 'idx'
  | 'tmp'
  | 'seg'
  | 'partial'
  | 'full'
  | 'cand'
  | 'candBits'
  | 'nodeMask'
  | 'tFeature'
  | 'tBin'
  | 'tFlags'
  | 'tBits'
  | 'tValue'
  | 'tLeft'
  | 'tRight'
  | 'ctl'
  | 'cmd'
  | 'red'

/** Control words. */
export const CTL_GEN = 0
export const CTL_CMD = 1
export const CTL_PENDING = 2
export const CTL_ERROR = 3
export const CTL_ABORT = 4
export const CTL_SIZE = 16

/** Typed views over a job's shared buffers. */
export class GbdtViews {
  readonly raw: Float64Array
  readonly vraw: Float64Array
  readonly y: Float64Array
  readonly w: Float64Array | null
  readonly vy: Float64Array
  readonly vw: Float64Array | null
  readonly bins: Uint8Array
  readonly bins32: Uint32Array
  /** Column-major copy of the bins (`f * n + r`), for partitions and tree walks. */
  readonly cbins: Uint8Array
  /** Validation bins, column-major. */
  readonly vbins: Uint8Array
  readonly edges: Float64Array
  readonly edgeCounts: Int32Array
  readonly binCounts: Int32Array
  readonly catToBin: Int32Array
  readonly sample: Int32Array
  readonly pred: Float64Array
  readonly vpred: Float64Array
  readonly gh: Float64Array
  /** Packed quantised (g, h) of the current tree, by position (the row is `idx[position]`). */
  readonly q: Float64Array
  /**
   * Packed mode: the bin rows in the tree's current row order (`pbins` row i = `bins` row
   * `idx[i]`), so every node's rows lie contiguously and histograms read memory in order.
   */
  readonly pbins: Uint8Array
  readonly pbins32: Uint32Array
  /**
   * The second buffer of rows and packed gradients: a depth-wise level partitions from one into
   * the other and the next level reads the other (lossguide copies back).
   */
  readonly tbins: Uint8Array
  readonly tbins32: Uint32Array
  readonly tq: Float64Array
  /** A random word per row for stochastic rounding. */
  readonly noise: Uint32Array
  /** Per thread and output: max |g| and max h of its rows. */
  readonly gmax: Float64Array
  /** The current tree's quantisation: gScale, hScale. */
  readonly scal: Float64Array
  readonly idx: Int32Array
  readonly tmp: Int32Array
  readonly seg: Int32Array
  readonly partial: Float64Array
  readonly full: Float64Array
  readonly cand: Float64Array
  readonly candBits: Uint32Array
  readonly nodeMask: Uint8Array
  readonly tFeature: Int32Array
  readonly tBin: Int32Array
  readonly tFlags: Uint8Array
  readonly tBits: Uint32Array
  readonly tValue: Float64Array
  readonly tLeft: Int32Array
  readonly tRight: Int32Array
  readonly ctl: Int32Array
  readonly cmd: Int32Array
  readonly red: Float64Array

  constructor(job: GbdtJob) {
    const s = job.sab
    this.raw = new Float64Array(s.raw)
    this.vraw = new Float64Array(s.vraw)
    this.y = new Float64Array(s.y)
    this.w = job.hasWeights ? new Float64Array(s.w) : null
    this.vy = new Float64Array(s.vy)
    this.vw = job.hasWeights && s.vw.byteLength > 0 ? new Float64Array(s.vw) : null
    this.bins = new Uint8Array(s.bins)
    this.bins32 = new Uint32Array(s.bins)
    this.cbins = new Uint8Array(s.cbins)
    this.vbins = new Uint8Array(s.vbins)
    this.edges = new Float64Array(s.edges)
    this.edgeCounts = new Int32Array(s.edgeCounts)
    this.binCounts = new Int32Array(s.binCounts)
    this.catToBin = new Int32Array(s.catToBin)
    this.sample = new Int32Array(s.sample)
    this.pred = new Float64Array(s.pred)
    this.vpred = new Float64Array(s.vpred)
    this.gh = new Float64Array(s.gh)
    this.q = new Float64Array(s.q)
    this.pbins = new Uint8Array(s.pbins)
    this.pbins32 = new Uint32Array(s.pbins)
    this.tbins = new Uint8Array(s.tbins)
    this.tbins32 = new Uint32Array(s.tbins)
    this.tq = new Float64Array(s.tq)
    this.noise = new Uint32Array(s.noise)
    this.gmax = new Float64Array(s.gmax)
    this.scal = new Float64Array(s.scal)
    this.idx = new Int32Array(s.idx)
    this.tmp = new Int32Array(s.tmp)
    this.seg = new Int32Array(s.seg)
    this.partial = new Float64Array(s.partial)
    this.full = new Float64Array(s.full)
    this.cand = new Float64Array(s.cand)
    this.candBits = new Uint32Array(s.candBits)
    this.nodeMask = new Uint8Array(s.nodeMask)
    this.tFeature = new Int32Array(s.tFeature)
    this.tBin = new Int32Array(s.tBin)
    this.tFlags = new Uint8Array(s.tFlags)
    this.tBits = new Uint32Array(s.tBits)
    this.tValue = new Float64Array(s.tValue)
    this.tLeft = new Int32Array(s.tLeft)
    this.tRight = new Int32Array(s.tRight)
    this.ctl = new Int32Array(s.ctl)
    this.cmd = new Int32Array(s.cmd)
    this.red = new Float64Array(s.red)
  }
}

/** Doubles in one histogram. */
export function histSize(job: Pick<GbdtJob, 'f' | 'histFeature'>): number {
  return job.f * job.histFeature
}

/** Int32 words of the command area. */
export const CMD_WORDS = 1 << 16

/** Sizes of every shared buffer, in bytes. */
export function sharedSizes(job: Omit<GbdtJob, 'sab'>, sampleSize: number): Record<SharedName, number> {
  const { n, f, nv, k, threads, stride, entries, slots, maxNodes } = job
  const hs = histSize(job)
  const totalCats = job.catCounts.reduce((a, b) => a + b, 0)
  return {
    raw: 8 * n * f,
    vraw: 8 * nv * f,
    y: 8 * n,
    w: job.hasWeights ? 8 * n : 0,
    vy: 8 * nv,
    vw: job.hasWeights ? 8 * nv : 0,
    bins: n * stride,
    cbins: n * f,
    vbins: nv * f,
    edges: 8 * f * 256,
    edgeCounts: 4 * f,
    binCounts: 4 * f,
    catToBin: 4 * Math.max(1, totalCats),
    sample: 4 * sampleSize,
    pred: 8 * n * k,
    vpred: 8 * nv * k,
    gh: 8 * 2 * n * k,
    q: job.pack ? 8 * n : 0,
    pbins: job.pack ? n * stride : 0,
    tbins: job.pack ? n * stride : 0,
    tq: job.pack ? 8 * n : 0,
    noise: job.pack ? 4 * n : 0,
    gmax: 8 * threads * k * 2,
    scal: 8 * 8,
    idx: 4 * n,
    tmp: 4 * n,
    seg: 4 * threads * maxNodes * 2,
    partial: threads > 1 ? 8 * threads * entries * hs : 0,
    full: 8 * slots * hs,
    cand: 8 * threads * entries * 2 * CAND_SIZE,
    candBits: 4 * threads * entries * 2 * CAT_WORDS,
    nodeMask: entries * 2 * f,
    tFeature: 4 * maxNodes,
    tBin: 4 * maxNodes,
    tFlags: maxNodes,
    tBits: 4 * maxNodes * CAT_WORDS,
    tValue: 8 * maxNodes,
    tLeft: 4 * maxNodes,
    tRight: 4 * maxNodes,
    ctl: 4 * CTL_SIZE,
    cmd: 4 * CMD_WORDS,
    red: 8 * threads * 8,
  }
}
