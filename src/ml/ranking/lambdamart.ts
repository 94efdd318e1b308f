import { CairnError } from '../../core/index.js'
import { type Frame, getColumn, isNumericColumn, makeFrame, numericColumn } from '../../data/index.js'
import {
  type Model,
  type ModelFamily,
  type PredictionResult,
  type RowPredictor,
  registerFamily,
  type Signature,
} from '../bundle/index.js'
import type { Estimator, FitOptions } from '../estimator.js'
import { type GbdtModel, gradientBoosting } from '../gbdt/index.js'
import { registerEstimator } from '../pipeline/estimator-spec.js'
import {
  bindColumns,
  featuresFromInputs,
  fillRowBlock,
  RowReader,
  type TreeFeature,
} from '../trees/features.js'
import {
  accumulateBlock,
  accumulateRow,
  concatTrees,
  ensembleFromTensors,
  ensembleTensors,
  type TreeEnsemble,
} from '../trees/tree-ensemble.js'
import { idValues } from './interactions.js'
import { groupedNdcg } from './metrics.js'

/** Hyperparameters of LambdaMART. */
export type LambdaMartParams = {
  /** The column naming each row's query (rows of a query are ranked against each other). */
  query: string
  nEstimators: number
  learningRate: number
  maxDepth: number
  /** Sigmoid steepness σ of the pairwise RankNet term. */
  sigma: number
  /** NDCG truncation used for the |ΔNDCG| weights (0 = the whole list). */
  ndcgAt: number
}

export const defaultLambdaMartParams: Omit<LambdaMartParams, 'query'> = {
  nEstimators: 100,
  learningRate: 0.1,
  maxDepth: 5,
  sigma: 1,
  ndcgAt: 10,
}

/** Group rows by query: `order` lists row indexes query by query, `starts` the offsets. */
function groupRows(queries: string[]): { order: Int32Array; starts: Int32Array } {
  const byQuery = new Map<string, number[]>()
  queries.forEach((q, i) => {
    let l = byQuery.get(q)
    if (!l) byQuery.set(q, (l = []))
    l.push(i)
  })
  const order = new Int32Array(queries.length)
  const starts = new Int32Array(byQuery.size + 1)
  let o = 0
  let g = 0
  for (const rows of byQuery.values()) {
    for (const r of rows) order[o++] = r
    starts[++g] = o
  }
  return { order, starts }
}

/**
 * LambdaMART gradients and Hessians for the current scores: for each pair of documents with
 * different labels in a query, the RankNet gradient weighted by |ΔNDCG| of swapping them.
 */
export function lambdaGradients(
  scores: Float64Array,
  labels: Float64Array,
  groups: { order: Int32Array; starts: Int32Array },
  sigma: number,
  truncation: number,
  grad: Float64Array,
  hess: Float64Array,
): void {
  grad.fill(0)
  hess.fill(0)
  for (let g = 0; g + 1 < groups.starts.length; g++) {
    const rows = Array.from(groups.order.subarray(groups.starts[g]!, groups.starts[g + 1]!))
    const n = rows.length
    if (n < 2) continue
    const k = truncation > 0 ? Math.min(truncation, n) : n
    const ideal = [...rows].sort((a, b) => labels[b]! - labels[a]!)
    let idcg = 0
    for (let i = 0; i < k; i++) idcg += (2 ** labels[ideal[i]!]! - 1) / Math.log2(i + 2)
    if (idcg === 0) continue
    const ranked = [...rows].sort((a, b) => scores[b]! - scores[a]!)
    const rank = new Map(ranked.map((r, i) => [r, i]))
    for (let a = 0; a < n; a++) {
      const i = rows[a]!
      for (let b = 0; b < n; b++) {
        const j = rows[b]!
        if (labels[i]! <= labels[j]!) continue
        const ri = rank.get(i)!
        const rj = rank.get(j)!
        if (ri >= k && rj >= k) continue
        const di = ri < k ? 1 / Math.log2(ri + 2) : 0
        const dj = rj < k ? 1 / Math.log2(rj + 2) : 0
        const delta = Math.abs((2 ** labels[i]! - 2 ** labels[j]!) * (di - dj)) / idcg || 1e-12
        const rho = 1 / (1 + Math.exp(sigma * (scores[i]! - scores[j]!)))
        const l = sigma * rho * delta
        const h = sigma * sigma * rho * (1 - rho) * delta
        grad[i] = grad[i]! - l
        grad[j] = grad[j]! + l
        hess[i] = hess[i]! + h
        hess[j] = hess[j]! + h
      }
    }
  }
}

/** A fitted LambdaMART ranker (family `lambdamart`): summed tree scores, higher is more relevant. */
export class LambdaMartModel implements Model {
  readonly family = 'lambdamart'
  readonly features: TreeFeature[]

  constructor(
    readonly signature: Signature,
    readonly params: LambdaMartParams,
    readonly ensemble: TreeEnsemble,
    readonly base: number,
    /** Training NDCG@ndcgAt after each round. */
    readonly history: number[],
  ) {
    this.features = featuresFromInputs(signature.inputs)
  }

  predict(frame: Frame): PredictionResult {
    const bound = bindColumns(frame, this.features)
    const n = frame.rowCount
    const F = this.features.length
    const values = new Float64Array(n).fill(this.base)
    const BLOCK = 256
    const x = new Float64Array(BLOCK * F)
    const out = new Float64Array(BLOCK)
    for (let r0 = 0; r0 < n; r0 += BLOCK) {
      const rows = Math.min(BLOCK, n - r0)
      fillRowBlock(bound, r0, r0 + rows, x)
      out.fill(this.base)
      accumulateBlock(this.ensemble, x, rows, out)
      values.set(out.subarray(0, rows), r0)
    }
    return { values }
  }

  rowPredictor(): RowPredictor {
    const reader = new RowReader(this.features)
    const x = new Float64Array(this.features.length)
    const raw = new Float64Array(1)
    const out = { value: 0 }
    return {
      predict: (row) => {
        reader.read(row, x)
        raw[0] = this.base
        accumulateRow(this.ensemble, x, raw)
        out.value = raw[0]!
        return out
      },
    }
  }
}

class LambdaMartEstimator implements Estimator<LambdaMartModel> {
  readonly family = 'lambdamart'
  constructor(readonly params: LambdaMartParams) {}
  with(params: Record<string, unknown>) {
    return new LambdaMartEstimator({ ...this.params, ...(params as Partial<LambdaMartParams>) })
  }

  /**
   * Boost with LambdaMART gradients. Each round fits one tree with Cairn's GBDT as a Newton step
   * (weighted least squares on −g/h with weights h gives leaf values −Σg/Σh).
   */
  async fit(frame: Frame, options: FitOptions): Promise<LambdaMartModel> {
    if (frame.rowCount === 0) throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'No rows to rank')
    const p = this.params
    const features =
      options.features ??
      frame.columns
        .map((c) => c.name)
        .filter((n) => n !== options.target && n !== p.query && n !== options.weight)
    const labelCol = getColumn(frame, options.target)
    if (!isNumericColumn(labelCol)) {
      throw new CairnError(
        'CAIRN_FEATURE_MISMATCH',
        `Relevance labels "${options.target}" must be numeric grades (0, 1, 2, …)`,
      )
    }
    const labels = labelCol.values
    const groups = groupRows(idValues(frame, p.query))
    const n = frame.rowCount
    const scores = new Float64Array(n)
    const grad = new Float64Array(n)
    const hess = new Float64Array(n)
    const target = new Float64Array(n)
    const weight = new Float64Array(n)
    const base = frame.columns.filter((c) => features.includes(c.name))
    const trees: TreeEnsemble[] = []
    let total = 0
    const history: number[] = []
    const sizes = Int32Array.from(
      { length: groups.starts.length - 1 },
      (_, g) => groups.starts[g + 1]! - groups.starts[g]!,
    )
    const orderedLabels = Float64Array.from(groups.order, (r) => labels[r]!)
    let signature: Signature | undefined
    for (let round = 0; round < p.nEstimators; round++) {
      if (options.signal?.aborted) throw new CairnError('CAIRN_CANCELLED', 'Training was cancelled')
      lambdaGradients(scores, labels, groups, p.sigma, p.ndcgAt, grad, hess)
      for (let i = 0; i < n; i++) {
        const h = hess[i]! + 1e-9
        target[i] = -grad[i]! / h
        weight[i] = h
      }
      const roundFrame = makeFrame([
        ...base,
        numericColumn('__lambda', target),
        numericColumn('__hessian', weight),
      ])
      const tree = (await gradientBoosting({
        objective: 'squared_error',
        nEstimators: 1,
        learningRate: p.learningRate,
        maxDepth: p.maxDepth,
        minChildWeight: 1e-9,
      }).fit(roundFrame, {
        target: '__lambda',
        weight: '__hessian',
        features,
        threads: 1,
        seed: (options.seed ?? 0) + round,
      })) as GbdtModel
      signature ??= { inputs: tree.signature.inputs, output: { task: 'ranking', name: options.target } }
      const s = tree.predictRaw(roundFrame)
      for (let i = 0; i < n; i++) scores[i] = scores[i]! + s[i]!
      total += tree.state.baseScore[0] ?? 0
      trees.push(tree.ensemble)
      const ordered = Float64Array.from(groups.order, (r) => scores[r]!)
      const ndcg = groupedNdcg(ordered, orderedLabels, sizes, p.ndcgAt || 10)
      history.push(ndcg)
      options.onProgress?.(round + 1, p.nEstimators, { ndcg })
    }
    const ensemble = concatTrees(trees, {
      treeOutput: new Int32Array(trees.length),
      valueWidth: 1,
      outputWidth: 1,
      featureCount: features.length,
    })
    return new LambdaMartModel(signature!, p, ensemble, total, history)
  }
}

/** LambdaMART (Burges 2010) on Cairn's gradient-boosted trees (family `lambdamart`). */
export function lambdaMart(
  params: Pick<LambdaMartParams, 'query'> & Partial<LambdaMartParams>,
): LambdaMartEstimator {
  return new LambdaMartEstimator({ ...defaultLambdaMartParams, ...params })
}

export const lambdaMartFamily: ModelFamily<LambdaMartModel> = {
  name: 'lambdamart',
  save: (m) => ({
    hyperparameters: { ...m.params },
    signature: m.signature,
    state: {
      base: m.base,
      history: m.history,
      shape: { valueWidth: 1, outputWidth: 1, featureCount: m.features.length },
    },
    tensors: ensembleTensors(m.ensemble),
  }),
  load: (parts) => {
    const s = parts.state as {
      base: number
      history: number[]
      shape: { valueWidth: number; outputWidth: number; featureCount: number }
    }
    return new LambdaMartModel(
      parts.signature,
      {
        ...defaultLambdaMartParams,
        ...(parts.hyperparameters as Partial<LambdaMartParams>),
      } as LambdaMartParams,
      ensembleFromTensors(parts.tensors, s.shape),
      s.base,
      s.history,
    )
  },
}
registerFamily(lambdaMartFamily)
registerEstimator('lambdamart', (p) => lambdaMart(p as LambdaMartParams))
