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
