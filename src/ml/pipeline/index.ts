export {
  DefinedEstimator,
  defineEstimator,
  type EstimatorDefinition,
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
