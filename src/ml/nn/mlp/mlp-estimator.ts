import { availableParallelism } from 'node:os'
import { CairnError } from '../../../core/index.js'
import type { Frame } from '../../../data/index.js'
import type { Signature } from '../../bundle/index.js'
import type { Estimator, FitOptions } from '../../estimator.js'
import { registerEstimator } from '../../pipeline/estimator-spec.js'
import type { LayerConfig } from '../layers/layer.js'
import { mlpConfigs, Sequential } from '../layers/sequential.js'
import { createOptimizer } from '../optimizers.js'
import { trainNetworkParallel } from '../parallel/parallel-trainer.js'
import { Rng } from '../rng.js'
import { type TrainData, type TrainLoopOptions, trainNetwork } from '../train-loop.js'
import { encodeFrame, encoderInputs, fitEncoder } from './encoder.js'
import { holdOut, MlpModel, type MlpState, optimizerSpec, rowWeights } from './mlp-model.js'
import { defaultMlpParams, type MlpParams } from './params.js'
import { featureNames, numericTarget, targetLabels } from './target.js'

type Task = 'classification' | 'regression'

/** Options for starting an MLP online from its first batch. */
export interface MlpPartialFitStart extends FitOptions {
  /** Classifiers: every class the stream will hold. */
  classes?: readonly string[]
}

class MlpEstimator implements Estimator<MlpModel> {
  readonly family = 'mlp'
  /** The hyperparameters plus `task`, so a spec `{ family: 'mlp', params }` rebuilds the right estimator. */
  readonly params: Readonly<MlpParams & { task: Task }>

  constructor(
    private readonly task: Task,
    params: Partial<MlpParams>,
  ) {
    const { task: _ignored, ...rest } = params as Partial<MlpParams> & { task?: Task }
    this.params = { ...defaultMlpParams, ...rest, task }
    const p = this.params
    if (!p.hiddenLayers.every((h) => Number.isInteger(h) && h > 0)) {
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'hiddenLayers must be positive integers')
    }
    if (!(p.learningRate > 0) || !(p.batchSize >= 1) || !(p.epochs >= 1) || p.dropout < 0 || p.dropout >= 1) {
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Invalid MLP hyperparameters', { details: { ...p } })
    }
  }

  with(params: Record<string, unknown>): MlpEstimator {
    const merged = { ...this.params, ...(params as Partial<MlpParams> & { task?: Task }) }
    return new MlpEstimator(merged.task, merged)
  }

  /**
   * Start an online model from a first batch: one pass (`epochs` from the params is ignored), no
   * early stopping; continue with the model's `partialFit`.
   */
  partialFit(frame: Frame, options: MlpPartialFitStart): Promise<MlpModel> {
    return this.with({ epochs: 1, patience: 0 }).fit(frame, options)
  }

  async fit(frame: Frame, options: MlpPartialFitStart): Promise<MlpModel> {
    if (frame.rowCount === 0) throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'No rows to train on')
    const p = this.params
    const seed = options.seed ?? 0
    const features = featureNames(frame, options.target, options.features, options.weight)
    let train = frame
    let validation = options.validation
    if (!validation && p.patience > 0 && p.validationFraction > 0 && frame.rowCount >= 20) {
      const split = holdOut(frame, p.validationFraction, seed)
      train = split.train
      validation = split.validation
    }
    const encoder = fitEncoder(train, features)
    const signature: Signature = {
      inputs: encoderInputs(encoder),
      output: { task: 'regression', name: options.target },
    }
    let classes: string[] | undefined
    let targetMean = 0
    let targetStd = 1
    if (this.task === 'classification') {
      const labels = targetLabels(train, options.target)
      classes = options.classes
        ? [...options.classes]
        : [...new Set(labels.filter((l): l is string => l !== null))].sort()
      if (classes.length < 2) {
        throw new CairnError(
          'CAIRN_CONSTANT_TARGET',
          `The target "${options.target}" has fewer than two classes`,
        )
      }
      signature.output = {
        task: classes.length === 2 ? 'binary' : 'multiclass',
        name: options.target,
        classes,
      }
    } else {
      const t = numericTarget(train, options.target)
      let s = 0
      let sq = 0
      for (const v of t) {
        s += v
        sq += v * v
      }
      targetMean = s / t.length
      const variance = sq / t.length - targetMean * targetMean
      targetStd = variance > 1e-24 ? Math.sqrt(variance) : 1
    }
    const layers = mlpConfigs({
      inputSize: encoder.width,
      hidden: p.hiddenLayers,
      outputSize: classes ? classes.length : 1,
      activation: p.activation,
      dropout: p.dropout,
      layerNorm: p.layerNorm,
    })
    const net = Sequential.fromConfigs(layers, {}, seed)
    const state: MlpState = {
      task: this.task,
      encoder,
      layers,
      ...(classes ? { classes } : {}),
      targetMean,
      targetStd,
      seed,
      steps: 0,
      rowsSeen: train.rowCount,
      updates: 0,
      trainLoss: [],
      validationLoss: [],
    }
    const shell = new MlpModel(signature, p, state, net, {})
    const optimizer = createOptimizer(optimizerSpec(p))
    const threads = parallelThreads(layers, p.batchSize, options.threads)
    const run =
      threads > 1
        ? (n: Sequential, d: TrainData, o: TrainLoopOptions) =>
            trainNetworkParallel(n, d, { ...o, threads, seed })
        : trainNetwork
    const history = await run(
      net,
      {
        x: encodeFrame(encoder, train),
        rows: train.rowCount,
        y: shell.targetsOf(train, options.target),
        ...weightsOf(train, options.weight),
      },
      {
        loss: classes ? 'softmax-cross-entropy' : 'mse',
        optimizer,
        learningRate: p.learningRate,
        schedule: p.schedule,
        warmupSteps: p.warmupSteps,
        epochs: p.epochs,
        batchSize: p.batchSize,
        rng: new Rng(seed + 1),
        ...(validation
          ? {
              validation: {
                x: encodeFrame(encoder, validation),
                rows: validation.rowCount,
                y: shell.targetsOf(validation, options.target),
              },
              patience: p.patience,
            }
          : {}),
        ...(p.clipNorm > 0 ? { clipNorm: p.clipNorm } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        onEpoch: (epoch, loss, vl) =>
          options.onProgress?.(
            epoch + 1,
            p.epochs,
            vl === undefined ? { loss } : { loss, validationLoss: vl },
          ),
      },
    )
    state.steps = history.steps
    state.trainLoss = history.trainLoss
    state.validationLoss = history.validationLoss
    return new MlpModel(signature, p, state, net, optimizer.state(net.params))
  }
}

/**
 * Threads for data-parallel training: only when a batch holds enough arithmetic to pay for two
 * thread hand-offs per step. Measured in bench/ml2/mlp-threads.ts on a 2-core machine: threads lost
 * up to ~110 MFLOP per batch and won (1.16×) only at ~840 MFLOP per batch, so below 500 MFLOP per
 * batch training stays on one thread whatever `threads` says.
 */
export function parallelThreads(
  layers: readonly LayerConfig[],
  batchSize: number,
  requested: number | undefined,
): number {
  const want = Math.max(1, Math.floor(requested ?? availableParallelism()))
  if (want === 1) return 1
  let macs = 0
  for (const l of layers) if (l.kind === 'dense') macs += l.inputSize * l.outputSize
  const flopsPerBatch = 6 * macs * batchSize
  return flopsPerBatch >= PARALLEL_MIN_FLOPS ? Math.min(want, 8) : 1
}

/** Minimum forward+backward FLOPs in one batch for threads to pay (see parallelThreads). */
export const PARALLEL_MIN_FLOPS = 5e8

function weightsOf(frame: Frame, weight: string | undefined): { weights?: Float32Array } {
  const w = rowWeights(frame, weight)
  return w ? { weights: w } : {}
}

/** An MLP estimator: `fit`, `with`, and `partialFit` to start online from a first batch. */
export type MlpEstimatorType = Estimator<MlpModel> & {
  partialFit(frame: Frame, options: MlpPartialFitStart): Promise<MlpModel>
}

/** A multilayer-perceptron classifier (softmax output; family `mlp`). */
export function mlpClassifier(params: Partial<MlpParams> = {}): MlpEstimatorType {
  return new MlpEstimator('classification', params)
}

/** A multilayer-perceptron regressor (standardised target, MSE loss; family `mlp`). */
export function mlpRegressor(params: Partial<MlpParams> = {}): MlpEstimatorType {
  return new MlpEstimator('regression', params)
}

registerEstimator(
  'mlp',
  (p) => new MlpEstimator(p.task === 'regression' ? 'regression' : 'classification', p as Partial<MlpParams>),
)
