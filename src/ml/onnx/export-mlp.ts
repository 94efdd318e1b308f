import { CairnError } from '../../core/index.js'
import type { MlpModel } from '../nn/index.js'
import { classifierOutputs, exportMetadata } from './export-common.js'
import { attr, ElemType, GraphBuilder } from './graph-builder.js'

/**
 * An MLP as an ONNX graph: one input per column (numbers as float `[N,1]`, categories as string
 * `[N,1]` through OneHotEncoder), the same standardisation and missing-value rule as Cairn, then
 * Gemm / LayerNormalization / activations. Dropout is omitted (inference).
 */
export function exportMlp(model: MlpModel): Uint8Array {
  const g = new GraphBuilder()
  const parts: string[] = []
  let gelu = false
  for (const c of model.state.encoder.columns) {
    if (c.kind === 'numeric') {
      const x = g.input(c.name, ElemType.FLOAT, ['N', 1])
      const z = g.op('Div', [
        g.op('Sub', [x, g.constant('mean', Float32Array.of(c.mean), [1])]),
        g.constant('std', Float32Array.of(c.std), [1]),
      ])
      const zero = g.constant('zero', Float32Array.of(0), [1])
      parts.push(g.op('Where', [g.op('IsNaN', [x]), zero, z]))
    } else {
      const x = g.input(c.name, ElemType.STRING, ['N', 1])
      const oh = g.op(
        'OneHotEncoder',
        [x],
        { cats_strings: attr.strings(c.categories), zeros: attr.i(1) },
        'ai.onnx.ml',
      )
      const flat = g.op('Reshape', [
        oh,
        g.constant('shape', BigInt64Array.of(-1n, BigInt(c.categories.length)), [2]),
      ])
      parts.push(g.op('Cast', [flat], { to: attr.i(ElemType.FLOAT) }))
    }
  }
  let h = parts.length === 1 ? parts[0]! : g.op('Concat', parts, { axis: attr.i(1) })
  model.net.layers.forEach((layer) => {
    const cfg = layer.config()
    switch (cfg.kind) {
      case 'dense': {
        const [w, b] = layer.params
        h = g.op('Gemm', [
          h,
          g.constant('w', Float32Array.from(w!.value), [cfg.inputSize, cfg.outputSize]),
          g.constant('b', Float32Array.from(b!.value), [cfg.outputSize]),
        ])
        break
      }
      case 'layer-norm': {
        const [gain, shift] = layer.params
        h = g.op(
          'LayerNormalization',
          [
            h,
            g.constant('gain', Float32Array.from(gain!.value), [cfg.size]),
            g.constant('shift', Float32Array.from(shift!.value), [cfg.size]),
          ],
          { axis: attr.i(-1), epsilon: attr.f(cfg.epsilon) },
        )
        break
      }
      case 'relu':
        h = g.op('Relu', [h])
        break
      case 'tanh':
        h = g.op('Tanh', [h])
        break
      case 'sigmoid':
        h = g.op('Sigmoid', [h])
        break
      case 'gelu':
        gelu = true
        h = g.op('Gelu', [h], { approximate: attr.s('tanh') })
        break
      case 'dropout':
        break
      default:
        throw new CairnError('CAIRN_NOT_IMPLEMENTED', 'ONNX export does not know this layer')
    }
  })
  let outputs: ReturnType<typeof classifierOutputs>
  if (model.state.task === 'classification') {
    outputs = classifierOutputs(
      g,
      g.op('Softmax', [h], { axis: attr.i(1) }),
      model.state.classes!.length,
      ElemType.FLOAT,
    )
  } else {
    const y = g.op('Add', [
      g.op('Mul', [h, g.constant('std', Float32Array.of(model.state.targetStd), [1])]),
      g.constant('mean', Float32Array.of(model.state.targetMean), [1]),
    ])
    g.node('Identity', [y], { outputs: ['variable'] })
    g.output('variable', ElemType.FLOAT, ['N', 1])
    outputs = { value: 'variable' }
  }
  return g.toBytes({
    graphName: 'cairn_mlp',
    opset: gelu ? 20 : 17,
    metadata: exportMetadata(model.family, model.signature, outputs),
  })
}
