import { addRowVector, gemm, gemmNT, gemmTN, sumRows } from '../gemm.js'
import { initNormal, Param } from '../param.js'
import type { Rng } from '../rng.js'
import { ensure, type Layer, type LayerConfig } from './layer.js'

/** A fully connected layer: y = x·W + b with W stored `inputSize × outputSize` row-major. */
export class Dense implements Layer {
  readonly weight: Param
  readonly bias: Param
  readonly params: readonly Param[]
  private out: Float32Array = new Float32Array(0)
  private dx: Float32Array = new Float32Array(0)
  private input: Float32Array = new Float32Array(0)

  constructor(
    readonly inputSize: number,
    readonly outputSize: number,
    rng?: Rng,
    /** 2 for ReLU-family activations (He), 1 for tanh/sigmoid/linear (Glorot-like). */
    gain = 2,
  ) {
    const w = new Float32Array(inputSize * outputSize)
    if (rng) initNormal(w, inputSize, gain, rng)
    this.weight = new Param('w', w)
    this.bias = new Param('b', new Float32Array(outputSize), 0, false)
    this.params = [this.weight, this.bias]
  }

  forward(x: Float32Array, rows: number): Float32Array {
    this.input = x
    this.out = ensure(this.out, rows * this.outputSize)
    gemm(rows, this.outputSize, this.inputSize, x, this.weight.value, this.out)
    addRowVector(rows, this.outputSize, this.out, this.bias.value)
    return this.out
  }

  backward(dy: Float32Array, rows: number): Float32Array {
    gemmTN(this.inputSize, this.outputSize, rows, this.input, dy, this.weight.grad, true)
    sumRows(rows, this.outputSize, dy, this.bias.grad, true)
    this.dx = ensure(this.dx, rows * this.inputSize)
    gemmNT(rows, this.inputSize, this.outputSize, dy, this.weight.value, this.dx)
    return this.dx
  }

  config(): LayerConfig {
    return { kind: 'dense', inputSize: this.inputSize, outputSize: this.outputSize }
  }
}
