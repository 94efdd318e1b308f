/**
 * A trainable tensor with its gradient. Embedding tables mark the rows a batch touched in `rows`
 * so that optimizers update only those (lazy updates; the rest of a large table is left alone).
 */
export class Param {
  readonly grad: Float32Array
  /** For sparse (row-wise) parameters: rows touched since the last step. */
  readonly touched: Set<number> | undefined

  constructor(
    readonly name: string,
    readonly value: Float32Array,
    /** Row length for row-sparse parameters (embedding dimension); 0 for dense ones. */
    readonly rowSize = 0,
    /** Whether weight decay applies (not to biases and norm gains). */
    readonly decay = true,
  ) {
    this.grad = new Float32Array(value.length)
    this.touched = rowSize > 0 ? new Set<number>() : undefined
  }

  zeroGrad(): void {
    if (this.touched) {
      for (const r of this.touched) this.grad.fill(0, r * this.rowSize, (r + 1) * this.rowSize)
      this.touched.clear()
    } else {
      this.grad.fill(0)
    }
  }
}

/** Glorot/He-style initialisation: normal(0, sqrt(gain / fanIn)). */
export function initNormal(
  out: Float32Array,
  fanIn: number,
  gain: number,
  rng: { normal(): number },
): Float32Array {
  const std = Math.sqrt(gain / Math.max(1, fanIn))
  for (let i = 0; i < out.length; i++) out[i] = rng.normal() * std
  return out
}
