import { CairnError } from '../../../core/index.js'
import type { Tensor } from '../../bundle/index.js'
import type { Param } from '../param.js'
import { Rng } from '../rng.js'
import { Activation, type ActivationKind } from './activation.js'
import { Dense } from './dense.js'
import { Dropout } from './dropout.js'
import type { Layer, LayerConfig } from './layer.js'
import { LayerNorm } from './layer-norm.js'

/** A stack of layers applied in order. */
export class Sequential {
  readonly params: readonly Param[]
  readonly inputSize: number
  readonly outputSize: number

  constructor(readonly layers: readonly Layer[]) {
    if (layers.length === 0)
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'A network needs at least one layer')
    this.params = layers.flatMap((l) => l.params)
    this.inputSize = layers[0]!.inputSize
    this.outputSize = layers[layers.length - 1]!.outputSize
  }

  forward(x: Float32Array, rows: number, training = false): Float32Array {
    let h = x
    for (const l of this.layers) h = l.forward(h, rows, training)
    return h
  }

  backward(dy: Float32Array, rows: number): Float32Array {
    let g = dy
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i]!.backward(g, rows)
    return g
  }

  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad()
  }

  configs(): LayerConfig[] {
    return this.layers.map((l) => l.config())
  }

  /** Weights as named tensors `<layer index>.<param name>` (copies). */
  tensors(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {}
    this.layers.forEach((l, i) => {
      for (const p of l.params) out[`${i}.${p.name}`] = Float32Array.from(p.value)
    })
    return out
  }

  /** Rebuild from layer configs and tensors written by `tensors()`. */
  static fromConfigs(
    configs: readonly LayerConfig[],
    tensors: Record<string, Tensor> = {},
    seed = 0,
  ): Sequential {
    const rng = new Rng(seed)
    const layers = configs.map((c, i): Layer => {
      switch (c.kind) {
        case 'dense':
          // LeCun-normal initialisation (variance 1/fan-in): converged faster than He init in bench/ml2
          return new Dense(c.inputSize, c.outputSize, rng, 1)
        case 'dropout':
          return new Dropout(c.size, c.rate, rng)
        case 'layer-norm':
          return new LayerNorm(c.size, c.epsilon)
        case 'relu':
        case 'gelu':
        case 'tanh':
        case 'sigmoid':
          return new Activation(c.kind, c.size)
        default:
          throw new CairnError('CAIRN_BUNDLE_INVALID', `Unknown layer kind at position ${i}`)
      }
    })
    layers.forEach((l, i) => {
      for (const p of l.params) {
        const t = tensors[`${i}.${p.name}`]
        if (t === undefined) {
          if (Object.keys(tensors).length === 0) continue
          throw new CairnError('CAIRN_BUNDLE_INVALID', `Tensor ${i}.${p.name} is missing`)
        }
        if (t.length !== p.value.length) {
          throw new CairnError(
            'CAIRN_BUNDLE_INVALID',
            `Tensor ${i}.${p.name} has ${t.length} values, the layer needs ${p.value.length}`,
          )
        }
        p.value.set(t)
      }
    })
    return new Sequential(layers)
  }
}

/** Options for a multilayer perceptron body. */
export interface MlpSpec {
  inputSize: number
  hidden: readonly number[]
  outputSize: number
  activation?: ActivationKind
  dropout?: number
  layerNorm?: boolean
  seed?: number
}

/** Layer configs for Dense → [LayerNorm] → activation → [Dropout] per hidden layer, then a linear head. */
export function mlpConfigs(spec: MlpSpec): LayerConfig[] {
  const out: LayerConfig[] = []
  let size = spec.inputSize
  for (const h of spec.hidden) {
    out.push({ kind: 'dense', inputSize: size, outputSize: h })
    if (spec.layerNorm) out.push({ kind: 'layer-norm', size: h, epsilon: 1e-5 })
    out.push({ kind: spec.activation ?? 'relu', size: h })
    if ((spec.dropout ?? 0) > 0) out.push({ kind: 'dropout', size: h, rate: spec.dropout ?? 0 })
    size = h
  }
  out.push({ kind: 'dense', inputSize: size, outputSize: spec.outputSize })
  return out
}

/** A freshly initialised MLP. */
export function buildMlp(spec: MlpSpec): Sequential {
  return Sequential.fromConfigs(mlpConfigs(spec), {}, spec.seed ?? 0)
}
