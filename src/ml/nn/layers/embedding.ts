import { Param } from '../param.js'
import type { Rng } from '../rng.js'
import { ensure } from './layer.js'

/**
 * A lookup table of `count × dim` vectors indexed by integer ids. Ids outside [0, count) (unseen at
 * training time) look up a zero vector and receive no gradient. Gradients are row-sparse: only
 * rows a batch touched are updated by the optimizer.
 */
export class Embedding {
  readonly table: Param
  readonly params: readonly Param[]
  private out: Float32Array = new Float32Array(0)
  private ids: Int32Array = new Int32Array(0)

  constructor(
    readonly count: number,
    readonly dim: number,
    rng?: Rng,
    scale = 0.1,
  ) {
    const v = new Float32Array(count * dim)
    if (rng) for (let i = 0; i < v.length; i++) v[i] = rng.normal() * scale
    this.table = new Param('table', v, dim)
    this.params = [this.table]
  }

  forward(ids: Int32Array, rows: number): Float32Array {
    const d = this.dim
    const y = (this.out = ensure(this.out, rows * d))
    const t = this.table.value
    this.ids = ids
    for (let r = 0; r < rows; r++) {
      const id = ids[r]!
      const o = r * d
      if (id < 0 || id >= this.count) y.fill(0, o, o + d)
      else for (let j = 0; j < d; j++) y[o + j] = t[id * d + j]!
    }
    return y
  }

  backward(dy: Float32Array, rows: number): void {
    const d = this.dim
    const g = this.table.grad
    const touched = this.table.touched!
    for (let r = 0; r < rows; r++) {
      const id = this.ids[r]!
      if (id < 0 || id >= this.count) continue
      touched.add(id)
      const o = r * d
      for (let j = 0; j < d; j++) g[id * d + j] = g[id * d + j]! + dy[o + j]!
    }
  }
}
