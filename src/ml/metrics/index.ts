export {
  type Average,
  type AveragedMetricOptions,
  accuracy,
  balancedAccuracy,
  type ClassScores,
  type ConfusionMatrix,
  classScores,
  cohenKappa,
  confusionMatrix,
  f1,
  fbeta,
  type LabelMetricOptions,
  matthewsCorrcoef,
  precision,
  recall,
} from './classification.js'
export {
  averagePrecision,
  averagePrecisionOvr,
  type BinaryScoreOptions,
  type MulticlassScoreOptions,
  type PrecisionRecallCurve,
  prAuc,
  precisionRecallCurve,
  type RocCurve,
  rocAuc,
  rocAucOvr,
  rocCurve,
} from './curves.js'
export { encodeLabels, type Label, type LabelArray, sortLabels } from './labels.js'
export { brierScore, logLoss, type ProbabilityMetricOptions } from './probabilistic.js'
export {
  explainedVariance,
  mae,
  mape,
  maxError,
  medianAbsoluteError,
  mse,
  type RegressionMetricOptions,
  r2,
  rmse,
} from './regression.js'
export {
  type ClassifierOutputs,
  defaultMetric,
  getScorer,
  isClassifier,
  listScorers,
  type RegressorOutputs,
  type ScoreOptions,
  type Scorer,
  scoreModel,
} from './scorers.js'
