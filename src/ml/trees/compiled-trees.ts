import { CATEGORICAL, findLeaf, MISSING_LEFT, type TreeEnsemble } from './tree-ensemble.js'

/** Trees deeper than this keep the pointer layout (a complete tree of depth 12 has 4,095 splits). */
const MAX_DEPTH = 12

/**
 * A prediction layout for shallow trees without category splits: each tree becomes a complete
 * binary tree of the ensemble's depth D in heap order (children of i at 2i+1 and 2i+2), shorter
 * branches padded with pass-through nodes that send everything left. A row then takes exactly
 * D steps per tree, each a branch-free `i = 2i + 2 − goLeft`, and four trees advance together so
 * their dependency chains overlap. Trees that do not fit (categorical splits, too deep) are
 * walked the usual way.
 */
export class CompiledTrees {
  readonly depth: number
  /** Trees in the complete layout, and the others (indices into the ensemble). */
  readonly compiled: Int32Array
  readonly fallback: Int32Array
  private readonly feat: Int32Array
  private readonly thr: Float64Array
  private readonly ml: Int32Array
  private readonly leaf: Float64Array
  private readonly out: Int32Array
  private readonly inner: number
  private readonly leaves: number
  private readonly vw: number

  constructor(private readonly e: TreeEnsemble) {
    const trees = e.treeStart.length - 1
    const ok: number[] = []
    const other: number[] = []
    let depth = 1
    for (let t = 0; t < trees; t++) {
      const d = compilableDepth(e, t)
      if (d < 0) other.push(t)
      else {
        ok.push(t)
        depth = Math.max(depth, d)
      }
    }
    this.depth = depth
    this.compiled = Int32Array.from(ok)
    this.fallback = Int32Array.from(other)
    this.vw = e.valueWidth
    this.inner = 2 ** depth - 1
    this.leaves = 2 ** depth
    const T = ok.length
    this.feat = new Int32Array(T * this.inner)
    this.thr = new Float64Array(T * this.inner).fill(Number.POSITIVE_INFINITY)
    this.ml = new Int32Array(T * this.inner).fill(1)
    this.leaf = new Float64Array(T * this.leaves * this.vw)
    this.out = new Int32Array(T)
    ok.forEach((t, c) => {
      this.out[c] = e.treeOutput[t] as number
      this.place(e.treeStart[t] as number, 0, 0, c)
    })
  }

  /** Copy node `n` (at heap index i, depth d) of compiled tree c into the complete layout. */
  private place(n: number, i: number, d: number, c: number): void {
    const e = this.e
    if ((e.feature[n] as number) < 0) {
      // Pass-through nodes below send the row left: it lands on the leftmost leaf.
      let j = i
      for (let k = d; k < this.depth; k++) j = 2 * j + 1
      const slot = (c * this.leaves + (j - this.inner)) * this.vw
      for (let k = 0; k < this.vw; k++) this.leaf[slot + k] = e.value[n * this.vw + k] as number
      return
    }
    const o = c * this.inner + i
    this.feat[o] = e.feature[n] as number
    this.thr[o] = e.threshold[n] as number
    this.ml[o] = ((e.flags[n] as number) & MISSING_LEFT) !== 0 ? 1 : 0
    this.place(n + 1, 2 * i + 1, d + 1, c)
    this.place(e.right[n] as number, 2 * i + 2, d + 1, c)
  }

  /** Add every tree's leaf values for the row `x[base..]` into `out[outBase + output]`. */
  accumulate(x: Float64Array, base: number, out: Float64Array, outBase: number): void {
    const { feat, thr, ml, leaf, depth, inner, leaves, vw } = this
    const T = this.compiled.length
    let c = 0
    if (vw === 1) {
      // Eight trees at a time: their dependency chains overlap (a tree's nodes mostly come from L2).
      for (; c + 7 < T; c += 8) {
        const o0 = c * inner
        const o1 = o0 + inner
        const o2 = o1 + inner
        const o3 = o2 + inner
        const o4 = o3 + inner
        const o5 = o4 + inner
        const o6 = o5 + inner
        const o7 = o6 + inner
        let i0 = 0
        let i1 = 0
        let i2 = 0
        let i3 = 0
        let i4 = 0
        let i5 = 0
        let i6 = 0
        let i7 = 0
        for (let l = 0; l < depth; l++) {
          const a0 = o0 + i0
          const a1 = o1 + i1
          const a2 = o2 + i2
          const a3 = o3 + i3
          const a4 = o4 + i4
          const a5 = o5 + i5
          const a6 = o6 + i6
          const a7 = o7 + i7
          const v0 = x[base + (feat[a0] as number)] as number
          const v1 = x[base + (feat[a1] as number)] as number
          const v2 = x[base + (feat[a2] as number)] as number
          const v3 = x[base + (feat[a3] as number)] as number
          const v4 = x[base + (feat[a4] as number)] as number
          const v5 = x[base + (feat[a5] as number)] as number
          const v6 = x[base + (feat[a6] as number)] as number
          const v7 = x[base + (feat[a7] as number)] as number
          i0 = 2 * i0 + 2 - (bit(v0 <= (thr[a0] as number)) | (bit(Number.isNaN(v0)) & (ml[a0] as number)))
          i1 = 2 * i1 + 2 - (bit(v1 <= (thr[a1] as number)) | (bit(Number.isNaN(v1)) & (ml[a1] as number)))
          i2 = 2 * i2 + 2 - (bit(v2 <= (thr[a2] as number)) | (bit(Number.isNaN(v2)) & (ml[a2] as number)))
          i3 = 2 * i3 + 2 - (bit(v3 <= (thr[a3] as number)) | (bit(Number.isNaN(v3)) & (ml[a3] as number)))
          i4 = 2 * i4 + 2 - (bit(v4 <= (thr[a4] as number)) | (bit(Number.isNaN(v4)) & (ml[a4] as number)))
          i5 = 2 * i5 + 2 - (bit(v5 <= (thr[a5] as number)) | (bit(Number.isNaN(v5)) & (ml[a5] as number)))
          i6 = 2 * i6 + 2 - (bit(v6 <= (thr[a6] as number)) | (bit(Number.isNaN(v6)) & (ml[a6] as number)))
          i7 = 2 * i7 + 2 - (bit(v7 <= (thr[a7] as number)) | (bit(Number.isNaN(v7)) & (ml[a7] as number)))
        }
        const p0 = outBase + (this.out[c] as number)
        out[p0] = (out[p0] as number) + (leaf[c * leaves + i0 - inner] as number)
        const p1 = outBase + (this.out[c + 1] as number)
        out[p1] = (out[p1] as number) + (leaf[(c + 1) * leaves + i1 - inner] as number)
        const p2 = outBase + (this.out[c + 2] as number)
        out[p2] = (out[p2] as number) + (leaf[(c + 2) * leaves + i2 - inner] as number)
        const p3 = outBase + (this.out[c + 3] as number)
        out[p3] = (out[p3] as number) + (leaf[(c + 3) * leaves + i3 - inner] as number)
        const p4 = outBase + (this.out[c + 4] as number)
        out[p4] = (out[p4] as number) + (leaf[(c + 4) * leaves + i4 - inner] as number)
        const p5 = outBase + (this.out[c + 5] as number)
        out[p5] = (out[p5] as number) + (leaf[(c + 5) * leaves + i5 - inner] as number)
        const p6 = outBase + (this.out[c + 6] as number)
        out[p6] = (out[p6] as number) + (leaf[(c + 6) * leaves + i6 - inner] as number)
        const p7 = outBase + (this.out[c + 7] as number)
        out[p7] = (out[p7] as number) + (leaf[(c + 7) * leaves + i7 - inner] as number)
      }
      for (; c + 3 < T; c += 4) {
        const o0 = c * inner
        const o1 = o0 + inner
        const o2 = o1 + inner
        const o3 = o2 + inner
        let i0 = 0
        let i1 = 0
        let i2 = 0
        let i3 = 0
        for (let l = 0; l < depth; l++) {
          const a0 = o0 + i0
          const a1 = o1 + i1
          const a2 = o2 + i2
          const a3 = o3 + i3
          const v0 = x[base + (feat[a0] as number)] as number
          const v1 = x[base + (feat[a1] as number)] as number
          const v2 = x[base + (feat[a2] as number)] as number
          const v3 = x[base + (feat[a3] as number)] as number
          i0 = 2 * i0 + 2 - (bit(v0 <= (thr[a0] as number)) | (bit(Number.isNaN(v0)) & (ml[a0] as number)))
          i1 = 2 * i1 + 2 - (bit(v1 <= (thr[a1] as number)) | (bit(Number.isNaN(v1)) & (ml[a1] as number)))
          i2 = 2 * i2 + 2 - (bit(v2 <= (thr[a2] as number)) | (bit(Number.isNaN(v2)) & (ml[a2] as number)))
          i3 = 2 * i3 + 2 - (bit(v3 <= (thr[a3] as number)) | (bit(Number.isNaN(v3)) & (ml[a3] as number)))
        }
        const p0 = outBase + (this.out[c] as number)
        out[p0] = (out[p0] as number) + (leaf[c * leaves + i0 - inner] as number)
        const p1 = outBase + (this.out[c + 1] as number)
        out[p1] = (out[p1] as number) + (leaf[(c + 1) * leaves + i1 - inner] as number)
        const p2 = outBase + (this.out[c + 2] as number)
        out[p2] = (out[p2] as number) + (leaf[(c + 2) * leaves + i2 - inner] as number)
        const p3 = outBase + (this.out[c + 3] as number)
        out[p3] = (out[p3] as number) + (leaf[(c + 3) * leaves + i3 - inner] as number)
      }
    }
    for (; c < T; c++) {
      const o = c * inner
      let i = 0
      for (let l = 0; l < depth; l++) {
        const a = o + i
        const v = x[base + (feat[a] as number)] as number
        i = 2 * i + 2 - (bit(v <= (thr[a] as number)) | (bit(Number.isNaN(v)) & (ml[a] as number)))
      }
      const p = outBase + (this.out[c] as number)
      const s = (c * leaves + i - inner) * vw
      for (let k = 0; k < vw; k++) out[p + k] = (out[p + k] as number) + (leaf[s + k] as number)
    }
  }

  /**
   * Add every tree's leaf values for `rows` rows of the row-major block `x` (`F` values a row)
   * into `out` (`ow` values a row). Tree by tree over the whole block, four rows at a time: one
   * tree's nodes stay in L1 while the block's rows pass through it.
   */
  accumulateBlock(x: Float64Array, rows: number, F: number, out: Float64Array, ow: number): void {
    const { feat, thr, ml, leaf, depth, inner, leaves, vw } = this
    const T = this.compiled.length
    for (let c = 0; c < T; c++) {
      const o = c * inner
      const lo = c * leaves - inner
      const to = this.out[c] as number
      let r = 0
      if (vw === 1) {
        for (; r + 3 < rows; r += 4) {
          const b0 = r * F
          const b1 = b0 + F
          const b2 = b1 + F
          const b3 = b2 + F
          let i0 = 0
          let i1 = 0
          let i2 = 0
          let i3 = 0
          for (let l = 0; l < depth; l++) {
            const a0 = o + i0
            const a1 = o + i1
            const a2 = o + i2
            const a3 = o + i3
            const v0 = x[b0 + (feat[a0] as number)] as number
            const v1 = x[b1 + (feat[a1] as number)] as number
            const v2 = x[b2 + (feat[a2] as number)] as number
            const v3 = x[b3 + (feat[a3] as number)] as number
            i0 = 2 * i0 + 2 - (bit(v0 <= (thr[a0] as number)) | (bit(Number.isNaN(v0)) & (ml[a0] as number)))
            i1 = 2 * i1 + 2 - (bit(v1 <= (thr[a1] as number)) | (bit(Number.isNaN(v1)) & (ml[a1] as number)))
            i2 = 2 * i2 + 2 - (bit(v2 <= (thr[a2] as number)) | (bit(Number.isNaN(v2)) & (ml[a2] as number)))
            i3 = 2 * i3 + 2 - (bit(v3 <= (thr[a3] as number)) | (bit(Number.isNaN(v3)) & (ml[a3] as number)))
          }
          const p0 = r * ow + to
          out[p0] = (out[p0] as number) + (leaf[lo + i0] as number)
          const p1 = p0 + ow
          out[p1] = (out[p1] as number) + (leaf[lo + i1] as number)
          const p2 = p1 + ow
          out[p2] = (out[p2] as number) + (leaf[lo + i2] as number)
          const p3 = p2 + ow
          out[p3] = (out[p3] as number) + (leaf[lo + i3] as number)
        }
      }
      for (; r < rows; r++) {
        const b = r * F
        let i = 0
        for (let l = 0; l < depth; l++) {
          const a = o + i
          const v = x[b + (feat[a] as number)] as number
          i = 2 * i + 2 - (bit(v <= (thr[a] as number)) | (bit(Number.isNaN(v)) & (ml[a] as number)))
        }
        const p = r * ow + to
        const s = (lo + i) * vw
        for (let k = 0; k < vw; k++) out[p + k] = (out[p + k] as number) + (leaf[s + k] as number)
      }
    }
  }
}

/** A comparison as 0 or 1 without a branch (unary plus on a boolean compiles to a flag read). */
function bit(b: boolean): number {
  return +b
}

/** The depth of tree t if it can be compiled (no categorical splits, not too deep), else −1. */
function compilableDepth(e: TreeEnsemble, t: number): number {
  let max = 0
  const stack = [e.treeStart[t] as number, 0]
  while (stack.length > 0) {
    const d = stack.pop() as number
    const n = stack.pop() as number
    if ((e.feature[n] as number) < 0) {
      if (d > max) max = d
      continue
    }
    if (((e.flags[n] as number) & CATEGORICAL) !== 0 || d >= MAX_DEPTH) return -1
    stack.push(n + 1, d + 1, e.right[n] as number, d + 1)
  }
  return max
}

/**
 * Predicts with an ensemble: compiled trees take the branch-free path, the rest are walked.
 * Build once per model; `row` and `block` allocate nothing.
 */
export class EnsemblePredictor {
  private readonly compiled: CompiledTrees

  constructor(private readonly e: TreeEnsemble) {
    this.compiled = new CompiledTrees(e)
  }

  /** Add all trees' values for one row (`x[base..]`) into `out[outBase..]` (not cleared). */
  row(x: Float64Array, base: number, out: Float64Array, outBase: number): void {
    this.compiled.accumulate(x, base, out, outBase)
    this.fallbackRow(x, base, out, outBase)
  }

  /** The trees outside the compiled layout, walked for one row. */
  private fallbackRow(x: Float64Array, base: number, out: Float64Array, outBase: number): void {
    const rest = this.compiled.fallback
    if (rest.length === 0) return
    const { feature, threshold, right, flags, catStart, catBits, value, treeStart, treeOutput } = this.e
    const vw = this.e.valueWidth
    for (let j = 0; j < rest.length; j++) {
      const t = rest[j] as number
      const leaf = findLeaf(
        feature,
        threshold,
        right,
        flags,
        catStart,
        catBits,
        x,
        base,
        treeStart[t] as number,
      )
      const o = outBase + (treeOutput[t] as number)
      for (let k = 0; k < vw; k++) out[o + k] = (out[o + k] as number) + (value[leaf * vw + k] as number)
    }
  }

  /** Add all trees' values for `rows` rows of the row-major block `x` into `out` (`rows × outputWidth`). */
  block(x: Float64Array, rows: number, out: Float64Array): void {
    const F = this.e.featureCount
    const ow = this.e.outputWidth
    this.compiled.accumulateBlock(x, rows, F, out, ow)
    if (this.compiled.fallback.length === 0) return
    for (let r = 0; r < rows; r++) this.fallbackRow(x, r * F, out, r * ow)
  }
}
