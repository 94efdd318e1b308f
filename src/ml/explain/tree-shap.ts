import { CairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import type { GbdtModel } from '../gbdt/index.js'
import { bindColumns, fillRowBlock } from '../trees/features.js'
import type { ForestModel } from '../trees/index.js'
import { CATEGORICAL, MISSING_LEFT, type TreeEnsemble } from '../trees/tree-ensemble.js'

/** SHAP values of a batch: one row of feature attributions per input row and output. */
export interface ShapValues {
  rowCount: number
  /** Feature names, in attribution order. */
  features: string[]
  /** Output names: class labels for classifiers, else the target. */
  outputs: string[]
  /**
   * `rowCount × outputs × features`, row-major. For each row and output,
   * Σ values + expectedValue = the model's raw output (margin for boosted classifiers,
   * averaged probability for forests).
   */
  values: Float64Array
  /** The model's average raw output over its training data (per output). */
  expectedValue: Float64Array
}

/** Does row value `v` go to the left child of `node`? (The same rule prediction uses.) */
function goesLeft(e: TreeEnsemble, node: number, v: number): boolean {
  const fl = e.flags[node] as number
  if (Number.isNaN(v)) return (fl & MISSING_LEFT) !== 0
  if ((fl & CATEGORICAL) === 0) return v <= (e.threshold[node] as number)
  const c = e.catStart[node] as number
  const k = v | 0
  const w = k >> 5
  return w < (e.catBits[c] as number) && (((e.catBits[c + 1 + w] as number) >>> (k & 31)) & 1) !== 0
}

/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2) with path-dependent expectations
 * weighted by node covers. One instance holds the path buffers for the deepest tree.
 */
class TreeShapper {
  private readonly d: Int32Array
  private readonly z: Float64Array
  private readonly o: Float64Array
  private readonly w: Float64Array
  private readonly maxPath: number
  private x: Float64Array = new Float64Array(0)
  private base = 0
  private phi: Float64Array = new Float64Array(0)
  private phiOff = 0
  private outStride = 0
  private scale = 1

  constructor(private readonly e: TreeEnsemble) {
    let depth = 0
    const trees = e.treeStart.length - 1
    for (let t = 0; t < trees; t++) depth = Math.max(depth, treeDepth(e, e.treeStart[t] as number))
    this.maxPath = depth + 2
    const size = ((this.maxPath + 1) * (this.maxPath + 2)) / 2 + this.maxPath
    this.d = new Int32Array(size)
    this.z = new Float64Array(size)
    this.o = new Float64Array(size)
    this.w = new Float64Array(size)
  }

  /** Add the attributions of tree `t` for the row at `x[base..]` into `phi` (output stride `outStride`). */
  explain(
    t: number,
    x: Float64Array,
    base: number,
    phi: Float64Array,
    phiOff: number,
    outStride: number,
    scale: number,
  ): void {
    this.x = x
    this.base = base
    this.phi = phi
    this.phiOff = phiOff + (this.e.treeOutput[t] as number) * outStride
    this.outStride = outStride
    this.scale = scale
    this.recurse(this.e.treeStart[t] as number, 0, 0, 1, 1, -1)
  }

  private recurse(node: number, start: number, len: number, pz: number, po: number, pi: number): void {
    const e = this.e
    const { d, z, o, w } = this
    // Copy the parent's path to a fresh slot, then extend it.
    const at = start + len
    if (len > 0) {
      d.copyWithin(at, start, start + len)
      z.copyWithin(at, start, start + len)
      o.copyWithin(at, start, start + len)
      w.copyWithin(at, start, start + len)
    }
    const m = at
    this.extend(m, len, pz, po, pi)
    const l = len + 1
    const f = e.feature[node] as number
    if (f < 0) {
      const vw = e.valueWidth
      for (let i = 1; i < l; i++) {
        const s = this.unwoundSum(m, l, i) * ((o[m + i] as number) - (z[m + i] as number)) * this.scale
        const feat = d[m + i] as number
        for (let k = 0; k < vw; k++) {
          const idx = this.phiOff + k * this.outStride + feat
          this.phi[idx] = (this.phi[idx] as number) + s * (e.value[node * vw + k] as number)
        }
      }
      return
    }
    const left = node + 1
    const right = e.right[node] as number
    const hot = goesLeft(e, node, this.x[this.base + f] as number) ? left : right
    const cold = hot === left ? right : left
    let iz = 1
    let io = 1
    let pathLen = l
    let k = 1
    for (; k < l; k++) if ((d[m + k] as number) === f) break
    if (k < l) {
      iz = z[m + k] as number
      io = o[m + k] as number
      this.unwind(m, l, k)
      pathLen = l - 1
    }
    const cover = e.cover[node] as number
    const rh = cover > 0 ? (e.cover[hot] as number) / cover : 0
    const rc = cover > 0 ? (e.cover[cold] as number) / cover : 0
    this.recurse(hot, m, pathLen, iz * rh, io, f)
    this.recurse(cold, m, pathLen, iz * rc, 0, f)
  }

  private extend(m: number, l: number, pz: number, po: number, pi: number): void {
    const { d, z, o, w } = this
    d[m + l] = pi
    z[m + l] = pz
    o[m + l] = po
    w[m + l] = l === 0 ? 1 : 0
    for (let i = l - 1; i >= 0; i--) {
      w[m + i + 1] = (w[m + i + 1] as number) + (po * (w[m + i] as number) * (i + 1)) / (l + 1)
      w[m + i] = (pz * (w[m + i] as number) * (l - i)) / (l + 1)
    }
  }

  private unwind(m: number, len: number, i: number): void {
    const { d, z, o, w } = this
    const l = len - 1
    const oi = o[m + i] as number
    const zi = z[m + i] as number
    let n = w[m + l] as number
    for (let j = l - 1; j >= 0; j--) {
      if (oi !== 0) {
        const t = w[m + j] as number
        w[m + j] = (n * (l + 1)) / ((j + 1) * oi)
        n = t - ((w[m + j] as number) * zi * (l - j)) / (l + 1)
      } else {
        w[m + j] = ((w[m + j] as number) * (l + 1)) / (zi * (l - j))
      }
    }
    for (let j = i; j < l; j++) {
      d[m + j] = d[m + j + 1] as number
      z[m + j] = z[m + j + 1] as number
      o[m + j] = o[m + j + 1] as number
    }
  }

  /** Σ of the path weights after unwinding feature i, without modifying the path. */
  private unwoundSum(m: number, len: number, i: number): number {
    const { z, o, w } = this
    const l = len - 1
    const oi = o[m + i] as number
    const zi = z[m + i] as number
    let next = w[m + l] as number
    let total = 0
    for (let j = l - 1; j >= 0; j--) {
      if (oi !== 0) {
        const t = (next * (l + 1)) / ((j + 1) * oi)
        total += t
        next = (w[m + j] as number) - (t * zi * (l - j)) / (l + 1)
      } else if (zi !== 0) {
        total += (w[m + j] as number) / zi / ((l - j) / (l + 1))
      }
    }
    return total
  }
}

function treeDepth(e: TreeEnsemble, root: number): number {
  let max = 0
  const stack = [root, 0]
  while (stack.length > 0) {
    const depth = stack.pop() as number
    const n = stack.pop() as number
    if (depth > max) max = depth
    if ((e.feature[n] as number) >= 0) stack.push(n + 1, depth + 1, e.right[n] as number, depth + 1)
  }
  return max
}

/** Cover-weighted mean leaf value of each tree, summed per output (times `scale`). */
function expectedValues(e: TreeEnsemble, scale: number): Float64Array {
  const out = new Float64Array(e.outputWidth)
  const trees = e.treeStart.length - 1
  const vw = e.valueWidth
  for (let t = 0; t < trees; t++) {
    const root = e.treeStart[t] as number
    const rootCover = e.cover[root] as number
    if (!(rootCover > 0)) continue
    const o = e.treeOutput[t] as number
    for (let n = root; n < (e.treeStart[t + 1] as number); n++) {
      if ((e.feature[n] as number) >= 0) continue
      const share = (e.cover[n] as number) / rootCover
      for (let k = 0; k < vw; k++)
        out[o + k] = (out[o + k] as number) + share * (e.value[n * vw + k] as number) * scale
    }
  }
  return out
}

/**
 * Exact SHAP values of a tree ensemble for rows of a row-major matrix (`featureCount` wide):
 * adds into `out` (`rows × outputWidth × featureCount`) and returns the expected value.
 * `scale` multiplies every tree (1/trees for averaging forests).
 */
export function ensembleShap(
  e: TreeEnsemble,
  x: Float64Array,
  rows: number,
  scale: number,
  out: Float64Array,
): Float64Array {
  const shapper = new TreeShapper(e)
  const F = e.featureCount
  const stride = e.outputWidth * F
  const trees = e.treeStart.length - 1
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < trees; t++) shapper.explain(t, x, r * F, out, r * stride, F, scale)
  }
  return expectedValues(e, scale)
}

/**
 * Exact TreeSHAP values for a boosted model (in its raw margin: log-odds, log-rate, …; the
 * expected value includes the base score) or a tree/forest model (averaged leaf values:
 * class probabilities or the regression value).
 */
export function treeShap(model: GbdtModel | ForestModel, frame: Frame): ShapValues {
  const e = model.ensemble
  if (!e?.cover) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `TreeSHAP explains tree models, not ${model.family}`)
  }
  const features = model.features
  const bound = bindColumns(frame, features)
  const n = frame.rowCount
  const F = features.length
  const x = new Float64Array(n * F)
  fillRowBlock(bound, 0, n, x)
  const boosted = model.family === 'gbdt'
  const scale = boosted ? 1 : 1 / (e.treeStart.length - 1)
  const values = new Float64Array(n * e.outputWidth * F)
  const expectedValue = ensembleShap(e, x, n, scale, values)
  if (boosted) {
    const base = (model as GbdtModel).state.baseScore
    for (let k = 0; k < expectedValue.length; k++)
      expectedValue[k] = (expectedValue[k] as number) + (base[k] as number)
  }
  const classes = model.signature.output.classes
  const outputs =
    classes && e.outputWidth === classes.length
      ? [...classes]
      : classes && e.outputWidth === 1
        ? [classes[1] as string]
        : [model.signature.output.name]
  return { rowCount: n, features: features.map((f) => f.name), outputs, values, expectedValue }
}
