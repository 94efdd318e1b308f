import { CairnError } from '../../core/index.js'
import { EarlyStopping } from './early-stopping.js'
import { ensure } from './layers/layer.js'
import type { Sequential } from './layers/sequential.js'
import { meanSquaredError, sigmoidCrossEntropy, softmaxCrossEntropy } from './losses.js'
import { clipGradNorm, type Optimizer } from './optimizers.js'
import type { Rng } from './rng.js'
import { learningRateAt, type ScheduleSpec } from './schedules.js'

/** Supervised data for a dense network: row-major inputs and either class indexes or numeric targets. */
export interface TrainData {
  x: Float32Array
  rows: number
  /** Class indexes (softmax/sigmoid losses) or `rows × outputs` numeric targets (mse). */
  y: Int32Array | Float32Array
  weights?: Float32Array
}

export interface TrainLoopOptions {
  loss: 'softmax-cross-entropy' | 'sigmoid-cross-entropy' | 'mse'
  optimizer: Optimizer
  learningRate: number
  schedule: ScheduleSpec
  warmupSteps?: number
  epochs: number
  batchSize: number
  rng: Rng
  validation?: TrainData
  /** Stop after this many epochs without validation improvement (needs `validation`); restores the best weights. */
  patience?: number
  clipNorm?: number
  /** Steps already taken (partial fits continue a schedule's warm-up count). */
  stepOffset?: number
  onEpoch?: (epoch: number, trainLoss: number, validationLoss: number | undefined) => void
  signal?: AbortSignal
}

/** Loss per epoch, and where early stopping settled. */
export interface TrainHistory {
  trainLoss: number[]
  validationLoss: number[]
  bestEpoch: number
  stoppedEarly: boolean
  steps: number
}

/** Mini-batch training of a network with shuffling, a schedule, gradient clipping and early stopping. */
export function trainNetwork(net: Sequential, data: TrainData, o: TrainLoopOptions): TrainHistory {
  const inW = net.inputSize
  const outW = net.outputSize
  const bs = Math.max(1, Math.min(o.batchSize, data.rows))
  const xb = new Float32Array(bs * inW)
  const yInt = data.y instanceof Int32Array
  const yb = yInt ? new Int32Array(bs) : new Float32Array(bs * outW)
  const wb = data.weights ? new Float32Array(bs) : undefined
  let grad: Float32Array = new Float32Array(bs * outW)
  const order = new Int32Array(data.rows)
  for (let i = 0; i < data.rows; i++) order[i] = i
  const stopper = o.patience && o.validation ? new EarlyStopping(o.patience) : undefined
  const history: TrainHistory = {
    trainLoss: [],
    validationLoss: [],
    bestEpoch: o.epochs - 1,
    stoppedEarly: false,
    steps: 0,
  }
  const batchesPerEpoch = Math.ceil(data.rows / bs)
  const totalSteps = batchesPerEpoch * o.epochs
  let step = 0
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    if (o.signal?.aborted) throw new CairnError('CAIRN_CANCELLED', 'Training was cancelled')
    o.rng.shuffle(order)
    let lossSum = 0
    for (let b0 = 0; b0 < data.rows; b0 += bs) {
      const rows = Math.min(bs, data.rows - b0)
      for (let r = 0; r < rows; r++) {
        const src = order[b0 + r]!
        xb.set(data.x.subarray(src * inW, (src + 1) * inW), r * inW)
        if (yInt) (yb as Int32Array)[r] = (data.y as Int32Array)[src]!
        else
          (yb as Float32Array).set((data.y as Float32Array).subarray(src * outW, (src + 1) * outW), r * outW)
        if (wb) wb[r] = data.weights![src]!
      }
      net.zeroGrad()
      const out = net.forward(xb, rows, true)
      grad = ensure(grad, rows * outW)
      lossSum += lossOf(o.loss, out, yb, rows, outW, grad, wb) * rows
      net.backward(grad, rows)
      if (o.clipNorm) clipGradNorm(net.params, o.clipNorm)
      const lr = learningRateAt(
        o.learningRate,
        o.schedule,
        { step: step + (o.stepOffset ?? 0), epoch, progress: step / totalSteps },
        o.warmupSteps ? { warmupSteps: o.warmupSteps } : {},
      )
      o.optimizer.step(net.params, lr)
      step++
    }
    const trainLoss = lossSum / data.rows
    if (!Number.isFinite(trainLoss)) {
      throw new CairnError(
        'CAIRN_NON_FINITE_VALUE',
        `Training diverged at epoch ${epoch + 1} (loss ${trainLoss})`,
        {
          hint: 'Lower the learning rate, or set clipNorm',
        },
      )
    }
    history.trainLoss.push(trainLoss)
    let vl: number | undefined
    if (o.validation) {
      vl = evaluateLoss(net, o.validation, o.loss)
      history.validationLoss.push(vl)
    }
    o.onEpoch?.(epoch, trainLoss, vl)
    if (stopper && vl !== undefined && stopper.update(vl, epoch, net.params)) {
      history.stoppedEarly = true
      break
    }
  }
  if (stopper) {
    stopper.restore(net.params)
    history.bestEpoch = stopper.bestEpoch
  }
  history.steps = step
  return history
}

/** Mean loss of a network on data, in inference mode (no dropout). */
export function evaluateLoss(net: Sequential, data: TrainData, loss: TrainLoopOptions['loss']): number {
  const outW = net.outputSize
  const inW = net.inputSize
  const chunk = 1024
  let grad: Float32Array = new Float32Array(0)
  let sum = 0
  for (let r0 = 0; r0 < data.rows; r0 += chunk) {
    const rows = Math.min(chunk, data.rows - r0)
    const out = net.forward(data.x.subarray(r0 * inW, (r0 + rows) * inW), rows, false)
    grad = ensure(grad, rows * outW)
    const y =
      data.y instanceof Int32Array
        ? data.y.subarray(r0, r0 + rows)
        : data.y.subarray(r0 * outW, (r0 + rows) * outW)
    sum += lossOf(loss, out, y, rows, outW, grad, data.weights?.subarray(r0, r0 + rows)) * rows
  }
  return sum / Math.max(1, data.rows)
}

function lossOf(
  loss: TrainLoopOptions['loss'],
  out: Float32Array,
  y: Int32Array | Float32Array,
  rows: number,
  outW: number,
  grad: Float32Array,
  w: Float32Array | undefined,
): number {
  switch (loss) {
    case 'softmax-cross-entropy':
      return softmaxCrossEntropy(out, y, rows, outW, grad, w)
    case 'sigmoid-cross-entropy':
      return sigmoidCrossEntropy(out, y, rows, grad, w)
    case 'mse':
      return meanSquaredError(out, y, rows, outW, grad, w)
  }
}
