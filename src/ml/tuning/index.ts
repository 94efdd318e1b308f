export { type MedianPrunerOptions, medianPruner, type Pruner, type PrunerHistory } from './pruner.js'
export type { TrialConfig, TrialOutcome } from './run-trial.js'
export {
  gridSampler,
  type Observation,
  randomSampler,
  type Sampler,
  type TpeOptions,
  tpeSampler,
} from './samplers.js'
export {
  type Choice,
  categorical,
  floatParam,
  intParam,
  type ParamDistribution,
  type SearchSpace,
} from './space.js'
export {
  inferTuneMetric,
  type Trial,
  type TrialEvent,
  type TuneOptions,
  type TuneResult,
  tune,
} from './tune.js'
