import type { Param } from '../param.js'

/** How a layer is rebuilt from a bundle: plain JSON, weights travel separately as tensors. */
export type LayerConfig =
  | { kind: 'dense'; inputSize: number; outputSize: number }
  | { kind: 'relu' | 'gelu' | 'tanh' | 'sigmoid'; size: number }
  | { kind: 'dropout'; size: number; rate: number }
  | { kind: 'layer-norm'; size: number; epsilon: number }

/**
 * One step of a feed-forward network over row-major `rows × size` Float32Array batches. Layers own
 * their output and input-gradient buffers (grown on demand, reused across batches): a returned
 * array may be longer than `rows × outputSize` and is overwritten by the next call.
 */
export interface Layer {
  readonly inputSize: number
  readonly outputSize: number
  readonly params: readonly Param[]
  forward(x: Float32Array, rows: number, training: boolean): Float32Array
  /** Given dLoss/dOutput, accumulate parameter gradients and return dLoss/dInput. */
  backward(dy: Float32Array, rows: number): Float32Array
  config(): LayerConfig
}

/** A buffer of at least `size` floats, reusing `buf` when it is big enough. */
export function ensure(buf: Float32Array, size: number): Float32Array {
  return buf.length >= size ? buf : new Float32Array(Math.max(size, buf.length * 2))
}
