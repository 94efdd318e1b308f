export * from './baselines/index.js'
export * from './bundle/index.js'
export type { Estimator, FitOptions } from './estimator.js'
export * from './evaluation/index.js'
export * from './explain/index.js'
// trees, forests, histogram gradient boosting, TreeSHAP (issue 5)
export * from './gbdt/index.js'
export * from './linear/index.js'
// metrics, feature matrices (issue 5: linear models, transforms, evaluation, tuning)
export * from './matrix/index.js'
export * from './metrics/index.js'
export * from './naive-bayes/index.js'
export * from './neighbors/index.js'
// neural networks (issue 6): estimators at the top level, building blocks under `nn`
export * as nn from './nn/index.js'
export { MlpModel, type MlpParams, mlpClassifier, mlpFamily, mlpRegressor } from './nn/index.js'
// online learning (issue 6)
export {
  isOnlineModel,
  type OnlineModel,
  type PartialFitOptions,
  type StreamOptions,
  type StreamUpdate,
  updateFromStream,
} from './online/index.js'
// ONNX in and out (issue 6)
export * as onnx from './onnx/index.js'
export {
  exportOnnx,
  importOnnx,
  importOnnxFile,
  loadOnnxRuntime,
  type OnnxImportOptions,
  OnnxModel,
  onnxBundle,
  onnxFamily,
} from './onnx/index.js'
export * from './pipeline/index.js'
// ranking (issue 6)
export * as ranking from './ranking/index.js'
export {
  evaluateRecommender,
  LambdaMartModel,
  lambdaMart,
  leaveLastOut,
  MatrixFactorizationModel,
  matrixFactorization,
  PopularityModel,
  popularityRecommender,
  type Recommendation,
  Recommender,
  TwoTowerModel,
  twoTower,
} from './ranking/index.js'
// text (issue 6)
export * as text from './text/index.js'
export {
  profileText,
  TextClassifierModel,
  type TextProfile,
  textLinearClassifier,
  textLinearFamily,
  textNaiveBayesClassifier,
  textNaiveBayesFamily,
} from './text/index.js'
export * from './transforms/index.js'
export * from './trees/index.js'
export * from './tuning/index.js'
