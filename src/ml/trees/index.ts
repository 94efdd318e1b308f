export type { TreeFeature } from './features.js'
export {
  decisionTreeClassifier,
  decisionTreeRegressor,
  extraTreesClassifier,
  extraTreesRegressor,
  ForestEstimator,
  randomForestClassifier,
  randomForestRegressor,
} from './forest-estimator.js'
export {
  decisionTreeFamily,
  extraTreesFamily,
  ForestModel,
  type ForestState,
  randomForestFamily,
} from './forest-model.js'
export { type ForestKind, type ForestParams, forestDefaults, type TreeCriterion } from './forest-params.js'
export { closeForestThreads, warmForestThreads } from './forest-train.js'
export {
  accumulateBlock,
  accumulateRow,
  CATEGORICAL,
  type FlatTree,
  findLeaf,
  MISSING_LEFT,
  type TreeEnsemble,
  treeCount,
} from './tree-ensemble.js'
