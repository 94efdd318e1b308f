import { CairnError } from '../../core/index.js'
import type { LinearModel } from '../linear/index.js'
import {
  binaryProbabilities,
  classifierOutputs,
  exportMetadata,
  numericInputs,
  type OnnxOutputs,
} from './export-common.js'
import { attr, ElemType, GraphBuilder } from './graph-builder.js'

/**
 * A linear model as ONNX in double precision (so the export agrees with Cairn to rounding): inputs
 * per column, Gemm, then the model's link (sigmoid, softmax, one-vs-rest normalisation, or the
 * modified-Huber estimate). Hinge-type models (link `none`) export labels only.
 */
export function exportLinear(model: LinearModel): Uint8Array {
  const g = new GraphBuilder()
  const T = ElemType.DOUBLE
  const x = numericInputs(g, model.signature.inputs, T)
  const p = model.features
  const m = model.outputs
  const wt = new Float64Array(p * m)
  for (let c = 0; c < m; c++) for (let j = 0; j < p; j++) wt[j * m + c] = model.coef[c * p + j]!
  const d = g.op('Gemm', [
    x,
    g.constant('w', wt, [p, m]),
    g.constant('b', Float64Array.from(model.intercept), [m]),
  ])
  const classes = model.classes
  let outputs: OnnxOutputs
  if (!classes) {
    g.node('Identity', [d], { outputs: ['variable'] })
    g.output('variable', T, ['N', 1])
    outputs = { value: 'variable' }
  } else {
    const link = model.state.link
    const k = classes.length
    if (link === 'none') {
      const label =
        m === 1
          ? g.op('Cast', [g.op('Greater', [d, g.constant('zero', Float64Array.of(0), [1])])], {
              to: attr.i(ElemType.INT64),
            })
          : g.op('ArgMax', [d], { axis: attr.i(1), keepdims: attr.i(0) })
      g.node('Reshape', [label, g.constant('shape', BigInt64Array.of(-1n), [1])], { outputs: ['label'] })
      g.output('label', ElemType.INT64, ['N'])
      outputs = { label: 'label' }
    } else {
      const huber = (z: string) => {
        const lo = g.constant('lo', Float64Array.of(-1), [])
        const hi = g.constant('hi', Float64Array.of(1), [])
        const c = g.op('Clip', [z, lo, hi])
        return g.op('Div', [
          g.op('Add', [c, g.constant('one', Float64Array.of(1), [1])]),
          g.constant('two', Float64Array.of(2), [1]),
        ])
      }
      let probs: string
      if (m === 1)
        probs = binaryProbabilities(g, link === 'modified-huber' ? huber(d) : g.op('Sigmoid', [d]), T)
      else if (link === 'softmax') probs = g.op('Softmax', [d], { axis: attr.i(1) })
      else if (link === 'logistic' || link === 'modified-huber') {
        const s = link === 'logistic' ? g.op('Sigmoid', [d]) : huber(d)
        const sum = g.op('ReduceSum', [s, g.constant('axes', BigInt64Array.of(1n), [1])], {
          keepdims: attr.i(1),
        })
        probs = g.op('Div', [s, sum])
      } else throw new CairnError('CAIRN_NOT_IMPLEMENTED', `ONNX export of link "${link}" is not supported`)
      outputs = classifierOutputs(g, probs, k, T)
    }
  }
  return g.toBytes({
    graphName: 'cairn_linear',
    metadata: exportMetadata(model.family, model.signature, outputs),
  })
}
