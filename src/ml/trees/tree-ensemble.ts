import { CairnError } from '../../core/index.js'
import type { Tensor } from '../bundle/index.js'

/** Node flag: a missing value (NaN) goes to the left child. */
export const MISSING_LEFT = 1
/** Node flag: the split tests a categorical feature against a set of categories (left = in the set). */
export const CATEGORICAL = 2

/**
 * One tree in flat typed arrays, nodes in pre-order (a node's left child is the next node), so a
 * prediction walks arrays without objects. Leaves have `feature = -1`.
 */
export interface FlatTree {
  feature: Int32Array
  threshold: Float64Array
  /** Index of the right child (within this tree). */
  right: Int32Array
  flags: Uint8Array
  /** Categorical splits: offset of the node's bit set in `catBits` (-1 otherwise). */
  catStart: Int32Array
  /** Bit sets over category indices: bit k set = category k goes left. */
  catBits: Uint32Array
  /** `valueWidth` values per node (leaf outputs; internal nodes hold their mean for reference). */
  value: Float64Array
  /** Training weight (rows or hessian) that reached each node: TreeSHAP's background. */
  cover: Float64Array
  /** Loss reduction of each split (0 at leaves): gain importance. */
  gain: Float64Array
}

/** Many trees concatenated: what GBDT, random forests and single trees predict with. */
export interface TreeEnsemble extends FlatTree {
  /** Node offset of each tree, plus the end (length `treeCount + 1`). */
  treeStart: Int32Array
  /** Where each tree's values go in the output row (GBDT multiclass: the class). */
  treeOutput: Int32Array
  /** Values per leaf (1 for GBDT and regression forests, classes for classification forests). */
  valueWidth: number
  /** Width of an output row. */
  outputWidth: number
  featureCount: number
}

/** A node while a tree is being grown (any order; `left`/`right` index the same list). */
export interface RawNode {
  feature: number
  threshold: number
  missingLeft: boolean
  /** Categorical split: category indices that go left. */
  categories?: readonly number[] | undefined
  left: number
  right: number
  value: ArrayLike<number>
  cover: number
  gain: number
}

/** Lay out grown nodes (root at `nodes[0]`) in pre-order as a FlatTree. */
export function flattenTree(nodes: readonly RawNode[], valueWidth: number): FlatTree {
  const order: number[] = []
  const stack = [0]
  while (stack.length > 0) {
    const i = stack.pop() as number
    order.push(i)
    const n = nodes[i] as RawNode
    if (n.feature >= 0) stack.push(n.right, n.left)
  }
  const pos = new Int32Array(nodes.length)
  order.forEach((i, p) => {
    pos[i] = p
  })
  const m = order.length
  const t: FlatTree = {
    feature: new Int32Array(m),
    threshold: new Float64Array(m),
    right: new Int32Array(m),
    flags: new Uint8Array(m),
    catStart: new Int32Array(m).fill(-1),
    catBits: new Uint32Array(0),
    value: new Float64Array(m * valueWidth),
    cover: new Float64Array(m),
    gain: new Float64Array(m),
  }
  const bits: number[] = []
  order.forEach((i, p) => {
    const n = nodes[i] as RawNode
    t.feature[p] = n.feature
    t.cover[p] = n.cover
    for (let k = 0; k < valueWidth; k++) t.value[p * valueWidth + k] = n.value[k] as number
    if (n.feature < 0) return
    t.threshold[p] = n.threshold
    t.gain[p] = n.gain
    t.right[p] = pos[n.right] as number
    let flags = n.missingLeft ? MISSING_LEFT : 0
    if (n.categories) {
      flags |= CATEGORICAL
      const words = Math.max(1, Math.ceil((Math.max(-1, ...n.categories) + 1) / 32))
      t.catStart[p] = bits.length
      // One extra word stores the bit set's length so lookups past its end go right.
      bits.push(words)
      const base = bits.length
      for (let w = 0; w < words; w++) bits.push(0)
      for (const k of n.categories)
        bits[base + (k >> 5)] = ((bits[base + (k >> 5)] as number) | (1 << (k & 31))) >>> 0
    }
    t.flags[p] = flags
  })
  t.catBits = Uint32Array.from(bits)
  return t
}

/** Concatenate trees into an ensemble. */
export function concatTrees(
  trees: readonly FlatTree[],
  opts: { treeOutput: ArrayLike<number>; valueWidth: number; outputWidth: number; featureCount: number },
): TreeEnsemble {
  let nodes = 0
  let cats = 0
  for (const t of trees) {
    nodes += t.feature.length
    cats += t.catBits.length
  }
  const e: TreeEnsemble = {
    feature: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    right: new Int32Array(nodes),
    flags: new Uint8Array(nodes),
    catStart: new Int32Array(nodes),
    catBits: new Uint32Array(cats),
    value: new Float64Array(nodes * opts.valueWidth),
    cover: new Float64Array(nodes),
    gain: new Float64Array(nodes),
    treeStart: new Int32Array(trees.length + 1),
    treeOutput: Int32Array.from(opts.treeOutput),
    valueWidth: opts.valueWidth,
    outputWidth: opts.outputWidth,
    featureCount: opts.featureCount,
  }
  let at = 0
  let catAt = 0
  trees.forEach((t, i) => {
    const m = t.feature.length
    e.treeStart[i] = at
    e.feature.set(t.feature, at)
    e.threshold.set(t.threshold, at)
    e.flags.set(t.flags, at)
    e.value.set(t.value, at * opts.valueWidth)
    e.cover.set(t.cover, at)
    e.gain.set(t.gain, at)
    e.catBits.set(t.catBits, catAt)
    for (let p = 0; p < m; p++) {
      e.right[at + p] = (t.feature[p] as number) >= 0 ? (t.right[p] as number) + at : 0
      const c = t.catStart[p] as number
      e.catStart[at + p] = c < 0 ? -1 : c + catAt
    }
    at += m
    catAt += t.catBits.length
  })
  e.treeStart[trees.length] = at
  return e
}

/** The ensemble's first `count` trees (early stopping keeps the best iteration). */
export function sliceTrees(e: TreeEnsemble, count: number): TreeEnsemble {
  const end = e.treeStart[count] as number
  let catEnd = 0
  for (let p = 0; p < end; p++) {
    const c = e.catStart[p] as number
    if (c >= 0) catEnd = Math.max(catEnd, c + 1 + (e.catBits[c] as number))
  }
  return {
    ...e,
    feature: e.feature.slice(0, end),
    threshold: e.threshold.slice(0, end),
    right: e.right.slice(0, end),
    flags: e.flags.slice(0, end),
    catStart: e.catStart.slice(0, end),
    catBits: e.catBits.slice(0, catEnd),
    value: e.value.slice(0, end * e.valueWidth),
    cover: e.cover.slice(0, end),
    gain: e.gain.slice(0, end),
    treeStart: e.treeStart.slice(0, count + 1),
    treeOutput: e.treeOutput.slice(0, count),
  }
}

/** Number of trees in an ensemble. */
export function treeCount(e: TreeEnsemble): number {
  return e.treeStart.length - 1
}

/**
 * The leaf a row reaches in the tree rooted at `node`. `x[base + f]` is feature f: a number (NaN =
 * missing) or a category index. Kept small and monomorphic so V8 inlines it into the loops.
 */
export function findLeaf(
  feature: Int32Array,
  threshold: Float64Array,
  right: Int32Array,
  flags: Uint8Array,
  catStart: Int32Array,
  catBits: Uint32Array,
  x: Float64Array,
  base: number,
  node: number,
): number {
  let n = node
  let f = feature[n] as number
  while (f >= 0) {
    const v = x[base + f] as number
    const fl = flags[n] as number
    if (fl < CATEGORICAL) {
      n =
        v <= (threshold[n] as number) || (fl === MISSING_LEFT && Number.isNaN(v))
          ? n + 1
          : (right[n] as number)
    } else if (Number.isNaN(v)) {
      n = (fl & MISSING_LEFT) !== 0 ? n + 1 : (right[n] as number)
    } else {
      const c = catStart[n] as number
      const k = v | 0
      const w = k >> 5
      n =
        w < (catBits[c] as number) && (((catBits[c + 1 + w] as number) >>> (k & 31)) & 1) !== 0
          ? n + 1
          : (right[n] as number)
    }
    f = feature[n] as number
  }
  return n
}

/**
 * Add every tree's leaf values for `rows` rows of the row-major block `x` (`featureCount` wide)
 * into `out` (`rows × outputWidth`, not cleared).
 */
export function accumulateBlock(e: TreeEnsemble, x: Float64Array, rows: number, out: Float64Array): void {
  const { feature, threshold, right, flags, catStart, catBits, value, treeStart, treeOutput } = e
  const F = e.featureCount
  const vw = e.valueWidth
  const ow = e.outputWidth
  const trees = treeStart.length - 1
  for (let t = 0; t < trees; t++) {
    const root = treeStart[t] as number
    const o = treeOutput[t] as number
    if (vw === 1) {
      for (let r = 0; r < rows; r++) {
        const leaf = findLeaf(feature, threshold, right, flags, catStart, catBits, x, r * F, root)
        out[r * ow + o] = (out[r * ow + o] as number) + (value[leaf] as number)
      }
    } else {
      for (let r = 0; r < rows; r++) {
        const leaf = findLeaf(feature, threshold, right, flags, catStart, catBits, x, r * F, root)
        const b = r * ow + o
        const vb = leaf * vw
        for (let k = 0; k < vw; k++) out[b + k] = (out[b + k] as number) + (value[vb + k] as number)
      }
    }
  }
}

/** Add every tree's leaf values for one row (`x` holds its features) into `out`. */
export function accumulateRow(e: TreeEnsemble, x: Float64Array, out: Float64Array): void {
  const { feature, threshold, right, flags, catStart, catBits, value, treeStart, treeOutput } = e
  const vw = e.valueWidth
  const trees = treeStart.length - 1
  if (vw === 1) {
    for (let t = 0; t < trees; t++) {
      const leaf = findLeaf(feature, threshold, right, flags, catStart, catBits, x, 0, treeStart[t] as number)
      const o = treeOutput[t] as number
      out[o] = (out[o] as number) + (value[leaf] as number)
    }
    return
  }
  for (let t = 0; t < trees; t++) {
    const leaf = findLeaf(feature, threshold, right, flags, catStart, catBits, x, 0, treeStart[t] as number)
    const o = treeOutput[t] as number
    for (let k = 0; k < vw; k++) out[o + k] = (out[o + k] as number) + (value[leaf * vw + k] as number)
  }
}

/** Importance per feature: total split gain and split count. */
export function ensembleImportances(e: TreeEnsemble): { gain: Float64Array; split: Float64Array } {
  const gain = new Float64Array(e.featureCount)
  const split = new Float64Array(e.featureCount)
  for (let p = 0; p < e.feature.length; p++) {
    const f = e.feature[p] as number
    if (f < 0) continue
    gain[f] = (gain[f] as number) + (e.gain[p] as number)
    split[f] = (split[f] as number) + 1
  }
  return { gain, split }
}

/** The ensemble's arrays as bundle tensors under `prefix`. */
export function ensembleTensors(e: TreeEnsemble, prefix = ''): Record<string, Tensor> {
  return {
    [`${prefix}feature`]: e.feature,
    [`${prefix}threshold`]: e.threshold,
    [`${prefix}right`]: e.right,
    [`${prefix}flags`]: e.flags,
    [`${prefix}catStart`]: e.catStart,
    [`${prefix}catBits`]: e.catBits,
    [`${prefix}value`]: e.value,
    [`${prefix}cover`]: e.cover,
    [`${prefix}gain`]: e.gain,
    [`${prefix}treeStart`]: e.treeStart,
    [`${prefix}treeOutput`]: e.treeOutput,
  }
}

/** The JSON half of an ensemble (its shape). */
export interface EnsembleShape {
  valueWidth: number
  outputWidth: number
  featureCount: number
}

/** Rebuild an ensemble from bundle tensors, checking every index so a corrupt bundle cannot loop or read out of bounds. */
export function ensembleFromTensors(
  tensors: Record<string, Tensor>,
  shape: EnsembleShape,
  prefix = '',
): TreeEnsemble {
  const get = <T extends Tensor>(name: string, ctor: { new (n: number): T; name: string }): T => {
    const t = tensors[`${prefix}${name}`]
    if (!(t instanceof ctor)) throw bad(`tensor "${prefix}${name}" is missing or not ${ctor.name}`)
    return t as T
  }
  const e: TreeEnsemble = {
    feature: get('feature', Int32Array),
    threshold: get('threshold', Float64Array),
    right: get('right', Int32Array),
    flags: get('flags', Uint8Array),
    catStart: get('catStart', Int32Array),
    catBits: get('catBits', Uint32Array),
    value: get('value', Float64Array),
    cover: get('cover', Float64Array),
    gain: get('gain', Float64Array),
    treeStart: get('treeStart', Int32Array),
    treeOutput: get('treeOutput', Int32Array),
    valueWidth: shape.valueWidth,
    outputWidth: shape.outputWidth,
    featureCount: shape.featureCount,
  }
  validateEnsemble(e)
  return e
}

function bad(msg: string): CairnError {
  return new CairnError('CAIRN_BUNDLE_INVALID', `Tree ensemble: ${msg}`)
}

/** Check structure: children point forward inside their tree, features and outputs are in range. */
export function validateEnsemble(e: TreeEnsemble): void {
  const m = e.feature.length
  for (const [name, a] of [
    ['threshold', e.threshold],
    ['right', e.right],
    ['flags', e.flags],
    ['catStart', e.catStart],
    ['cover', e.cover],
    ['gain', e.gain],
  ] as const) {
    if (a.length !== m) throw bad(`${name} has ${a.length} entries, expected ${m}`)
  }
  if (e.value.length !== m * e.valueWidth) throw bad('value has the wrong length')
  const trees = e.treeStart.length - 1
  if (trees < 0 || e.treeOutput.length !== trees) throw bad('treeStart/treeOutput lengths disagree')
  if (e.treeStart[0] !== 0 || e.treeStart[trees] !== m) throw bad('treeStart does not cover the nodes')
  for (let t = 0; t < trees; t++) {
    const s = e.treeStart[t] as number
    const end = e.treeStart[t + 1] as number
    if (end <= s) throw bad(`tree ${t} is empty`)
    const o = e.treeOutput[t] as number
    if (o < 0 || o + e.valueWidth > e.outputWidth) throw bad(`tree ${t} writes outside the output`)
    for (let p = s; p < end; p++) {
      const f = e.feature[p] as number
      if (f < 0) continue
      if (f >= e.featureCount) throw bad(`node ${p} uses feature ${f} of ${e.featureCount}`)
      const r = e.right[p] as number
      if (!(p + 1 < end && r > p + 1 && r < end)) throw bad(`node ${p} has children outside its tree`)
      const c = e.catStart[p] as number
      if ((e.flags[p] as number) & CATEGORICAL) {
        if (c < 0 || c >= e.catBits.length || c + 1 + (e.catBits[c] as number) > e.catBits.length) {
          throw bad(`node ${p} has a category set outside catBits`)
        }
      }
    }
  }
}
