import { CairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import { type ModelFamily, registerFamily, type Signature } from '../bundle/index.js'
import type { Estimator, FitOptions } from '../estimator.js'
import { Rng } from '../nn/index.js'
import { registerEstimator } from '../pipeline/estimator-spec.js'
import { alsHalfStep, alsHalfStepCg } from './als.js'
import { indexInteractions, userItemLists } from './interactions.js'
import type { RecommenderColumns } from './popularity.js'
import { itemPopularity, Recommender, type RecommenderState, recommenderSignature } from './recommender.js'

/** Hyperparameters of implicit-feedback matrix factorisation. */
export type MatrixFactorizationParams = RecommenderColumns & {
  factors: number
  iterations: number
  /** L2 regularisation λ. */
  regularization: number
  /** Confidence scale α: c = 1 + α·weight. */
  alpha: number
  /** `cg` (a few conjugate-gradient steps per row, fast) or `cholesky` (exact solve per row). */
  solver: 'cg' | 'cholesky'
  /** Conjugate-gradient steps per row and half-iteration. */
  cgSteps: number
}

/** A fitted factorisation: score(u, i) = x_u · y_i. Unknown users fall back to popularity. */
export class MatrixFactorizationModel extends Recommender {
  readonly family = 'matrix-factorization'

  constructor(
    signature: Signature,
    state: RecommenderState & { factors: number; params: MatrixFactorizationParams },
    seenOffsets: Int32Array,
    seenItems: Int32Array,
    popularity: Float32Array,
    readonly userFactors: Float32Array,
    readonly itemFactors: Float32Array,
  ) {
    super(signature, state, seenOffsets, seenItems, popularity)
  }

  get factors(): number {
    return (this.state as RecommenderState & { factors: number }).factors
  }

  protected scoreUser(user: number, out: Float32Array): void {
    const f = this.factors
    const x = this.userFactors
    const y = this.itemFactors
    const o = user * f
    for (let i = 0; i < out.length; i++) {
      let s = 0
      const io = i * f
      for (let a = 0; a < f; a++) s += x[o + a]! * y[io + a]!
      out[i] = s
    }
  }
}

class MfEstimator implements Estimator<MatrixFactorizationModel> {
  readonly family = 'matrix-factorization'
  constructor(readonly params: MatrixFactorizationParams) {}
  with(params: Record<string, unknown>) {
    return new MfEstimator({ ...this.params, ...(params as Partial<MatrixFactorizationParams>) })
  }

  async fit(frame: Frame, options: Partial<FitOptions> = {}): Promise<MatrixFactorizationModel> {
    if (frame.rowCount === 0) throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'No interactions to train on')
    const p = this.params
    const ix = indexInteractions(frame, p)
    const nu = ix.userIds.length
    const ni = ix.itemIds.length
    const f = p.factors
    const byUser = csr(ix.users, ix.items, ix.weights, nu)
    const byItem = csr(ix.items, ix.users, ix.weights, ni)
    const rng = new Rng(options.seed ?? 0)
    const x = new Float32Array(nu * f)
    const y = new Float32Array(ni * f)
    for (let i = 0; i < y.length; i++) y[i] = rng.normal() * 0.01
    for (let it = 0; it < p.iterations; it++) {
      if (options.signal?.aborted) throw new CairnError('CAIRN_CANCELLED', 'Training was cancelled')
      if (p.solver === 'cholesky') {
        alsHalfStep(nu, byUser.offsets, byUser.cols, byUser.vals, y, f, p.regularization, p.alpha, x)
        alsHalfStep(ni, byItem.offsets, byItem.cols, byItem.vals, x, f, p.regularization, p.alpha, y)
      } else {
        alsHalfStepCg(
          nu,
          byUser.offsets,
          byUser.cols,
          byUser.vals,
          y,
          f,
          p.regularization,
          p.alpha,
          x,
          p.cgSteps,
        )
        alsHalfStepCg(
          ni,
          byItem.offsets,
          byItem.cols,
          byItem.vals,
          x,
          f,
          p.regularization,
          p.alpha,
          y,
          p.cgSteps,
        )
      }
      options.onProgress?.(it + 1, p.iterations)
    }
    const seen = userItemLists(ix.users, ix.items, nu)
    return new MatrixFactorizationModel(
      recommenderSignature(p.user, p.item),
      {
        userColumn: p.user,
        itemColumn: p.item,
        userIds: ix.userIds,
        itemIds: ix.itemIds,
        factors: f,
        params: p,
      },
      seen.offsets,
      seen.items,
      itemPopularity(ix.items, ni),
      x,
      y,
    )
  }
}

/** Sum duplicate (row, col) weights into CSR. */
function csr(rows: Int32Array, cols: Int32Array, w: Float32Array, n: number) {
  const maps: Map<number, number>[] = Array.from({ length: n }, () => new Map())
  for (let k = 0; k < rows.length; k++) {
    const m = maps[rows[k]!]!
    m.set(cols[k]!, (m.get(cols[k]!) ?? 0) + w[k]!)
  }
  const offsets = new Int32Array(n + 1)
  let nnz = 0
  maps.forEach((m, i) => {
    nnz += m.size
    offsets[i + 1] = nnz
  })
  const c = new Int32Array(nnz)
  const v = new Float32Array(nnz)
  let o = 0
  for (const m of maps) {
    for (const [k, val] of m) {
      c[o] = k
      v[o++] = val
    }
  }
  return { offsets, cols: c, vals: v }
}

/**
 * Implicit-feedback matrix factorisation by alternating least squares (family `matrix-factorization`).
 * Defaults: 32 factors, 15 iterations, λ = 0.1, α = 10, conjugate-gradient solver (3 steps).
 */
export function matrixFactorization(
  params: RecommenderColumns & Partial<MatrixFactorizationParams>,
): MfEstimator {
  return new MfEstimator({
    factors: 32,
    iterations: 15,
    regularization: 0.1,
    alpha: 10,
    solver: 'cg',
    cgSteps: 3,
    ...params,
  })
}

export const matrixFactorizationFamily: ModelFamily<MatrixFactorizationModel> = {
  name: 'matrix-factorization',
  save: (m) => ({
    hyperparameters: { ...(m.state as unknown as { params: Record<string, unknown> }).params },
    signature: m.signature,
    state: m.state,
    tensors: {
      seenOffsets: m.seenOffsets,
      seenItems: m.seenItems,
      popularity: m.popularity,
      userFactors: m.userFactors,
      itemFactors: m.itemFactors,
    },
  }),
  load: (p) =>
    new MatrixFactorizationModel(
      p.signature,
      p.state as RecommenderState & { factors: number; params: MatrixFactorizationParams },
      p.tensors.seenOffsets as Int32Array,
      p.tensors.seenItems as Int32Array,
      p.tensors.popularity as Float32Array,
      p.tensors.userFactors as Float32Array,
      p.tensors.itemFactors as Float32Array,
    ),
}
registerFamily(matrixFactorizationFamily)

registerEstimator('matrix-factorization', (p) => matrixFactorization(p as MatrixFactorizationParams))
