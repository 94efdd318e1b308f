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
import { EnsemblePredictor } from './compiled-trees.js'
import { bindColumns, featuresFromInputs, fillRowBlock, RowReader, type TreeFeature } from './features.js'
import { type ForestKind, type ForestParams, resolveForestParams } from './forest-params.js'
import {
  ensembleFromTensors,
  ensembleImportances,
  ensembleTensors,
  type TreeEnsemble,
  treeCount,
} from './tree-ensemble.js'

const BLOCK = 256

/** What a fitted tree model remembers besides its trees. */
export interface ForestState {
  /** Out-of-bag score (accuracy or R²) when it was computed. */
  oobScore?: number
  featureCount: number
  /** Values per leaf: classes, or 1 for regression. */
  valueWidth: number
}

/**
 * A fitted CART tree, random forest or extra-trees ensemble. Classifiers average the trees'
 * class probabilities (as scikit-learn does); regressors average their values.
 */
export class ForestModel implements Model {
  readonly features: TreeFeature[]
  private predictor: EnsemblePredictor | null = null

  constructor(
    readonly family: ForestKind,
    readonly signature: Signature,
    readonly ensemble: TreeEnsemble,
    readonly state: ForestState,
    readonly params: ForestParams,
  ) {
    this.features = featuresFromInputs(signature.inputs)
  }

  get classes(): string[] | undefined {
    return this.signature.output.classes
  }

  private compiledPredictor(): EnsemblePredictor {
    this.predictor ??= new EnsemblePredictor(this.ensemble)
    return this.predictor
  }

  get treeCount(): number {
    return treeCount(this.ensemble)
  }

  /** Averaged leaf values: `rowCount × valueWidth`, row-major. */
  predictValues(frame: Frame): Float64Array {
    const bound = bindColumns(frame, this.features)
    const n = frame.rowCount
    const W = this.state.valueWidth
    const F = this.features.length
    const out = new Float64Array(n * W)
    const x = new Float64Array(BLOCK * F)
    const block = new Float64Array(BLOCK * W)
    const scale = 1 / this.treeCount
    const predictor = this.compiledPredictor()
    for (let r0 = 0; r0 < n; r0 += BLOCK) {
      const rows = Math.min(BLOCK, n - r0)
      fillRowBlock(bound, r0, r0 + rows, x)
      block.fill(0)
      predictor.block(x, rows, block)
      for (let i = 0; i < rows * W; i++) out[r0 * W + i] = (block[i] as number) * scale
    }
    return out
  }

  predict(frame: Frame): PredictionResult {
    const values = this.predictValues(frame)
    const classes = this.classes
    if (!classes) return { values }
    const K = classes.length
    const n = frame.rowCount
    const idx = new Float64Array(n)
    for (let r = 0; r < n; r++) {
      let arg = 0
      for (let k = 1; k < K; k++) if ((values[r * K + k] as number) > (values[r * K + arg] as number)) arg = k
      idx[r] = arg
    }
    return { values: idx, classes: [...classes], probabilities: values }
  }

  /** Class probabilities (`rowCount × classes`); classifiers only. */
  predictProba(frame: Frame): Float64Array {
    if (!this.classes)
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'A regression tree has no class probabilities')
    return this.predictValues(frame)
  }

  rowPredictor(): RowPredictor {
    const reader = new RowReader(this.features)
    const x = new Float64Array(this.features.length)
    const W = this.state.valueWidth
    const acc = new Float64Array(W)
    const e = this.compiledPredictor()
    const scale = 1 / this.treeCount
    const classes = this.classes
    const out: RowPrediction = { value: 0 }
    if (classes) {
      out.probabilities = acc
      out.label = ''
      return {
        predict(row) {
          reader.read(row, x)
          acc.fill(0)
          e.row(x, 0, acc, 0)
          let arg = 0
          for (let k = 0; k < W; k++) {
            acc[k] = (acc[k] as number) * scale
            if ((acc[k] as number) > (acc[arg] as number)) arg = k
          }
          out.value = arg
          out.label = classes[arg] as string
          return out
        },
      }
    }
    return {
      predict(row) {
        reader.read(row, x)
        acc[0] = 0
        e.row(x, 0, acc, 0)
        out.value = (acc[0] as number) * scale
        return out
      },
    }
  }

  /** Mean decrease in impurity per feature, normalised to sum 1 (scikit-learn's `feature_importances_`), or split counts. */
  featureImportances(kind: 'gain' | 'split' = 'gain'): Record<string, number> {
    const out: Record<string, number> = {}
    if (kind === 'split') {
      const { split } = ensembleImportances(this.ensemble)
      this.features.forEach((f, j) => {
        out[f.name] = split[j] as number
      })
      return out
    }
    // Normalise per tree first, then average, as scikit-learn does.
    const total = new Float64Array(this.features.length)
    const e = this.ensemble
    for (let t = 0; t < this.treeCount; t++) {
      const per = new Float64Array(this.features.length)
      let s = 0
      for (let p = e.treeStart[t] as number; p < (e.treeStart[t + 1] as number); p++) {
        const f = e.feature[p] as number
        if (f < 0) continue
        per[f] = (per[f] as number) + (e.gain[p] as number)
        s += e.gain[p] as number
      }
      if (s > 0) for (let j = 0; j < per.length; j++) total[j] = (total[j] as number) + (per[j] as number) / s
    }
    let sum = 0
    for (const v of total) sum += v
    this.features.forEach((f, j) => {
      out[f.name] = sum > 0 ? (total[j] as number) / sum : 0
    })
    return out
  }
}

function forestFamily(kind: ForestKind): ModelFamily<ForestModel> {
  return {
    name: kind,
    save(m) {
      return {
        hyperparameters: { ...m.params },
        signature: m.signature,
        state: m.state,
        tensors: ensembleTensors(m.ensemble),
      }
    },
    load(parts) {
      const s = parts.state as Partial<ForestState> | null
      if (
        !s ||
        typeof s.featureCount !== 'number' ||
        typeof s.valueWidth !== 'number' ||
        !Number.isInteger(s.valueWidth) ||
        s.valueWidth < 1 ||
        s.featureCount !== parts.signature.inputs.length
      ) {
        throw new CairnError('CAIRN_BUNDLE_INVALID', `The ${kind} bundle state is malformed`)
      }
      const classes = parts.signature.output.classes
      if (classes && classes.length !== s.valueWidth) {
        throw new CairnError('CAIRN_BUNDLE_INVALID', `The ${kind} bundle's classes do not match its leaves`)
      }
      const params = resolveForestParams(
        kind,
        parts.hyperparameters as Partial<ForestParams> & Record<string, unknown>,
      )
      const ensemble = ensembleFromTensors(parts.tensors, {
        valueWidth: s.valueWidth,
        outputWidth: s.valueWidth,
        featureCount: s.featureCount,
      })
      return new ForestModel(kind, parts.signature, ensemble, s as ForestState, params)
    },
  }
}

/** Families for single trees, random forests and extra trees. */
export const decisionTreeFamily = forestFamily('decision-tree')
export const randomForestFamily = forestFamily('random-forest')
export const extraTreesFamily = forestFamily('extra-trees')

registerFamily(decisionTreeFamily)
registerFamily(randomForestFamily)
registerFamily(extraTreesFamily)
