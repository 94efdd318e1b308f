import { CairnError } from '../../core/index.js'
import type { Signature } from '../bundle/index.js'
import { CATEGORICAL, MISSING_LEFT, type TreeEnsemble } from '../trees/tree-ensemble.js'
import { binaryProbabilities, classifierOutputs, exportMetadata, type OnnxOutputs } from './export-common.js'
import { attr, ElemType, GraphBuilder } from './graph-builder.js'

/** What the tree exporter needs from a boosted or bagged tree model. */
export interface TreeModelLike {
  family: string
  signature: Signature
  ensemble: TreeEnsemble
  /** Added to the raw scores (GBDT's initial prediction; zeros for forests). */
  baseScore: readonly number[]
  /** How raw scores become predictions (`probabilities`: the scores already are class probabilities). */
  link: 'identity' | 'exp' | 'sigmoid' | 'softmax' | 'normalize' | 'probabilities'
  /** Multiplies every leaf value (forests: 1 / tree count, to average). */
  scale?: number
}

/**
 * A tree ensemble as an ai.onnx.ml TreeEnsembleRegressor (raw scores, double-precision thresholds
 * and inputs so splits agree exactly with Cairn) followed by the model's link. Numeric inputs are
 * double `[N,1]`; categorical inputs are strings mapped to category indexes by a LabelEncoder
 * (unseen → NaN, i.e. missing). Categorical (set-membership) splits are not exported.
 */
export function exportTrees(model: TreeModelLike): Uint8Array {
  const e = model.ensemble
  const g = new GraphBuilder()
  const cols = model.signature.inputs.map((s) => {
    if (s.type === 'category') {
      const x = g.input(s.name, ElemType.STRING, ['N', 1])
      const cats = s.categories ?? []
      const idx = g.op(
        'LabelEncoder',
        [x],
        {
          keys_strings: attr.strings(cats),
          values_floats: attr.floats(cats.map((_, i) => i)),
          default_float: attr.f(Number.NaN),
        },
        'ai.onnx.ml',
      )
      return g.op('Cast', [idx], { to: attr.i(ElemType.DOUBLE) })
    }
    if (s.type === 'string' || s.type === 'text') {
      throw new CairnError(
        'CAIRN_NOT_IMPLEMENTED',
        `ONNX export of free-text input "${s.name}" is not supported`,
      )
    }
    return g.input(s.name, ElemType.DOUBLE, ['N', 1])
  })
  const x = cols.length === 1 ? cols[0]! : g.op('Concat', cols, { axis: attr.i(1) })
  const trees = e.treeStart.length - 1
  const n = {
    tree: [] as number[],
    node: [] as number[],
    feature: [] as number[],
    mode: [] as string[],
    value: [] as number[],
    t: [] as number[],
    f: [] as number[],
    miss: [] as number[],
  }
  const tg = { tree: [] as number[], node: [] as number[], id: [] as number[], w: [] as number[] }
  for (let t = 0; t < trees; t++) {
    const root = e.treeStart[t]!
    for (let node = root; node < e.treeStart[t + 1]!; node++) {
      const local = node - root
      const f = e.feature[node]!
      n.tree.push(t)
      n.node.push(local)
      if (f < 0) {
        n.feature.push(0)
        n.mode.push('LEAF')
        n.value.push(0)
        n.t.push(0)
        n.f.push(0)
        n.miss.push(0)
        for (let k = 0; k < e.valueWidth; k++) {
          tg.tree.push(t)
          tg.node.push(local)
          tg.id.push(e.treeOutput[t]! + k)
          tg.w.push(e.value[node * e.valueWidth + k]! * (model.scale ?? 1))
        }
        continue
      }
      if (e.flags[node]! & CATEGORICAL) {
        throw new CairnError(
          'CAIRN_NOT_IMPLEMENTED',
          'ONNX export of categorical (set-membership) tree splits is not supported',
          {
            hint: 'Train with categorical features one-hot encoded (or as numeric codes) to export this model',
          },
        )
      }
      n.feature.push(f)
      n.mode.push('BRANCH_LEQ')
      n.value.push(e.threshold[node]!)
      n.t.push(local + 1)
      n.f.push(e.right[node]! - root)
      n.miss.push(e.flags[node]! & MISSING_LEFT ? 1 : 0)
    }
  }
  const width = e.outputWidth
  const base = Array.from({ length: width }, (_, k) => model.baseScore[k] ?? 0)
  const raw = g.op(
    'TreeEnsembleRegressor',
    [x],
    {
      n_targets: attr.i(width),
      aggregate_function: attr.s('SUM'),
      post_transform: attr.s('NONE'),
      nodes_treeids: attr.ints(n.tree),
      nodes_nodeids: attr.ints(n.node),
      nodes_featureids: attr.ints(n.feature),
      nodes_modes: attr.strings(n.mode),
      nodes_values_as_tensor: attr.doubles(n.value),
      nodes_truenodeids: attr.ints(n.t),
      nodes_falsenodeids: attr.ints(n.f),
      nodes_missing_value_tracks_true: attr.ints(n.miss),
      target_treeids: attr.ints(tg.tree),
      target_nodeids: attr.ints(tg.node),
      target_ids: attr.ints(tg.id),
      target_weights_as_tensor: attr.doubles(tg.w),
      base_values_as_tensor: attr.doubles(base),
    },
    'ai.onnx.ml',
  )
  const T = ElemType.FLOAT
  let outputs: OnnxOutputs
  const classes = model.signature.output.classes
  switch (model.link) {
    case 'sigmoid':
      outputs = classifierOutputs(g, binaryProbabilities(g, g.op('Sigmoid', [raw]), T), 2, T)
      break
    case 'softmax':
      outputs = classifierOutputs(g, g.op('Softmax', [raw], { axis: attr.i(1) }), width, T)
      break
    case 'probabilities':
      outputs = classifierOutputs(g, raw, classes?.length ?? width, T)
      break
    case 'normalize': {
      const sum = g.op('ReduceSum', [raw, g.constant('axes', BigInt64Array.of(1n), [1])], {
        keepdims: attr.i(1),
      })
      outputs = classifierOutputs(g, g.op('Div', [raw, sum]), classes?.length ?? width, T)
      break
    }
    default: {
      const y = model.link === 'exp' ? g.op('Exp', [raw]) : raw
      g.node('Identity', [y], { outputs: ['variable'] })
      g.output('variable', T, ['N', 1])
      outputs = { value: 'variable' }
    }
  }
  return g.toBytes({
    graphName: 'cairn_trees',
    metadata: exportMetadata(model.family, model.signature, outputs),
  })
}
