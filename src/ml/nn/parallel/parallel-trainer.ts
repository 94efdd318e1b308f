import type { Worker } from 'node:worker_threads'
import { CairnError, startWorker } from '../../../core/index.js'
import { EarlyStopping } from '../early-stopping.js'
import type { Sequential } from '../layers/sequential.js'
import { clipGradNorm } from '../optimizers.js'
import { learningRateAt } from '../schedules.js'
import { evaluateLoss, type TrainData, type TrainHistory, type TrainLoopOptions } from '../train-loop.js'
import {
  bindShared,
  CTL_DONE,
  CTL_GEN,
  CTL_ROWS,
  CTL_SIZE,
  CTL_STOP,
  computeShard,
  type ParallelJob,
  shardBuffers,
  shardRange,
} from './shared.js'

/**
 * Synchronous data-parallel mini-batch training: each batch is split across `threads` (the
 * coordinator computes one shard, worker threads the rest, on parameters in shared memory); the
 * shard gradients are summed and one optimizer step is taken. Same maths as `trainNetwork` (up to
 * summation order and dropout streams), so it pays only when a batch holds enough work to cover
 * two thread hand-offs per step (large batches or wide layers; see bench/ml2).
 */
export async function trainNetworkParallel(
  net: Sequential,
  data: TrainData,
  o: TrainLoopOptions & { threads: number; seed: number },
): Promise<TrainHistory> {
  const T = Math.max(2, Math.floor(o.threads))
  const params = net.params
  const offsets: number[] = []
  let total = 0
  for (const p of params) {
    offsets.push(total)
    total += p.value.length
  }
  const inW = net.inputSize
  const outW = net.outputSize
  const bs = Math.max(1, Math.min(o.batchSize, data.rows))
  const intLabels = data.y instanceof Int32Array
  const sab = {
    params: new SharedArrayBuffer(total * 4),
    grads: new SharedArrayBuffer(T * total * 4),
    x: new SharedArrayBuffer(data.x.byteLength),
    y: new SharedArrayBuffer(data.y.byteLength),
    w: data.weights ? new SharedArrayBuffer(data.weights.byteLength) : null,
    batch: new SharedArrayBuffer(bs * 4),
    ctl: new SharedArrayBuffer(CTL_SIZE * 4),
    loss: new SharedArrayBuffer(T * 8),
  }
  new Float32Array(sab.x).set(data.x)
  if (intLabels) new Int32Array(sab.y).set(data.y)
  else new Float32Array(sab.y).set(data.y)
  if (sab.w && data.weights) new Float32Array(sab.w).set(data.weights)
  const originals = params.map((p) => ({ value: p.value, grad: p.grad }))
  bindShared(params, offsets, sab.params, sab.grads, 0, total, true)
  const base: Omit<ParallelJob, 'slot'> = {
    configs: net.configs(),
    offsets,
    total,
    threads: T,
    seed: o.seed,
    loss: o.loss,
    inputWidth: inW,
    outputWidth: outW,
    intLabels,
    hasWeights: !!data.weights,
    batchSize: bs,
    sab,
  }
  const workers: Worker[] = []
  const ctl = new Int32Array(sab.ctl)
  const batch = new Int32Array(sab.batch)
  const lossBuf = new Float64Array(sab.loss)
  const grads = new Float32Array(sab.grads)
  const local = {
    x: new Float32Array(sab.x),
    yInt: intLabels ? new Int32Array(sab.y) : null,
    yNum: intLabels ? null : new Float32Array(sab.y),
    w: sab.w ? new Float32Array(sab.w) : null,
  }
  const buf = shardBuffers(Math.ceil(bs / T), inW, outW)
  try {
    for (let s = 1; s < T; s++) {
      const w = startWorker(import.meta.url, './parallel-worker', { workerData: { ...base, slot: s } })
      w.on('error', () => Atomics.store(ctl, CTL_STOP, 1))
      workers.push(w)
    }
    // wait until every worker is running (a no-op step answered by all)
    const stepOnce = (rows: number): number => {
      Atomics.store(ctl, CTL_ROWS, rows)
      Atomics.store(ctl, CTL_DONE, 0)
      Atomics.add(ctl, CTL_GEN, 1)
      Atomics.notify(ctl, CTL_GEN)
      const [from, to] = shardRange(rows, T, 0)
      let loss = computeShard(net, base, local, batch, from, to, rows, buf)
      for (;;) {
        const done = Atomics.load(ctl, CTL_DONE)
        if (done >= T - 1) break
        if (Atomics.load(ctl, CTL_STOP) !== 0)
          throw new CairnError('CAIRN_INTERNAL', 'A training thread failed')
        Atomics.wait(ctl, CTL_DONE, done, 1000)
      }
      for (let s = 1; s < T; s++) {
        loss += lossBuf[s]!
        const off = s * total
        for (let i = 0; i < total; i++) grads[i] = grads[i]! + grads[off + i]!
      }
      return loss
    }
    const order = Int32Array.from({ length: data.rows }, (_, i) => i)
    const stopper = o.patience && o.validation ? new EarlyStopping(o.patience) : undefined
    const history: TrainHistory = {
      trainLoss: [],
      validationLoss: [],
      bestEpoch: o.epochs - 1,
      stoppedEarly: false,
      steps: 0,
    }
    const totalSteps = Math.ceil(data.rows / bs) * o.epochs
    let step = 0
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      if (o.signal?.aborted) throw new CairnError('CAIRN_CANCELLED', 'Training was cancelled')
      o.rng.shuffle(order)
      let lossSum = 0
      for (let b0 = 0; b0 < data.rows; b0 += bs) {
        const rows = Math.min(bs, data.rows - b0)
        batch.set(order.subarray(b0, b0 + rows))
        lossSum += stepOnce(rows)
        if (o.clipNorm) clipGradNorm(params, o.clipNorm)
        const lr = learningRateAt(
          o.learningRate,
          o.schedule,
          { step: step + (o.stepOffset ?? 0), epoch, progress: step / totalSteps },
          o.warmupSteps ? { warmupSteps: o.warmupSteps } : {},
        )
        o.optimizer.step(params, lr)
        step++
      }
      const trainLoss = lossSum / data.rows
      if (!Number.isFinite(trainLoss)) {
        throw new CairnError(
          'CAIRN_NON_FINITE_VALUE',
          `Training diverged at epoch ${epoch + 1} (loss ${trainLoss})`,
        )
      }
      history.trainLoss.push(trainLoss)
      let vl: number | undefined
      if (o.validation) {
        vl = evaluateLoss(net, o.validation, o.loss)
        history.validationLoss.push(vl)
      }
      o.onEpoch?.(epoch, trainLoss, vl)
      if (stopper && vl !== undefined && stopper.update(vl, epoch, params)) {
        history.stoppedEarly = true
        break
      }
    }
    if (stopper) {
      stopper.restore(params)
      history.bestEpoch = stopper.bestEpoch
    }
    history.steps = step
    return history
  } finally {
    Atomics.store(ctl, CTL_STOP, 1)
    Atomics.add(ctl, CTL_GEN, 1)
    Atomics.notify(ctl, CTL_GEN)
    await Promise.all(workers.map((w) => w.terminate()))
    // hand the parameters back to ordinary (non-shared) memory
    params.forEach((p, i) => {
      originals[i]!.value.set(p.value)
      ;(p as { value: Float32Array }).value = originals[i]!.value
      ;(p as { grad: Float32Array }).grad = originals[i]!.grad
    })
  }
}
