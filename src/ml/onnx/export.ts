import { CairnError } from '../../core/index.js'
import type { Model } from '../bundle/index.js'
import { LinearModel } from '../linear/index.js'
import { MlpModel } from '../nn/index.js'
import type { TreeEnsemble } from '../trees/tree-ensemble.js'
import { exportLinear } from './export-linear.js'
import { exportMlp } from './export-mlp.js'
import { exportTrees, type TreeModelLike } from './export-trees.js'

/** A fitted GBDT as the tree exporter sees it (structural, so the exporter needs no GBDT internals). */
interface GbdtLike extends Model {
  ensemble: TreeEnsemble
  state: { objective: string; baseScore: number[] }
}

/** Random forests, extra trees and single trees: averaged leaf values. */
function isForest(m: Model): m is Model & { ensemble: TreeEnsemble } {
  return (
    ['random-forest', 'extra-trees', 'decision-tree'].includes(m.family) &&
    !!(m as Partial<GbdtLike>).ensemble
  )
}

function isGbdt(m: Model): m is GbdtLike {
  const x = m as Partial<GbdtLike>
  return m.family === 'gbdt' && !!x.ensemble && Array.isArray(x.state?.baseScore)
}

/**
 * Export a fitted model to ONNX bytes: MLPs, linear models, gradient-boosted trees and forests. The graph
 * takes one input per signature column (`[N, 1]`) and writes `variable` (regression) or `label`
 * and `probabilities` (classifiers); the Cairn signature travels in the model's metadata.
 */
export function exportOnnx(model: Model): Uint8Array {
  if (model instanceof MlpModel) return exportMlp(model)
  if (model instanceof LinearModel) return exportLinear(model)
  if (isGbdt(model)) {
    const obj = model.state.objective
    const like: TreeModelLike = {
      family: model.family,
      signature: model.signature,
      ensemble: model.ensemble,
      baseScore: model.state.baseScore,
      link:
        obj === 'binary'
          ? 'sigmoid'
          : obj === 'multiclass'
            ? 'softmax'
            : obj === 'poisson'
              ? 'exp'
              : 'identity',
    }
    return exportTrees(like)
  }
  if (isForest(model)) {
    return exportTrees({
      family: model.family,
      signature: model.signature,
      ensemble: model.ensemble,
      baseScore: [],
      link: model.signature.output.classes ? 'probabilities' : 'identity',
      scale: 1 / (model.ensemble.treeStart.length - 1),
    })
  }
  throw new CairnError(
    'CAIRN_NOT_IMPLEMENTED',
    `ONNX export is not available for the ${model.family} family`,
    {
      details: { family: model.family },
      hint: 'Exportable families: mlp, linear models, gbdt, random-forest, extra-trees, decision-tree',
    },
  )
}
