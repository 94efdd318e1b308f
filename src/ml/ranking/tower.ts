import type { Tensor } from '../bundle/index.js'
import { Embedding, type LayerConfig, mlpConfigs, type Param, Rng, Sequential } from '../nn/index.js'
import type { EncoderState } from '../nn/mlp/encoder.js'

/**
 * One tower of a two-tower model: an id embedding concatenated with encoded features, then an MLP to
 * the shared output dimension. Ids outside the table (unseen, or dropped out in training) embed as
 * zeros, so the tower then answers from features alone.
 */
export class Tower {
  readonly params: readonly Param[]
  private input: Float32Array = new Float32Array(0)

  constructor(
    readonly embedding: Embedding,
    readonly encoder: EncoderState,
    readonly body: Sequential,
  ) {
    this.params = [...embedding.params, ...body.params]
  }

  get inputWidth(): number {
    return this.embedding.dim + this.encoder.width
  }

  static create(
    count: number,
    embeddingDim: number,
    encoder: EncoderState,
    hidden: readonly number[],
    outputDim: number,
    seed: number,
  ): Tower {
    const configs = mlpConfigs({ inputSize: embeddingDim + encoder.width, hidden, outputSize: outputDim })
    return new Tower(
      new Embedding(count, embeddingDim, new Rng(seed ^ 0x51ed270b), 0.05),
      encoder,
      Sequential.fromConfigs(configs, {}, seed),
    )
  }

  /** `rows × outputDim` vectors for ids and their encoded feature rows (`rows × encoder.width`). */
  forward(ids: Int32Array, features: Float32Array, rows: number, training: boolean): Float32Array {
    const e = this.embedding.dim
    const fw = this.encoder.width
    const w = e + fw
    if (this.input.length < rows * w) this.input = new Float32Array(rows * w)
    const emb = this.embedding.forward(ids, rows)
    for (let r = 0; r < rows; r++) {
      this.input.set(emb.subarray(r * e, (r + 1) * e), r * w)
      if (fw > 0) this.input.set(features.subarray(r * fw, (r + 1) * fw), r * w + e)
    }
    return this.body.forward(this.input, rows, training)
  }

  backward(dy: Float32Array, rows: number): void {
    const dx = this.body.backward(dy, rows)
    const e = this.embedding.dim
    const w = this.inputWidth
    if (w !== e) {
      for (let r = 0; r < rows; r++) dx.copyWithin(r * e, r * w, r * w + e)
    }
    this.embedding.backward(dx, rows)
  }

  zeroGrad(): void {
    this.embedding.table.zeroGrad()
    this.body.zeroGrad()
  }

  configs(): LayerConfig[] {
    return this.body.configs()
  }

  tensors(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = { embedding: Float32Array.from(this.embedding.table.value) }
    for (const [k, v] of Object.entries(this.body.tensors())) out[`body.${k}`] = v
    return out
  }

  static fromParts(
    count: number,
    embeddingDim: number,
    encoder: EncoderState,
    configs: LayerConfig[],
    tensors: Record<string, Tensor>,
  ): Tower {
    const emb = new Embedding(count, embeddingDim)
    const t = tensors.embedding
    if (!t || t.length !== count * embeddingDim) throw new Error('embedding table size does not match')
    emb.table.value.set(t)
    const body: Record<string, Tensor> = {}
    for (const [k, v] of Object.entries(tensors)) if (k.startsWith('body.')) body[k.slice(5)] = v
    return new Tower(emb, encoder, Sequential.fromConfigs(configs, body))
  }
}
