import type { FeatureMatrix } from '../matrix/index.js'
import { columnAccess } from './sparse-columns.js'

/**
 * The penalised logistic loss and its gradient, for L-BFGS. K = 1 is binary (sigmoid, y ∈ {0,1});
 * K > 1 is multinomial (softmax over K columns, y ∈ 0..K−1). The parameter vector is
 * [W (K × p, row k = class k), b (K, when fitting an intercept)]. The loss is the weighted mean
 * over rows plus λ/2‖W‖²; buffers are allocated once, not per evaluation.
 */
export function logisticObjective(
  X: FeatureMatrix,
  y: Int32Array,
  K: number,
  sw: Float64Array,
  lambda: number,
  fitIntercept: boolean,
  /** Columns with fewer non-zeros than this share of rows are walked sparsely. */
  sparseThreshold = 0.25,
): (x: Float64Array, grad: Float64Array) => number {
  const { rows: n, cols: p, data, sparse, start, rowIndex, value } = columnAccess(X, sparseThreshold)
  const Z = new Float64Array(n * K)
  const R = new Float64Array(n * K)
  let S = 0
  for (let i = 0; i < n; i++) S += sw[i] as number
  return (x, grad) => {
    for (let k = 0; k < K; k++) {
      const b = fitIntercept ? (x[K * p + k] as number) : 0
      for (let i = 0; i < n; i++) Z[i * K + k] = b
      for (let j = 0; j < p; j++) {
        const w = x[k * p + j] as number
        if (w === 0) continue
        if (sparse[j]) {
          const end = start[j + 1] as number
          for (let t = start[j] as number; t < end; t++) {
            const r = (rowIndex[t] as number) * K + k
            Z[r] = (Z[r] as number) + w * (value[t] as number)
          }
          continue
        }
        const o = j * n
        for (let i = 0; i < n; i++) Z[i * K + k] = (Z[i * K + k] as number) + w * (data[o + i] as number)
      }
    }
    let loss = 0
    if (K === 1) {
      for (let i = 0; i < n; i++) {
        const z = Z[i] as number
        const yi = y[i] as number
        const s = (sw[i] as number) / S
        // log(1 + e^z) − y z and the sigmoid, stably, from one exponential.
        const e = Math.exp(-Math.abs(z))
        const softplus = Math.max(z, 0) + Math.log1p(e)
        loss += s * (softplus - yi * z)
        const pz = z >= 0 ? 1 / (1 + e) : e / (1 + e)
        R[i] = s * (pz - yi)
      }
    } else {
      for (let i = 0; i < n; i++) {
        const o = i * K
        let max = Number.NEGATIVE_INFINITY
        for (let k = 0; k < K; k++) max = Math.max(max, Z[o + k] as number)
        let sum = 0
        for (let k = 0; k < K; k++) {
          const e = Math.exp((Z[o + k] as number) - max)
          R[o + k] = e
          sum += e
        }
        const s = (sw[i] as number) / S
        const yi = y[i] as number
        loss += s * (max + Math.log(sum) - (Z[o + yi] as number))
        for (let k = 0; k < K; k++) R[o + k] = s * ((R[o + k] as number) / sum - (k === yi ? 1 : 0))
      }
    }
    let reg = 0
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < p; j++) {
        const w = x[k * p + j] as number
        let gsum = 0
        if (sparse[j]) {
          const end = start[j + 1] as number
          for (let t = start[j] as number; t < end; t++)
            gsum += (value[t] as number) * (R[(rowIndex[t] as number) * K + k] as number)
        } else {
          const o = j * n
          for (let i = 0; i < n; i++) gsum += (data[o + i] as number) * (R[i * K + k] as number)
        }
        grad[k * p + j] = gsum + lambda * w
        reg += w * w
      }
      if (fitIntercept) {
        let gb = 0
        for (let i = 0; i < n; i++) gb += R[i * K + k] as number
        grad[K * p + k] = gb
      }
    }
    return loss + 0.5 * lambda * reg
  }
}
