import { CairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import type { Signature } from '../bundle/index.js'
import type { Estimator, FitOptions } from '../estimator.js'
import { registerEstimator } from '../pipeline/estimator-spec.js'
import { featureInputs } from './features.js'
import { ForestModel } from './forest-model.js'
import { type ForestKind, type ForestParams, resolveForestParams } from './forest-params.js'
import { trainForest } from './forest-train.js'
import { concatTrees } from './tree-ensemble.js'

/** Fits CART trees, random forests or extra trees (families `decision-tree`, `random-forest`, `extra-trees`). */
export class ForestEstimator implements Estimator<ForestModel> {
  readonly params: Readonly<ForestParams>

  constructor(
    readonly family: ForestKind,
    params: Partial<ForestParams> = {},
  ) {
    this.params = resolveForestParams(family, params as Partial<ForestParams> & Record<string, unknown>)
  }

  async fit(frame: Frame, options: FitOptions): Promise<ForestModel> {
    const p = this.params
    const t = await trainForest(frame, options, p)
    const width = t.classes ? t.classes.length : 1
    const ensemble = concatTrees(t.trees, {
      treeOutput: new Array(t.trees.length).fill(0),
      valueWidth: width,
      outputWidth: width,
      featureCount: t.features.length,
    })
    const signature: Signature = {
      inputs: featureInputs(t.features),
      output: {
        task: !t.classes ? 'regression' : t.classes.length === 2 ? 'binary' : 'multiclass',
        name: options.target,
        ...(t.classes ? { classes: t.classes } : {}),
      },
    }
    return new ForestModel(
      this.family,
      signature,
      ensemble,
      {
        featureCount: t.features.length,
        valueWidth: width,
        ...(t.oobScore !== undefined ? { oobScore: t.oobScore } : {}),
      },
      { ...p },
    )
  }

  with(params: Record<string, unknown>): ForestEstimator {
    return new ForestEstimator(this.family, { ...this.params, ...params })
  }
}

type ClassifierParams = Partial<Omit<ForestParams, 'criterion'>> & { criterion?: 'gini' | 'entropy' }
type RegressorParams = Partial<Omit<ForestParams, 'criterion' | 'classWeight'>>

function classifier(kind: ForestKind, params: ClassifierParams): ForestEstimator {
  if ((params.criterion as string | undefined) === 'squared_error') {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'A classifier splits on gini or entropy', {
      details: { param: 'criterion' },
    })
  }
  return new ForestEstimator(kind, { ...params, criterion: params.criterion ?? 'gini' })
}

function regressor(kind: ForestKind, params: RegressorParams): ForestEstimator {
  return new ForestEstimator(kind, { ...params, criterion: 'squared_error' })
}

/** A CART classification tree (Gini or entropy), like scikit-learn's DecisionTreeClassifier. */
export function decisionTreeClassifier(params: ClassifierParams = {}): ForestEstimator {
  return classifier('decision-tree', params)
}
/** A CART regression tree (squared error), like scikit-learn's DecisionTreeRegressor. */
export function decisionTreeRegressor(params: RegressorParams = {}): ForestEstimator {
  return regressor('decision-tree', params)
}
/** Bootstrapped CART trees on √features per split, grown on worker threads. */
export function randomForestClassifier(params: ClassifierParams = {}): ForestEstimator {
  return classifier('random-forest', params)
}
/** Bootstrapped regression trees averaged, grown on worker threads. */
export function randomForestRegressor(params: RegressorParams = {}): ForestEstimator {
  return regressor('random-forest', params)
}
/** Extremely randomised trees (random thresholds, no bootstrap by default). */
export function extraTreesClassifier(params: ClassifierParams = {}): ForestEstimator {
  return classifier('extra-trees', params)
}
/** Extremely randomised regression trees. */
export function extraTreesRegressor(params: RegressorParams = {}): ForestEstimator {
  return regressor('extra-trees', params)
}

for (const kind of ['decision-tree', 'random-forest', 'extra-trees'] as const)
  registerEstimator(kind, (p) => new ForestEstimator(kind, p as Partial<ForestParams>))
