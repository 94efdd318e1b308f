export { GbdtEstimator, gradientBoosting } from './estimator.js'
export { GbdtModel, type GbdtState, gbdtFamily } from './model.js'
export { type GbdtObjective, type GbdtParams, gbdtDefaults, resolveGbdtParams } from './params.js'
export { closeGbdtThreads, warmGbdtThreads } from './train.js'
