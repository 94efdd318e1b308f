import type { Rng } from '../rng.js'
import { ensure, type Layer, type LayerConfig } from './layer.js'

/** Inverted dropout: at training time zero a fraction `rate` of units and scale the rest by 1/(1-rate). */
export class Dropout implements Layer {
  readonly params = []
  readonly inputSize: number
  readonly outputSize: number
  private out: Float32Array = new Float32Array(0)
  private mask: Float32Array = new Float32Array(0)
  private dx: Float32Array = new Float32Array(0)
  private active = false

  constructor(
    size: number,
    readonly rate: number,
    private readonly rng: Rng,
  ) {
    this.inputSize = size
    this.outputSize = size
  }

  forward(x: Float32Array, rows: number, training: boolean): Float32Array {
    this.active = training && this.rate > 0
    if (!this.active) return x
    const n = rows * this.outputSize
    const y = (this.out = ensure(this.out, n))
    const m = (this.mask = ensure(this.mask, n))
    const keep = 1 - this.rate
    const scale = 1 / keep
    for (let i = 0; i < n; i++) {
      const k = this.rng.next() < keep ? scale : 0
      m[i] = k
      y[i] = x[i]! * k
    }
    return y
  }

  backward(dy: Float32Array, rows: number): Float32Array {
    if (!this.active) return dy
    const n = rows * this.outputSize
    const dx = (this.dx = ensure(this.dx, n))
    for (let i = 0; i < n; i++) dx[i] = dy[i]! * this.mask[i]!
    return dx
  }

  config(): LayerConfig {
    return { kind: 'dropout', size: this.outputSize, rate: this.rate }
  }
}
