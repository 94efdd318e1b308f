import { Param } from '../param.js'
import { ensure, type Layer, type LayerConfig } from './layer.js'

/** Layer normalisation over each row's features, with a learned gain and shift. */
export class LayerNorm implements Layer {
  readonly params: readonly Param[]
  readonly gain: Param
  readonly shift: Param
  readonly inputSize: number
  readonly outputSize: number
  private out: Float32Array = new Float32Array(0)
  private xhat: Float32Array = new Float32Array(0)
  private invStd: Float32Array = new Float32Array(0)
  private dx: Float32Array = new Float32Array(0)

  constructor(
    size: number,
    readonly epsilon = 1e-5,
  ) {
    this.inputSize = size
    this.outputSize = size
    this.gain = new Param('gain', new Float32Array(size).fill(1), 0, false)
    this.shift = new Param('shift', new Float32Array(size), 0, false)
    this.params = [this.gain, this.shift]
  }

  forward(x: Float32Array, rows: number): Float32Array {
    const d = this.outputSize
    const y = (this.out = ensure(this.out, rows * d))
    const xh = (this.xhat = ensure(this.xhat, rows * d))
    if (this.invStd.length < rows) this.invStd = new Float32Array(rows * 2)
    const g = this.gain.value
    const b = this.shift.value
    for (let r = 0; r < rows; r++) {
      const o = r * d
      let mean = 0
      for (let j = 0; j < d; j++) mean += x[o + j]!
      mean /= d
      let v = 0
      for (let j = 0; j < d; j++) {
        const t = x[o + j]! - mean
        v += t * t
      }
      const inv = 1 / Math.sqrt(v / d + this.epsilon)
      this.invStd[r] = inv
      for (let j = 0; j < d; j++) {
        const h = (x[o + j]! - mean) * inv
        xh[o + j] = h
        y[o + j] = h * g[j]! + b[j]!
      }
    }
    return y
  }

  backward(dy: Float32Array, rows: number): Float32Array {
    const d = this.outputSize
    const dx = (this.dx = ensure(this.dx, rows * d))
    const g = this.gain.value
    const gg = this.gain.grad
    const gb = this.shift.grad
    const xh = this.xhat
    for (let r = 0; r < rows; r++) {
      const o = r * d
      let sum = 0
      let sumX = 0
      for (let j = 0; j < d; j++) {
        const dyj = dy[o + j]!
        const h = xh[o + j]!
        gg[j] = gg[j]! + dyj * h
        gb[j] = gb[j]! + dyj
        const dh = dyj * g[j]!
        sum += dh
        sumX += dh * h
      }
      const inv = this.invStd[r]!
      for (let j = 0; j < d; j++) {
        const dh = dy[o + j]! * g[j]!
        dx[o + j] = inv * (dh - sum / d - (xh[o + j]! * sumX) / d)
      }
    }
    return dx
  }

  config(): LayerConfig {
    return { kind: 'layer-norm', size: this.outputSize, epsilon: this.epsilon }
  }
}
