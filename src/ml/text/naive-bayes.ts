import { CairnError } from '../../core/index.js'
import type { CsrMatrix } from './sparse.js'

/**
 * Multinomial naive Bayes over non-negative sparse features (counts or tf-idf). Keeps raw
 * per-class feature totals so that partial fits simply add to them.
 */
export class MultinomialNb {
  private logProb: Float64Array | undefined
  private logPrior: Float64Array | undefined

  constructor(
    readonly alpha: number,
    readonly classCount: number,
    readonly features: number,
    /** `classes × features` summed feature values. */
    readonly featureCounts: Float64Array,
    /** Documents per class. */
    readonly classCounts: Float64Array,
  ) {}

  static init(alpha: number, classCount: number, features: number): MultinomialNb {
    return new MultinomialNb(
      alpha,
      classCount,
      features,
      new Float64Array(classCount * features),
      new Float64Array(classCount),
    )
  }

  /** A new model with the rows' counts added. */
  update(x: CsrMatrix, y: Int32Array): MultinomialNb {
    if (x.cols !== this.features) {
      throw new CairnError('CAIRN_FEATURE_MISMATCH', `Expected ${this.features} columns, got ${x.cols}`)
    }
    const fc = Float64Array.from(this.featureCounts)
    const cc = Float64Array.from(this.classCounts)
    const F = this.features
    for (let r = 0; r < x.rows; r++) {
      const c = y[r]!
      cc[c] = cc[c]! + 1
      for (let p = x.indptr[r]!; p < x.indptr[r + 1]!; p++) {
        const v = x.data[p]!
        if (v < 0) {
          throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Naive Bayes needs non-negative features', {
            hint: 'Use a count or tf-idf vectorizer, or a hashing vectorizer with alternateSign: false',
          })
        }
        fc[c * F + x.indices[p]!] = fc[c * F + x.indices[p]!]! + v
      }
    }
    return new MultinomialNb(this.alpha, this.classCount, F, fc, cc)
  }

  private prepare(): { logProb: Float64Array; logPrior: Float64Array } {
    if (this.logProb && this.logPrior) return { logProb: this.logProb, logPrior: this.logPrior }
    const K = this.classCount
    const F = this.features
    const lp = new Float64Array(K * F)
    const prior = new Float64Array(K)
    let docs = 0
    for (let c = 0; c < K; c++) docs += this.classCounts[c]!
    for (let c = 0; c < K; c++) {
      let total = 0
      for (let j = 0; j < F; j++) total += this.featureCounts[c * F + j]!
      const denom = Math.log(total + this.alpha * F)
      for (let j = 0; j < F; j++)
        lp[c * F + j] = Math.log(this.featureCounts[c * F + j]! + this.alpha) - denom
      prior[c] = Math.log((this.classCounts[c]! + 1e-9) / Math.max(docs, 1e-9))
    }
    this.logProb = lp
    this.logPrior = prior
    return { logProb: lp, logPrior: prior }
  }

  /** Joint log-likelihoods for one row into `z` (length classes). */
  scores(indices: Int32Array, data: Float32Array, p0: number, p1: number, z: Float64Array): void {
    const { logProb, logPrior } = this.prepare()
    const F = this.features
    for (let c = 0; c < this.classCount; c++) {
      let s = logPrior[c]!
      for (let p = p0; p < p1; p++) s += data[p]! * logProb[c * F + indices[p]!]!
      z[c] = s
    }
  }

  predictProba(x: CsrMatrix): Float64Array {
    const K = this.classCount
    const out = new Float64Array(x.rows * K)
    const z = new Float64Array(K)
    for (let r = 0; r < x.rows; r++) {
      this.scores(x.indices, x.data, x.indptr[r]!, x.indptr[r + 1]!, z)
      let max = -Infinity
      for (let c = 0; c < K; c++) if (z[c]! > max) max = z[c]!
      let sum = 0
      for (let c = 0; c < K; c++) sum += Math.exp(z[c]! - max)
      for (let c = 0; c < K; c++) out[r * K + c] = Math.exp(z[c]! - max) / sum
    }
    return out
  }
}
