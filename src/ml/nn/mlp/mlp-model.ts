import { CairnError } from '../../../core/index.js'
import { type Frame, getColumn, isNumericColumn, takeRows } from '../../../data/index.js'
import type { Model, PredictionResult, RowPrediction, RowPredictor, Signature } from '../../bundle/index.js'
import type { LayerConfig } from '../layers/layer.js'
import { Sequential } from '../layers/sequential.js'
import { createOptimizer } from '../optimizers.js'
import { Rng } from '../rng.js'
import { trainNetwork } from '../train-loop.js'
import { type EncoderState, encodeFrame, rowEncoder } from './encoder.js'
import type { MlpParams } from './params.js'
import { encodeLabels, numericTarget, targetLabels } from './target.js'

/** Everything about a fitted MLP that is small enough for JSON. */
export interface MlpState {
  task: 'classification' | 'regression'
  encoder: EncoderState
  layers: LayerConfig[]
  classes?: string[]
  targetMean: number
  targetStd: number
  seed: number
  /** Optimizer steps taken so far (fit plus every partial fit). */
  steps: number
  rowsSeen: number
  /** Partial fits applied since the initial fit. */
  updates: number
  trainLoss: number[]
  validationLoss: number[]
}

/** Options for updating a fitted model with new labelled rows. */
export interface PartialFitOptions {
  /** Target column (default: the signature's output name). */
  target?: string
  /** Passes over the new rows (default 1). */
  epochs?: number
  /** Learning rate for the update (default: the fit's). */
  learningRate?: number
  seed?: number
  signal?: AbortSignal
}

/** A fitted multilayer perceptron (family `mlp`). */
export class MlpModel implements Model {
  readonly family = 'mlp'
  private encodeBuf: Float32Array = new Float32Array(0)

  constructor(
    readonly signature: Signature,
    readonly params: MlpParams,
    readonly state: MlpState,
    readonly net: Sequential,
    /** Optimizer moments, so partial fits continue where training stopped. */
    readonly optimizerState: Record<string, Float32Array>,
  ) {}

  /** Raw network outputs (`rows × outputs`, row-major) for an encoded batch. */
  private outputs(frame: Frame): Float32Array {
    const rows = frame.rowCount
    const x = (this.encodeBuf = encodeFrame(this.state.encoder, frame, this.encodeBuf))
    const w = this.state.encoder.width
    const k = this.net.outputSize
    const out = new Float32Array(rows * k)
    const chunk = 1024
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const n = Math.min(chunk, rows - r0)
      const y = this.net.forward(x.subarray(r0 * w, (r0 + n) * w), n, false)
      out.set(y.subarray(0, n * k), r0 * k)
    }
    return out
  }

  predict(frame: Frame): PredictionResult {
    const rows = frame.rowCount
    const out = this.outputs(frame)
    const values = new Float64Array(rows)
    if (this.state.task === 'regression') {
      for (let i = 0; i < rows; i++) values[i] = out[i]! * this.state.targetStd + this.state.targetMean
      return { values }
    }
    const classes = this.state.classes!
    const k = classes.length
    const probabilities = new Float64Array(rows * k)
    for (let i = 0; i < rows; i++) values[i] = softmaxRow(out, i * k, k, probabilities, i * k)
    return { values, classes, probabilities }
  }

  rowPredictor(): RowPredictor {
    const encode = rowEncoder(this.state.encoder)
    const classes = this.state.classes
    const k = this.net.outputSize
    const probs = new Float64Array(k)
    const result: { value: number; label?: string; probabilities?: Float64Array } = { value: 0 }
    return {
      predict: (row) => {
        const y = this.net.forward(encode(row), 1, false)
        if (!classes) {
          result.value = y[0]! * this.state.targetStd + this.state.targetMean
          return result
        }
        const best = softmaxRow(y, 0, k, probs, 0)
        result.value = best
        result.label = classes[best]!
        result.probabilities = probs
        return result
      },
    }
  }

  /**
   * The pipeline fast path: features in `signature.inputs` order (numbers, or category indexes with
   * NaN for missing/unknown), encoded without building a frame.
   */
  vectorPredictor(): { predict(x: Float64Array): RowPrediction } {
    const cols = this.state.encoder.columns
    const buf = new Float32Array(this.state.encoder.width)
    const classes = this.state.classes
    const k = this.net.outputSize
    const probs = new Float64Array(k)
    const result: RowPrediction = { value: 0 }
    return {
      predict: (x) => {
        buf.fill(0)
        let o = 0
        for (let j = 0; j < cols.length; j++) {
          const c = cols[j]!
          const v = x[j]!
          if (c.kind === 'numeric') buf[o++] = Number.isNaN(v) ? 0 : (v - c.mean) / c.std
          else {
            if (!Number.isNaN(v) && v >= 0 && v < c.categories.length) buf[o + v] = 1
            o += c.categories.length
          }
        }
        const y = this.net.forward(buf, 1, false)
        if (!classes) {
          result.value = y[0]! * this.state.targetStd + this.state.targetMean
          return result
        }
        result.value = softmaxRow(y, 0, k, probs, 0)
        result.label = classes[result.value]!
        result.probabilities = probs
        return result
      },
    }
  }

  /**
   * Continue training on new labelled rows and return a new model (this one is unchanged). The
   * input encoding (means, spreads, categories) stays as first fitted; a class never seen is an error.
   */
  async partialFit(frame: Frame, options: PartialFitOptions = {}): Promise<MlpModel> {
    if (frame.rowCount === 0) throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'partialFit got no rows')
    const target = options.target ?? this.signature.output.name
    const net = Sequential.fromConfigs(
      this.state.layers,
      this.net.tensors(),
      this.state.seed + this.state.updates + 1,
    )
    const optimizer = createOptimizer(optimizerSpec(this.params))
    optimizer.loadState(net.params, this.optimizerState, this.state.steps)
    const x = encodeFrame(this.state.encoder, frame)
    const y = this.targetsOf(frame, target)
    const history = trainNetwork(
      net,
      { x, rows: frame.rowCount, y },
      {
        loss: this.state.task === 'regression' ? 'mse' : 'softmax-cross-entropy',
        optimizer,
        learningRate: options.learningRate ?? this.params.learningRate,
        schedule: { kind: 'constant' },
        epochs: options.epochs ?? 1,
        batchSize: this.params.batchSize,
        rng: new Rng(options.seed ?? this.state.seed + this.state.updates + 1),
        stepOffset: this.state.steps,
        ...(this.params.clipNorm > 0 ? { clipNorm: this.params.clipNorm } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
    )
    const state: MlpState = {
      ...this.state,
      steps: this.state.steps + history.steps,
      rowsSeen: this.state.rowsSeen + frame.rowCount,
      updates: this.state.updates + 1,
      trainLoss: [...this.state.trainLoss, ...history.trainLoss],
    }
    return new MlpModel(this.signature, this.params, state, net, optimizer.state(net.params))
  }

  /** Targets in the network's space: class indexes, or the standardised numeric target. */
  targetsOf(frame: Frame, target: string): Int32Array | Float32Array {
    if (this.state.task === 'classification')
      return encodeLabels(targetLabels(frame, target), this.state.classes!)
    const t = numericTarget(frame, target)
    const y = new Float32Array(t.length)
    for (let i = 0; i < t.length; i++) y[i] = (t[i]! - this.state.targetMean) / this.state.targetStd
    return y
  }
}

/** The optimizer settings an MLP's hyperparameters describe. */
export function optimizerSpec(p: MlpParams) {
  return p.optimizer === 'sgd'
    ? { kind: 'sgd' as const, learningRate: p.learningRate, momentum: p.momentum, weightDecay: p.weightDecay }
    : { kind: p.optimizer, learningRate: p.learningRate, weightDecay: p.weightDecay }
}

/** Softmax of `k` logits into `probs`; returns the argmax. */
export function softmaxRow(
  logits: Float32Array,
  from: number,
  k: number,
  probs: Float64Array,
  to: number,
): number {
  let max = -Infinity
  let best = 0
  for (let c = 0; c < k; c++) {
    const v = logits[from + c]!
    if (v > max) {
      max = v
      best = c
    }
  }
  let sum = 0
  for (let c = 0; c < k; c++) {
    const e = Math.exp(logits[from + c]! - max)
    probs[to + c] = e
    sum += e
  }
  for (let c = 0; c < k; c++) probs[to + c] = probs[to + c]! / sum
  return best
}

/** Split off a validation share of rows (deterministic given the seed). */
export function holdOut(frame: Frame, fraction: number, seed: number): { train: Frame; validation: Frame } {
  const n = frame.rowCount
  const order = new Rng(seed ^ 0x5bd1e995).shuffle(Int32Array.from({ length: n }, (_, i) => i))
  const nv = Math.max(1, Math.floor(n * fraction))
  return { validation: takeRows(frame, order.subarray(0, nv)), train: takeRows(frame, order.subarray(nv)) }
}

/** Row weights from a weight column, or undefined. */
export function rowWeights(frame: Frame, weight: string | undefined): Float32Array | undefined {
  if (!weight) return undefined
  const col = getColumn(frame, weight)
  if (!isNumericColumn(col)) {
    throw new CairnError('CAIRN_FEATURE_MISMATCH', `Weight column "${weight}" must be numeric`)
  }
  return Float32Array.from(col.values, (v) => (Number.isFinite(v) && v > 0 ? v : 0))
}
