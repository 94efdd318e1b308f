export * from './bundle/index.js'
export type { Estimator, FitOptions } from './estimator.js'
