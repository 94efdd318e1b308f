export { EarlyStopping } from './early-stopping.js'
export { addRowVector, gemm, gemmNT, gemmTN, sumRows } from './gemm.js'
export { Activation, type ActivationKind, gelu } from './layers/activation.js'
export { Dense } from './layers/dense.js'
export { Dropout } from './layers/dropout.js'
export { Embedding } from './layers/embedding.js'
export type { Layer, LayerConfig } from './layers/layer.js'
export { LayerNorm } from './layers/layer-norm.js'
export { buildMlp, type MlpSpec, mlpConfigs, Sequential } from './layers/sequential.js'
export {
  bprLoss,
  meanSquaredError,
  type SampledSoftmaxInput,
  sampledSoftmax,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
} from './losses.js'
export { type EncodedColumn, type EncoderState, encodeFrame, fitEncoder } from './mlp/encoder.js'
export {
  type MlpEstimatorType,
  type MlpPartialFitStart,
  mlpClassifier,
  mlpRegressor,
  PARALLEL_MIN_FLOPS,
  parallelThreads,
} from './mlp/mlp-estimator.js'
export { mlpFamily } from './mlp/mlp-family.js'
export { MlpModel, type MlpState, type PartialFitOptions } from './mlp/mlp-model.js'
export { defaultMlpParams, type MlpParams } from './mlp/params.js'
export { clipGradNorm, createOptimizer, type Optimizer, type OptimizerSpec } from './optimizers.js'
export { trainNetworkParallel } from './parallel/parallel-trainer.js'
export { initNormal, Param } from './param.js'
export { Rng } from './rng.js'
export { learningRateAt, type ScheduleOptions, type ScheduleSpec } from './schedules.js'
export {
  evaluateLoss,
  type TrainData,
  type TrainHistory,
  type TrainLoopOptions,
  trainNetwork,
} from './train-loop.js'
