import type { ActivationKind } from '../layers/activation.js'
import type { ScheduleSpec } from '../schedules.js'

/** Hyperparameters of a multilayer perceptron (classifier or regressor). */
export interface MlpParams {
  /** Units per hidden layer. */
  hiddenLayers: number[]
  activation: ActivationKind
  /** Dropout rate after each hidden activation (0 = none). */
  dropout: number
  /** Layer normalisation after each hidden dense layer. */
  layerNorm: boolean
  optimizer: 'adam' | 'adamw' | 'sgd'
  learningRate: number
  /** L2 (adam, sgd) or decoupled (adamw) weight decay. */
  weightDecay: number
  /** SGD momentum. */
  momentum: number
  batchSize: number
  /** Maximum passes over the data. */
  epochs: number
  schedule: ScheduleSpec
  warmupSteps: number
  /** Early stopping: epochs without validation improvement before stopping (0 = off). */
  patience: number
  /** Rows held out for early stopping when FitOptions.validation is not given. */
  validationFraction: number
  /** Clip the global gradient norm (0 = off). */
  clipNorm: number
}

export const defaultMlpParams: MlpParams = {
  hiddenLayers: [64, 32],
  activation: 'relu',
  dropout: 0,
  layerNorm: false,
  optimizer: 'adam',
  learningRate: 1e-3,
  weightDecay: 0,
  momentum: 0.9,
  batchSize: 32,
  epochs: 50,
  schedule: { kind: 'constant' },
  warmupSteps: 0,
  patience: 5,
  validationFraction: 0.1,
  clipNorm: 0,
}
