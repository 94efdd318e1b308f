import { CairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import type {
  Model,
  ModelFamily,
  PredictionResult,
  RowPrediction,
  RowPredictor,
  Signature,
} from '../bundle/index.js'
import { registerFamily } from '../bundle/index.js'
import { EnsemblePredictor } from '../trees/compiled-trees.js'
import {
  bindColumns,
  featuresFromInputs,
  fillRowBlock,
  RowReader,
  type TreeFeature,
} from '../trees/features.js'
import {
  ensembleFromTensors,
  ensembleImportances,
  ensembleTensors,
  type TreeEnsemble,
  treeCount,
} from '../trees/tree-ensemble.js'
import { type GbdtObjective, type GbdtParams, resolveGbdtParams } from './params.js'

const BLOCK = 256

/** What a fitted booster remembers besides its trees. */
export interface GbdtState {
  objective: GbdtObjective
  baseScore: number[]
  /** Boosting rounds kept. */
  rounds: number
  /** Validation metric per round, when validation rows were given. */
  validation: number[]
  /** Name of that metric (rmse, logloss, …). */
  validationMetric: string
  outputWidth: number
  featureCount: number
}

/** A fitted gradient-boosted tree ensemble (family `gbdt`). */
export class GbdtModel implements Model {
  readonly family = 'gbdt'
  readonly features: TreeFeature[]
  private predictor: EnsemblePredictor | null = null

  constructor(
    readonly signature: Signature,
    readonly ensemble: TreeEnsemble,
    readonly state: GbdtState,
    readonly params: GbdtParams,
  ) {
    this.features = featuresFromInputs(signature.inputs)
  }

  private compiledPredictor(): EnsemblePredictor {
    this.predictor ??= new EnsemblePredictor(this.ensemble)
    return this.predictor
  }

  /** Class labels (classifiers). */
  get classes(): string[] | undefined {
    return this.signature.output.classes
  }

  /** Raw scores (margins): `rowCount × outputs`, row-major. */
  predictRaw(frame: Frame): Float64Array {
    const bound = bindColumns(frame, this.features)
    const n = frame.rowCount
    const K = this.state.outputWidth
    const F = this.features.length
    const out = new Float64Array(n * K)
    const x = new Float64Array(BLOCK * F)
    const block = new Float64Array(BLOCK * K)
    const base = this.state.baseScore
    const predictor = this.compiledPredictor()
    for (let r0 = 0; r0 < n; r0 += BLOCK) {
      const rows = Math.min(BLOCK, n - r0)
      fillRowBlock(bound, r0, r0 + rows, x)
      for (let r = 0; r < rows; r++) for (let k = 0; k < K; k++) block[r * K + k] = base[k] as number
      predictor.block(x, rows, block)
      out.set(block.subarray(0, rows * K), r0 * K)
    }
    return out
  }

  predict(frame: Frame): PredictionResult {
    const raw = this.predictRaw(frame)
    const n = frame.rowCount
    const obj = this.state.objective
    if (obj === 'binary') {
      const probabilities = new Float64Array(2 * n)
      const values = new Float64Array(n)
      for (let r = 0; r < n; r++) {
        const p = sigmoid(raw[r] as number)
        probabilities[2 * r] = 1 - p
        probabilities[2 * r + 1] = p
        values[r] = p >= 0.5 ? 1 : 0
      }
      return { values, classes: [...(this.classes ?? [])], probabilities }
    }
    if (obj === 'multiclass') {
      const K = this.state.outputWidth
      const values = new Float64Array(n)
      for (let r = 0; r < n; r++) values[r] = softmaxInPlace(raw, r * K, K)
      return { values, classes: [...(this.classes ?? [])], probabilities: raw }
    }
    if (obj === 'poisson') for (let r = 0; r < n; r++) raw[r] = Math.exp(raw[r] as number)
    return { values: raw }
  }

  /** Class probabilities, `rowCount × classes` row-major (classifiers only). */
  predictProba(frame: Frame): Float64Array {
    const res = this.predict(frame)
    if (!res.probabilities) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `A ${this.state.objective} booster has no class probabilities`,
      )
    }
    return res.probabilities
  }

  rowPredictor(): RowPredictor {
    const reader = new RowReader(this.features)
    const x = new Float64Array(this.features.length)
    const K = this.state.outputWidth
    const raw = new Float64Array(K)
    const base = Float64Array.from(this.state.baseScore)
    const e = this.compiledPredictor()
    const obj = this.state.objective
    const classes = this.classes ?? []
    const out: RowPrediction = { value: 0 }
    if (obj === 'binary' || obj === 'multiclass') {
      const probs = new Float64Array(Math.max(2, K))
      out.probabilities = probs
      out.label = ''
      return {
        predict(row) {
          reader.read(row, x)
          raw.set(base)
          e.row(x, 0, raw, 0)
          let k: number
          if (obj === 'binary') {
            const p = sigmoid(raw[0] as number)
            probs[0] = 1 - p
            probs[1] = p
            k = p >= 0.5 ? 1 : 0
          } else {
            probs.set(raw)
            k = softmaxInPlace(probs, 0, K)
          }
          out.value = k
          out.label = classes[k] as string
          return out
        },
      }
    }
    const exp = obj === 'poisson'
    return {
      predict(row) {
        reader.read(row, x)
        raw[0] = base[0] as number
        e.row(x, 0, raw, 0)
        out.value = exp ? Math.exp(raw[0] as number) : (raw[0] as number)
        return out
      },
    }
  }

  /** Importance per feature: `gain` (total loss reduction, normalised to sum 1) or `split` (split counts). */
  featureImportances(kind: 'gain' | 'split' = 'gain'): Record<string, number> {
    const imp = ensembleImportances(this.ensemble)
    const v = kind === 'gain' ? imp.gain : imp.split
    let total = 0
    for (const x of v) total += x
    const out: Record<string, number> = {}
    this.features.forEach((f, j) => {
      out[f.name] = kind === 'gain' ? (total > 0 ? (v[j] as number) / total : 0) : (v[j] as number)
    })
    return out
  }

  /** Number of trees (rounds × outputs). */
  get treeCount(): number {
    return treeCount(this.ensemble)
  }
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z))
}

/** Softmax of `a[o..o+K)` in place; returns the arg-max. */
function softmaxInPlace(a: Float64Array, o: number, K: number): number {
  let max = Number.NEGATIVE_INFINITY
  let arg = 0
  for (let k = 0; k < K; k++) {
    const v = a[o + k] as number
    if (v > max) {
      max = v
      arg = k
    }
  }
  let sum = 0
  for (let k = 0; k < K; k++) {
    const e = Math.exp((a[o + k] as number) - max)
    a[o + k] = e
    sum += e
  }
  for (let k = 0; k < K; k++) a[o + k] = (a[o + k] as number) / sum
  return arg
}

function checkState(state: unknown): GbdtState {
  const s = state as Partial<GbdtState> | null
  const ok =
    s !== null &&
    typeof s === 'object' &&
    typeof s.objective === 'string' &&
    Array.isArray(s.baseScore) &&
    s.baseScore.every((x) => typeof x === 'number') &&
    typeof s.outputWidth === 'number' &&
    Number.isInteger(s.outputWidth) &&
    s.outputWidth >= 1 &&
    s.baseScore.length === s.outputWidth &&
    typeof s.featureCount === 'number' &&
    typeof s.rounds === 'number' &&
    Array.isArray(s.validation)
  if (!ok) throw new CairnError('CAIRN_BUNDLE_INVALID', 'The gbdt bundle state is malformed')
  return s as GbdtState
}

/** Saves and loads `gbdt` models. */
export const gbdtFamily: ModelFamily<GbdtModel> = {
  name: 'gbdt',
  save(m) {
    return {
      hyperparameters: { ...m.params },
      signature: m.signature,
      state: m.state,
      tensors: ensembleTensors(m.ensemble),
    }
  },
  load(parts) {
    const state = checkState(parts.state)
    const params = resolveGbdtParams(parts.hyperparameters as Partial<GbdtParams> & Record<string, unknown>)
    if (state.featureCount !== parts.signature.inputs.length) {
      throw new CairnError(
        'CAIRN_BUNDLE_INVALID',
        'The gbdt bundle has a different feature count than its signature',
      )
    }
    const ensemble = ensembleFromTensors(parts.tensors, {
      valueWidth: 1,
      outputWidth: state.outputWidth,
      featureCount: state.featureCount,
    })
    return new GbdtModel(parts.signature, ensemble, state, params)
  },
}

registerFamily(gbdtFamily)
