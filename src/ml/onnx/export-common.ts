import { CairnError } from '../../core/index.js'
import type { InputSpec, Signature } from '../bundle/index.js'
import { ElemType, type GraphBuilder } from './graph-builder.js'

/** Where an exported graph puts its answers; recorded in the model's metadata as `cairn.outputs`. */
export interface OnnxOutputs {
  /** Regression value, `[N, 1]`. */
  value?: string
  /** Predicted class index, int64 `[N]`. */
  label?: string
  /** Class probabilities `[N, K]`. */
  probabilities?: string
}

/** One graph input per numeric signature column, `[N, 1]`, concatenated to `[N, p]`. */
export function numericInputs(g: GraphBuilder, inputs: readonly InputSpec[], type: ElemType): string {
  for (const s of inputs) {
    if (s.type === 'category' || s.type === 'string' || s.type === 'text') {
      throw new CairnError(
        'CAIRN_NOT_IMPLEMENTED',
        `ONNX export of non-numeric input "${s.name}" is not supported for this family`,
      )
    }
  }
  const names = inputs.map((s) => g.input(s.name, type, ['N', 1]))
  return names.length === 1 ? names[0]! : g.op('Concat', names, { axis: { i: 1 } })
}

/** Label (ArgMax) and probability outputs from a `[N, K]` probability tensor. */
export function classifierOutputs(g: GraphBuilder, probs: string, k: number, type: ElemType): OnnxOutputs {
  g.node('Identity', [probs], { outputs: ['probabilities'] })
  g.node('ArgMax', [probs], { outputs: ['label'], attrs: { axis: { i: 1 }, keepdims: { i: 0 } } })
  g.output('probabilities', type, ['N', k])
  g.output('label', ElemType.INT64, ['N'])
  return { label: 'label', probabilities: 'probabilities' }
}

/** `[N, 1]` → `[N, 2]` as (1 − p, p). */
export function binaryProbabilities(g: GraphBuilder, p: string, type: ElemType): string {
  const one = g.constant('one', type === ElemType.DOUBLE ? Float64Array.of(1) : Float32Array.of(1), [1])
  const q = g.op('Sub', [one, p])
  return g.op('Concat', [q, p], { axis: { i: 1 } })
}

/** Metadata every Cairn export carries: the signature and where the outputs are. */
export function exportMetadata(
  family: string,
  signature: Signature,
  outputs: OnnxOutputs,
): Record<string, string> {
  return {
    'cairn.family': family,
    'cairn.signature': JSON.stringify(signature),
    'cairn.outputs': JSON.stringify(outputs),
  }
}
