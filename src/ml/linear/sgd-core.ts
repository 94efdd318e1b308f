import type { FeatureMatrix, Rng } from '../matrix/index.js'

/** Per-sample losses SGD can minimise; `dloss` is the derivative with respect to the prediction. */
export type SgdLoss =
  | 'squared-error'
  | 'huber'
  | 'epsilon-insensitive'
  | 'squared-epsilon-insensitive'
  | 'hinge'
  | 'log-loss'
  | 'modified-huber'
  | 'squared-hinge'
  | 'perceptron'

export type LearningRate = 'constant' | 'optimal' | 'invscaling' | 'adaptive'

/** Everything the SGD loop needs to know. */
export interface SgdSettings {
  loss: SgdLoss
  penalty: 'l2' | 'l1' | 'elasticnet' | 'none'
  alpha: number
  l1Ratio: number
  fitIntercept: boolean
  epsilon: number
  learningRate: LearningRate
  eta0: number
  powerT: number
  /** Stop when the epoch loss has not improved by `tol` for `nIterNoChange` epochs; null never stops early. */
  tol: number | null
  nIterNoChange: number
  shuffle: boolean
}

/** Where a stream of updates stands: samples seen and the adaptive rate. */
export interface SgdClock {
  t: number
  eta: number
}

const MAX_DLOSS = 1e12

/** Loss and its derivative at prediction p for target y (±1 for classification losses). */
export function lossAndGradient(loss: SgdLoss, p: number, y: number, eps: number, out: Float64Array): void {
  let l = 0
  let d = 0
  switch (loss) {
    case 'squared-error': {
      const r = p - y
      l = 0.5 * r * r
      d = r
      break
    }
    case 'huber': {
      const r = p - y
      const a = Math.abs(r)
      if (a <= eps) {
        l = 0.5 * r * r
        d = r
      } else {
        l = eps * a - 0.5 * eps * eps
        d = r > 0 ? eps : -eps
      }
      break
    }
    case 'epsilon-insensitive': {
      const r = y - p
      l = Math.max(0, Math.abs(r) - eps)
      d = r > eps ? -1 : -r > eps ? 1 : 0
      break
    }
    case 'squared-epsilon-insensitive': {
      const r = y - p
      const e = Math.max(0, Math.abs(r) - eps)
      l = e * e
      d = r > eps ? -2 * (r - eps) : -r > eps ? 2 * (-r - eps) : 0
      break
    }
    case 'hinge': {
      const z = p * y
      if (z <= 1) {
        l = 1 - z
        d = -y
      }
      break
    }
    case 'perceptron': {
      const z = p * y
      if (z <= 0) {
        l = -z
        d = -y
      }
      break
    }
    case 'squared-hinge': {
      const z = 1 - p * y
      if (z > 0) {
        l = z * z
        d = -2 * y * z
      }
      break
    }
    case 'log-loss': {
      const z = p * y
      l = z > 18 ? Math.exp(-z) : z < -18 ? -z : Math.log1p(Math.exp(-z))
      d = z > 18 ? -y * Math.exp(-z) : z < -18 ? -y : -y / (Math.exp(z) + 1)
      break
    }
    case 'modified-huber': {
      const z = p * y
      if (z >= 1) {
        l = 0
      } else if (z >= -1) {
        l = (1 - z) * (1 - z)
        d = -2 * (1 - z) * y
      } else {
        l = -4 * z
        d = -4 * y
      }
      break
    }
  }
  out[0] = l
  out[1] = Math.min(MAX_DLOSS, Math.max(-MAX_DLOSS, d))
}

/** scikit-learn's `optimal` schedule offset (Léon Bottou's heuristic). */
export function optimalInit(s: SgdSettings): number {
  const buf = new Float64Array(2)
  const typw = Math.sqrt(1 / Math.sqrt(s.alpha))
  lossAndGradient(s.loss, -typw, 1, s.epsilon, buf)
  const initialEta0 = typw / Math.max(1, Math.abs(buf[1] as number))
  return 1 / (initialEta0 * s.alpha)
}

/** A row-major copy of a feature matrix (SGD reads one row at a time). */
export function rowMajor(X: FeatureMatrix): Float64Array {
  const { rows: n, cols: p, data } = X
  const out = new Float64Array(n * p)
  for (let j = 0; j < p; j++) for (let i = 0; i < n; i++) out[i * p + j] = data[j * n + i] as number
  return out
}

/**
 * Run SGD epochs on one output: `w` (p) and `bias` (1) are updated in place. Returns the epochs
 * run and whether the loss stopped improving (the convergence test). `clock` advances.
 */
export function sgdEpochs(
  rows: Float64Array,
  n: number,
  p: number,
  y: Float64Array,
  sw: Float64Array | undefined,
  w: Float64Array,
  bias: Float64Array,
  s: SgdSettings,
  clock: SgdClock,
  maxEpochs: number,
  rng: Rng,
  onEpoch?: (epoch: number) => void,
): { epochs: number; converged: boolean } {
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  const lg = new Float64Array(2)
  const l1 = s.penalty === 'l1' ? 1 : s.penalty === 'elasticnet' ? s.l1Ratio : 0
  const l2 = s.penalty === 'l2' ? 1 : s.penalty === 'elasticnet' ? 1 - s.l1Ratio : 0
  const q = l1 > 0 ? new Float64Array(p) : undefined
  let u = 0
  const init = s.learningRate === 'optimal' ? optimalInit(s) : 0
  let best = Number.POSITIVE_INFINITY
  let noImprovement = 0
  let epochs = 0
  let converged = false
  for (let epoch = 0; epoch < maxEpochs; epoch++) {
    if (s.shuffle) rng.shuffle(order)
    let sumLoss = 0
    for (let r = 0; r < n; r++) {
      const i = order[r] as number
      const o = i * p
      let pred = bias[0] as number
      for (let j = 0; j < p; j++) pred += (w[j] as number) * (rows[o + j] as number)
      const eta =
        s.learningRate === 'constant'
          ? s.eta0
          : s.learningRate === 'optimal'
            ? 1 / (s.alpha * (init + clock.t - 1))
            : s.learningRate === 'invscaling'
              ? s.eta0 / clock.t ** s.powerT
              : clock.eta
      lossAndGradient(s.loss, pred, y[i] as number, s.epsilon, lg)
      sumLoss += lg[0] as number
      const update = -eta * (lg[1] as number) * (sw ? (sw[i] as number) : 1)
      if (l2 > 0) {
        const shrink = Math.max(0, 1 - l2 * eta * s.alpha)
        for (let j = 0; j < p; j++) w[j] = (w[j] as number) * shrink
      }
      if (update !== 0) {
        for (let j = 0; j < p; j++) w[j] = (w[j] as number) + update * (rows[o + j] as number)
        if (s.fitIntercept) bias[0] = (bias[0] as number) + update
      }
      if (q) {
        // Cumulative L1 penalty with truncation (Tsuruoka et al., 2009).
        u += l1 * eta * s.alpha
        for (let j = 0; j < p; j++) {
          const z = w[j] as number
          if (z > 0) w[j] = Math.max(0, z - (u + (q[j] as number)))
          else if (z < 0) w[j] = Math.min(0, z + (u - (q[j] as number)))
          q[j] = (q[j] as number) + ((w[j] as number) - z)
        }
      }
      clock.t += 1
    }
    epochs = epoch + 1
    onEpoch?.(epochs)
    if (s.tol !== null) {
      if (sumLoss > best - s.tol * n) noImprovement++
      else noImprovement = 0
      if (sumLoss < best) best = sumLoss
      if (noImprovement >= s.nIterNoChange) {
        if (s.learningRate === 'adaptive' && clock.eta > 1e-6) {
          clock.eta /= 5
          noImprovement = 0
        } else {
          converged = true
          break
        }
      }
    }
  }
  return { epochs, converged }
}
