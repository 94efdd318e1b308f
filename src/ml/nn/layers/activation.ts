import { ensure, type Layer, type LayerConfig } from './layer.js'

/** The element-wise nonlinearities Cairn's networks use. */
export type ActivationKind = 'relu' | 'gelu' | 'tanh' | 'sigmoid'

const GELU_C = Math.sqrt(2 / Math.PI)
const GELU_A = 0.044715

/** GELU, tanh approximation (the form ONNX exports reproduce exactly). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(GELU_C * (x + GELU_A * x * x * x)))
}

/** An element-wise activation layer. */
export class Activation implements Layer {
  readonly params = []
  readonly inputSize: number
  readonly outputSize: number
  private out: Float32Array = new Float32Array(0)
  private dx: Float32Array = new Float32Array(0)
  private input: Float32Array = new Float32Array(0)

  constructor(
    readonly kind: ActivationKind,
    size: number,
  ) {
    this.inputSize = size
    this.outputSize = size
  }

  forward(x: Float32Array, rows: number): Float32Array {
    const n = rows * this.outputSize
    this.input = x
    const y = (this.out = ensure(this.out, n))
    switch (this.kind) {
      case 'relu':
        for (let i = 0; i < n; i++) {
          const v = x[i]!
          y[i] = Math.max(v, 0)
        }
        break
      case 'gelu':
        for (let i = 0; i < n; i++) y[i] = gelu(x[i]!)
        break
      case 'tanh':
        for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]!)
        break
      case 'sigmoid':
        for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-x[i]!))
        break
    }
    return y
  }

  backward(dy: Float32Array, rows: number): Float32Array {
    const n = rows * this.outputSize
    const dx = (this.dx = ensure(this.dx, n))
    const y = this.out
    const x = this.input
    switch (this.kind) {
      case 'relu':
        for (let i = 0; i < n; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0
        break
      case 'gelu':
        for (let i = 0; i < n; i++) {
          const v = x[i]!
          const t = Math.tanh(GELU_C * (v + GELU_A * v * v * v))
          const d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * GELU_A * v * v)
          dx[i] = dy[i]! * d
        }
        break
      case 'tanh':
        for (let i = 0; i < n; i++) dx[i] = dy[i]! * (1 - y[i]! * y[i]!)
        break
      case 'sigmoid':
        for (let i = 0; i < n; i++) dx[i] = dy[i]! * y[i]! * (1 - y[i]!)
        break
    }
    return dx
  }

  config(): LayerConfig {
    return { kind: this.kind, size: this.outputSize }
  }
}
