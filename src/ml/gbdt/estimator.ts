import type { Frame } from '../../data/index.js'
import type { Signature } from '../bundle/index.js'
import type { Estimator, FitOptions } from '../estimator.js'
import { registerEstimator } from '../pipeline/estimator-spec.js'
import { featureInputs } from '../trees/features.js'
import { concatTrees } from '../trees/tree-ensemble.js'
import { GbdtModel } from './model.js'
import { lossNames } from './objectives.js'
import { type GbdtParams, resolveGbdtParams } from './params.js'
import { trainGbdt } from './train.js'

/**
 * Histogram gradient boosting (family `gbdt`): XGBoost `hist`/LightGBM-style trees on binned
 * features, native missing values and categories, trained on worker threads.
 *
 * ```ts
 * const model = await gradientBoosting({ objective: 'binary', nEstimators: 200 })
 *   .fit(frame, { target: 'churned', validation, seed: 7, threads: 2 })
 * ```
 */
export class GbdtEstimator implements Estimator<GbdtModel> {
  readonly family = 'gbdt'
  readonly params: Readonly<GbdtParams>

  constructor(params: Partial<GbdtParams> = {}) {
    this.params = resolveGbdtParams(params as Partial<GbdtParams> & Record<string, unknown>)
  }

  async fit(frame: Frame, options: FitOptions): Promise<GbdtModel> {
    const p = this.params
    const t = await trainGbdt(frame, options, p)
    const K = p.objective === 'multiclass' ? (t.classes as string[]).length : 1
    const ensemble = concatTrees(t.result.trees, {
      treeOutput: t.result.treeOutput,
      valueWidth: 1,
      outputWidth: K,
      featureCount: t.features.length,
    })
    const task =
      p.objective === 'binary' ? 'binary' : p.objective === 'multiclass' ? 'multiclass' : 'regression'
    const signature: Signature = {
      inputs: featureInputs(t.features),
      output: { task, name: options.target, ...(t.classes ? { classes: t.classes } : {}) },
    }
    return new GbdtModel(
      signature,
      ensemble,
      {
        objective: p.objective,
        baseScore: t.result.baseScore,
        rounds: t.result.rounds,
        validation: t.result.validation,
        validationMetric: lossNames[p.objective],
        outputWidth: K,
        featureCount: t.features.length,
      },
      { ...p },
    )
  }

  with(params: Record<string, unknown>): GbdtEstimator {
    return new GbdtEstimator({ ...this.params, ...params })
  }
}

/** A gradient boosting estimator with these hyperparameters (defaults: 100 rounds, depth 6, η 0.1). */
export function gradientBoosting(params: Partial<GbdtParams> = {}): GbdtEstimator {
  return new GbdtEstimator(params)
}

registerEstimator('gbdt', (p) => gradientBoosting(p as Partial<GbdtParams>))
