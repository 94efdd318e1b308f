export {
  type ElasticNetSettings,
  type ElasticNetSolution,
  elasticNet,
  lasso,
  solveElasticNet,
} from './elastic-net.js'
export { type LbfgsOptions, type LbfgsResult, lbfgs, type Objective } from './lbfgs.js'
export { linearRegression, ridge, solveOls, solveRidge } from './least-squares.js'
export { type LinearLink, LinearModel, type LinearState, linearFamily } from './linear-model.js'
export { type LogisticRegressionParams, logisticRegression } from './logistic.js'
export { SgdModel, type SgdPartialFitOptions, sgdClassifier, sgdRegressor } from './sgd.js'
export type { LearningRate, SgdLoss } from './sgd-core.js'
