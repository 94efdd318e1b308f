import { CairnError } from '../../core/index.js'
import type { CsrMatrix } from './sparse.js'

/** Settings of a linear classifier trained by stochastic gradient descent over sparse rows. */
export interface SparseLinearParams {
  /** `log` = logistic regression (multinomial for > 2 classes), `hinge` = linear SVM (one-vs-rest). */
  loss: 'log' | 'hinge'
  /** L2 regularisation strength. */
  alpha: number
  /** Passes over the data in `fit`. */
  epochs: number
  seed: number
}

export const defaultSparseLinearParams: SparseLinearParams = { loss: 'log', alpha: 1e-4, epochs: 10, seed: 0 }

/**
 * Weights of a sparse linear classifier: `heads × features` (one head for two classes, one per class
 * otherwise) and biases. Training uses scikit-learn's "optimal" step size η = 1/(α(t₀+t)) and the
 * scaled-weights trick so L2 decay costs O(1) per row instead of O(features).
 */
export class SparseLinear {
  constructor(
    readonly params: SparseLinearParams,
    readonly classCount: number,
    readonly features: number,
    readonly weights: Float32Array,
    readonly bias: Float32Array,
    /** SGD steps taken so far (the step size continues from here in partial fits). */
    readonly steps: number,
  ) {}

  get heads(): number {
    return this.classCount === 2 ? 1 : this.classCount
  }

  static init(params: SparseLinearParams, classCount: number, features: number): SparseLinear {
    const heads = classCount === 2 ? 1 : classCount
    return new SparseLinear(
      params,
      classCount,
      features,
      new Float32Array(heads * features),
      new Float32Array(heads),
      0,
    )
  }

  /** Train on rows (in the given order) for some epochs; returns a new model. */
  train(x: CsrMatrix, y: Int32Array, epochs: number, order?: Int32Array, signal?: AbortSignal): SparseLinear {
    if (x.cols !== this.features) {
      throw new CairnError('CAIRN_FEATURE_MISMATCH', `Expected ${this.features} columns, got ${x.cols}`)
    }
    const { alpha, loss } = this.params
    const heads = this.heads
    const F = this.features
    const v = Float32Array.from(this.weights)
    const b = Float32Array.from(this.bias)
    let scale = 1
    const typw = Math.sqrt(1 / Math.sqrt(alpha))
    const eta0 = typw / Math.max(1, loss === 'log' ? 1 / (1 + Math.exp(-typw)) : 1)
    const t0 = 1 / (eta0 * alpha)
    let t = this.steps
    const z = new Float64Array(heads)
    const g = new Float64Array(heads)
    const rows = order ?? Int32Array.from({ length: x.rows }, (_, i) => i)
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (signal?.aborted) throw new CairnError('CAIRN_CANCELLED', 'Training was cancelled')
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k]!
        const p0 = x.indptr[r]!
        const p1 = x.indptr[r + 1]!
        for (let h = 0; h < heads; h++) {
          let s = 0
          const o = h * F
          for (let p = p0; p < p1; p++) s += v[o + x.indices[p]!]! * x.data[p]!
          z[h] = s * scale + b[h]!
        }
        gradient(loss, z, y[r]!, heads, g)
        const eta = 1 / (alpha * (t0 + t))
        t++
        scale *= 1 - eta * alpha
        if (scale < 1e-9) {
          for (let i = 0; i < v.length; i++) v[i] = v[i]! * scale
          scale = 1
        }
        for (let h = 0; h < heads; h++) {
          const gh = g[h]!
          if (gh === 0) continue
          const step = (eta * gh) / scale
          const o = h * F
          for (let p = p0; p < p1; p++) {
            const j = o + x.indices[p]!
            v[j] = v[j]! - step * x.data[p]!
          }
          b[h] = b[h]! - eta * gh * 0.01
        }
      }
    }
    if (scale !== 1) for (let i = 0; i < v.length; i++) v[i] = v[i]! * scale
    return new SparseLinear(this.params, this.classCount, F, v, b, t)
  }

  /** Class probabilities (`rows × classes`); hinge models give a softmax of margins, not calibrated. */
  predictProba(x: CsrMatrix): Float64Array {
    const K = this.classCount
    const heads = this.heads
    const out = new Float64Array(x.rows * K)
    const z = new Float64Array(heads)
    for (let r = 0; r < x.rows; r++) {
      this.margins(x.indices, x.data, x.indptr[r]!, x.indptr[r + 1]!, z)
      probabilities(z, K, out, r * K)
    }
    return out
  }

  /** Margins for one sparse row given as index/value ranges. */
  margins(indices: Int32Array, data: Float32Array, p0: number, p1: number, z: Float64Array): void {
    const F = this.features
    for (let h = 0; h < this.heads; h++) {
      let s = this.bias[h]!
      const o = h * F
      for (let p = p0; p < p1; p++) s += this.weights[o + indices[p]!]! * data[p]!
      z[h] = s
    }
  }
}

/** Probabilities from margins: sigmoid for one head, softmax otherwise. */
export function probabilities(z: Float64Array, K: number, out: Float64Array, at: number): void {
  if (K === 2) {
    const p = 1 / (1 + Math.exp(-z[0]!))
    out[at] = 1 - p
    out[at + 1] = p
    return
  }
  let max = -Infinity
  for (let c = 0; c < K; c++) if (z[c]! > max) max = z[c]!
  let sum = 0
  for (let c = 0; c < K; c++) {
    const e = Math.exp(z[c]! - max)
    out[at + c] = e
    sum += e
  }
  for (let c = 0; c < K; c++) out[at + c] = out[at + c]! / sum
}

function gradient(loss: 'log' | 'hinge', z: Float64Array, y: number, heads: number, g: Float64Array): void {
  if (heads === 1) {
    if (loss === 'log') g[0] = 1 / (1 + Math.exp(-z[0]!)) - y
    else {
      const s = y === 1 ? 1 : -1
      g[0] = s * z[0]! < 1 ? -s : 0
    }
    return
  }
  if (loss === 'log') {
    let max = -Infinity
    for (let h = 0; h < heads; h++) if (z[h]! > max) max = z[h]!
    let sum = 0
    for (let h = 0; h < heads; h++) sum += Math.exp(z[h]! - max)
    for (let h = 0; h < heads; h++) g[h] = Math.exp(z[h]! - max) / sum - (h === y ? 1 : 0)
    return
  }
  for (let h = 0; h < heads; h++) {
    const s = h === y ? 1 : -1
    g[h] = s * z[h]! < 1 ? -s : 0
  }
}
