import type { LayerConfig } from '../layers/layer.js'
import type { Sequential } from '../layers/sequential.js'
import { meanSquaredError, sigmoidCrossEntropy, softmaxCrossEntropy } from '../losses.js'
import type { Param } from '../param.js'

/** Control words shared by the coordinator and the workers. */
export const CTL_GEN = 0
export const CTL_DONE = 1
export const CTL_STOP = 2
export const CTL_ROWS = 3
export const CTL_SIZE = 4

/** What every data-parallel worker receives at start. */
export interface ParallelJob {
  configs: LayerConfig[]
  /** Element offsets of each parameter in the flat parameter buffer. */
  offsets: number[]
  total: number
  threads: number
  slot: number
  seed: number
  loss: 'softmax-cross-entropy' | 'sigmoid-cross-entropy' | 'mse'
  inputWidth: number
  outputWidth: number
  intLabels: boolean
  hasWeights: boolean
  batchSize: number
  sab: {
    params: SharedArrayBuffer
    grads: SharedArrayBuffer
    x: SharedArrayBuffer
    y: SharedArrayBuffer
    w: SharedArrayBuffer | null
    batch: SharedArrayBuffer
    ctl: SharedArrayBuffer
    loss: SharedArrayBuffer
  }
}

/** Point a network's parameter values (and optionally gradients) at shared memory, keeping the values. */
export function bindShared(
  params: readonly Param[],
  offsets: readonly number[],
  values: SharedArrayBuffer,
  grads: SharedArrayBuffer,
  gradSlot: number,
  total: number,
  copyValues: boolean,
): void {
  params.forEach((p, i) => {
    const len = p.value.length
    const v = new Float32Array(values, offsets[i]! * 4, len)
    if (copyValues) v.set(p.value)
    const g = new Float32Array(grads, (gradSlot * total + offsets[i]!) * 4, len)
    ;(p as { value: Float32Array }).value = v
    ;(p as { grad: Float32Array }).grad = g
  })
}

/** The rows of a batch a shard computes: an even split, shard 0 on the coordinator. */
export function shardRange(rows: number, threads: number, slot: number): [number, number] {
  const per = Math.ceil(rows / threads)
  return [Math.min(rows, slot * per), Math.min(rows, (slot + 1) * per)]
}

/**
 * Forward and backward over the shard's rows of the current batch, accumulating gradients scaled so
 * that summing every shard gives the gradient of the batch-mean loss. Returns loss × shard rows.
 */
export function computeShard(
  net: Sequential,
  job: Pick<ParallelJob, 'loss' | 'inputWidth' | 'outputWidth' | 'intLabels' | 'hasWeights'>,
  data: { x: Float32Array; yInt: Int32Array | null; yNum: Float32Array | null; w: Float32Array | null },
  batch: Int32Array,
  from: number,
  to: number,
  batchRows: number,
  buf: { x: Float32Array; yInt: Int32Array; yNum: Float32Array; w: Float32Array; grad: Float32Array },
): number {
  const m = to - from
  net.zeroGrad()
  if (m <= 0) return 0
  const inW = job.inputWidth
  const outW = job.outputWidth
  for (let r = 0; r < m; r++) {
    const src = batch[from + r]!
    buf.x.set(data.x.subarray(src * inW, (src + 1) * inW), r * inW)
    if (data.yInt) buf.yInt[r] = data.yInt[src]!
    else buf.yNum.set(data.yNum!.subarray(src * outW, (src + 1) * outW), r * outW)
    if (data.w) buf.w[r] = data.w[src]!
  }
  const out = net.forward(buf.x, m, true)
  const w = data.w ? buf.w : undefined
  let loss: number
  switch (job.loss) {
    case 'softmax-cross-entropy':
      loss = softmaxCrossEntropy(out, buf.yInt, m, outW, buf.grad, w)
      break
    case 'sigmoid-cross-entropy':
      loss = sigmoidCrossEntropy(out, buf.yInt, m, buf.grad, w)
      break
    default:
      loss = meanSquaredError(out, buf.yNum, m, outW, buf.grad, w)
  }
  const scale = m / batchRows
  for (let i = 0; i < m * outW; i++) buf.grad[i] = buf.grad[i]! * scale
  net.backward(buf.grad, m)
  return loss * m
}

/** Scratch buffers for a shard of at most `rows` rows. */
export function shardBuffers(rows: number, inW: number, outW: number) {
  return {
    x: new Float32Array(rows * inW),
    yInt: new Int32Array(rows),
    yNum: new Float32Array(rows * outW),
    w: new Float32Array(rows),
    grad: new Float32Array(rows * outW),
  }
}
