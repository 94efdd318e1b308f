export {
  type CrossValidateOptions,
  type CrossValidateResult,
  crossValidate,
  defaultSplitter,
  type FoldResult,
  makeFolds,
} from './cross-validate.js'
export {
  type LearningCurve,
  type LearningCurveOptions,
  type LearningCurvePoint,
  learningCurve,
} from './learning-curve.js'
export {
  type FeatureImportance,
  type PermutationImportanceOptions,
  type PermutationImportanceResult,
  permutationImportance,
} from './permutation-importance.js'
export {
  columnLabels,
  type Fold,
  groupKFold,
  type KFoldOptions,
  kFold,
  type SplitInput,
  type Splitter,
  stratifiedKFold,
  type TimeSeriesSplitOptions,
  type TrainTestSplitOptions,
  timeSeriesSplit,
  trainTestSplit,
} from './splits.js'
export {
  type MakeClassificationOptions,
  type MakeRegressionOptions,
  makeChurnTable,
  makeClassification,
  makeRegression,
} from './synthetic.js'
