import { type ModelFamily, prefixTensors, registerFamily, unprefixTensors } from '../../bundle/index.js'
import { Sequential } from '../layers/sequential.js'
import { MlpModel, type MlpState } from './mlp-model.js'
import { defaultMlpParams, type MlpParams } from './params.js'

/** Bundle format of `mlp` models: layer configs and encoder in JSON, weights and optimizer moments as f32 tensors. */
export const mlpFamily: ModelFamily<MlpModel> = {
  name: 'mlp',
  save: (m) => ({
    hyperparameters: { ...m.params },
    signature: m.signature,
    state: m.state,
    tensors: { ...prefixTensors('net.', m.net.tensors()), ...prefixTensors('opt.', m.optimizerState) },
  }),
  load: (parts) => {
    const state = parts.state as MlpState
    const net = Sequential.fromConfigs(state.layers, unprefixTensors('net.', parts.tensors), state.seed)
    const opt: Record<string, Float32Array> = {}
    for (const [k, v] of Object.entries(unprefixTensors('opt.', parts.tensors))) opt[k] = Float32Array.from(v)
    const params = { ...defaultMlpParams, ...(parts.hyperparameters as Partial<MlpParams>) }
    return new MlpModel(parts.signature, params, state, net, opt)
  },
}

registerFamily(mlpFamily)
