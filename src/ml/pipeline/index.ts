export {
  DefinedEstimator,
  defineEstimator,
  type EstimatorDefinition,
  type PartialFitStart,
  throwIfAborted,
} from './define-estimator.js'
export {
  type EstimatorFactory,
  type EstimatorSpec,
  estimatorFromSpec,
  isEstimator,
  listEstimators,
  registerEstimator,
  specOf,
} from './estimator-spec.js'
export { parseParams } from './params.js'
export {
  PipelineEstimator,
  PipelineModel,
  type PipelineParams,
  type PipelineStep,
  pipeline,
  pipelineFamily,
  pipelineFromSpec,
} from './pipeline.js'
export { type VectorPredictable, type VectorPredictor, vectorPredictorOf } from './vector-predictor.js'
