import type { FeatureMatrix } from '../matrix/index.js'
import { throwIfAborted } from '../pipeline/define-estimator.js'

/** Settings of the proximal-Newton coordinate-descent solver. */
export interface LogisticCdSettings {
  /** L1 strength on the mean-loss scale. */
  lambda1: number
  /** L2 strength on the mean-loss scale. */
  lambda2: number
  fitIntercept: boolean
  maxIter: number
  tol: number
  signal?: AbortSignal | undefined
  onIteration?: (iteration: number) => void
}

export interface LogisticCdResult {
  W: Float64Array
  b: Float64Array
  iterations: number
  converged: boolean
}

/**
 * L1 / elastic-net penalised logistic regression by proximal Newton with coordinate descent
 * (the glmnet / newGLMNET scheme): each outer step solves a weighted least-squares model of the
 * loss with the penalty by cyclic coordinate descent, then backtracks along that direction until
 * the true objective decreases enough. K = 1 is binary; K > 1 multinomial, one class block at a time.
 */
export function logisticCoordinateDescent(
  X: FeatureMatrix,
  y: Int32Array,
  K: number,
  sw: Float64Array,
  s: LogisticCdSettings,
): LogisticCdResult {
  const { rows: n, cols: p, data } = X
  let S = 0
  for (let i = 0; i < n; i++) S += sw[i] as number
  const wt = new Float64Array(n)
  for (let i = 0; i < n; i++) wt[i] = (sw[i] as number) / S
  const W = new Float64Array(K * p)
  const b = new Float64Array(K)
  const eta = new Float64Array(n * K)
  const g = new Float64Array(n)
  const v = new Float64Array(n)
  const q = new Float64Array(n)
  const delta = new Float64Array(p)
  const trial = new Float64Array(n)
  const colSq = new Float64Array(p)
  const innerTol = s.tol * 0.1
  let iterations = 0
  let converged = false

  // Smooth part of the objective when class block k's linear predictor is replaced by `etaK`.
  const smooth = (k: number, etaK: Float64Array | undefined): number => {
    let f = 0
    for (let i = 0; i < n; i++) {
      const o = i * K
      if (K === 1) {
        const z = etaK ? (etaK[i] as number) : (eta[i] as number)
        const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))
        f += (wt[i] as number) * (softplus - (y[i] as number) * z)
      } else {
        let max = Number.NEGATIVE_INFINITY
        for (let c = 0; c < K; c++) {
          const z = c === k && etaK ? (etaK[i] as number) : (eta[o + c] as number)
          if (z > max) max = z
        }
        let sum = 0
        for (let c = 0; c < K; c++) {
          const z = c === k && etaK ? (etaK[i] as number) : (eta[o + c] as number)
          sum += Math.exp(z - max)
        }
        const yi = y[i] as number
        const zy = yi === k && etaK ? (etaK[i] as number) : (eta[o + yi] as number)
        f += (wt[i] as number) * (max + Math.log(sum) - zy)
      }
    }
    return f
  }
  const penalty = (k: number, step: number): number => {
    let l1 = 0
    let l2 = 0
    for (let j = 0; j < p; j++) {
      const w = (W[k * p + j] as number) + step * (delta[j] as number)
      l1 += Math.abs(w)
      l2 += w * w
    }
    return s.lambda1 * l1 + 0.5 * s.lambda2 * l2
  }

  for (let iter = 0; iter < s.maxIter; iter++) {
    throwIfAborted(s.signal)
    iterations = iter + 1
    let maxChange = 0
    let maxW = 0
    const blocks = K === 1 ? 1 : K
    for (let k = 0; k < blocks; k++) {
      // Gradient and curvature of the loss with respect to this block's linear predictor.
      for (let i = 0; i < n; i++) {
        const o = i * K
        let pk: number
        if (K === 1) {
          const z = eta[i] as number
          pk = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))
          g[i] = (wt[i] as number) * (pk - (y[i] as number))
        } else {
          let max = Number.NEGATIVE_INFINITY
          for (let c = 0; c < K; c++) max = Math.max(max, eta[o + c] as number)
          let sum = 0
          for (let c = 0; c < K; c++) sum += Math.exp((eta[o + c] as number) - max)
          pk = Math.exp((eta[o + k] as number) - max) / sum
          g[i] = (wt[i] as number) * (pk - (y[i] === k ? 1 : 0))
        }
        v[i] = Math.max((wt[i] as number) * pk * (1 - pk), (wt[i] as number) * 1e-10)
        q[i] = 0
      }
      for (let j = 0; j < p; j++) {
        const o = j * n
        let a = 0
        for (let i = 0; i < n; i++) a += (v[i] as number) * (data[o + i] as number) ** 2
        colSq[j] = a
        delta[j] = 0
      }
      let deltaB = 0
      for (let inner = 0; inner < 100; inner++) {
        let innerMax = 0
        for (let j = 0; j < p; j++) {
          const a = colSq[j] as number
          if (a === 0 && s.lambda2 === 0) continue
          const o = j * n
          let c = 0
          for (let i = 0; i < n; i++)
            c += ((g[i] as number) + (v[i] as number) * (q[i] as number)) * (data[o + i] as number)
          const beta = (W[k * p + j] as number) + (delta[j] as number)
          const z = a * beta - c
          const next = (Math.sign(z) * Math.max(Math.abs(z) - s.lambda1, 0)) / (a + s.lambda2)
          const d = next - beta
          if (d !== 0) {
            delta[j] = (delta[j] as number) + d
            for (let i = 0; i < n; i++) q[i] = (q[i] as number) + d * (data[o + i] as number)
            innerMax = Math.max(innerMax, Math.abs(d))
          }
        }
        if (s.fitIntercept) {
          let a0 = 0
          let c0 = 0
          for (let i = 0; i < n; i++) {
            a0 += v[i] as number
            c0 += (g[i] as number) + (v[i] as number) * (q[i] as number)
          }
          const d = -c0 / a0
          deltaB += d
          for (let i = 0; i < n; i++) q[i] = (q[i] as number) + d
          innerMax = Math.max(innerMax, Math.abs(d))
        }
        if (innerMax <= innerTol) break
      }
      // Backtracking line search on the true objective (Tseng & Yun's sufficient decrease).
      let gq = 0
      let wd = 0
      for (let i = 0; i < n; i++) gq += (g[i] as number) * (q[i] as number)
      for (let j = 0; j < p; j++) wd += (W[k * p + j] as number) * (delta[j] as number)
      let l1Now = 0
      let l1Next = 0
      for (let j = 0; j < p; j++) {
        const w = W[k * p + j] as number
        l1Now += Math.abs(w)
        l1Next += Math.abs(w + (delta[j] as number))
      }
      const D = gq + s.lambda2 * wd + s.lambda1 * (l1Next - l1Now)
      if (!(D < 0)) continue
      const f0 = smooth(k, undefined) + penalty(k, 0)
      let step = 1
      let accepted = false
      for (let ls = 0; ls < 40; ls++) {
        for (let i = 0; i < n; i++) trial[i] = (eta[i * K + k] as number) + step * (q[i] as number)
        if (smooth(k, trial) + penalty(k, step) <= f0 + 0.01 * step * D) {
          accepted = true
          break
        }
        step *= 0.5
      }
      if (!accepted) continue
      for (let j = 0; j < p; j++) {
        const d = step * (delta[j] as number)
        W[k * p + j] = (W[k * p + j] as number) + d
        maxChange = Math.max(maxChange, Math.abs(d))
        maxW = Math.max(maxW, Math.abs(W[k * p + j] as number))
      }
      b[k] = (b[k] as number) + step * deltaB
      maxChange = Math.max(maxChange, Math.abs(step * deltaB))
      for (let i = 0; i < n; i++) eta[i * K + k] = (eta[i * K + k] as number) + step * (q[i] as number)
    }
    s.onIteration?.(iterations)
    if (maxChange <= s.tol * Math.max(1, maxW)) {
      converged = true
      break
    }
  }
  return { W, b, iterations, converged }
}
