export {
  BaselineModel,
  type BaselineState,
  baselineClassifierFamily,
  baselineRegressorFamily,
} from './baseline-model.js'
export { baselineClassifier, baselineRegressor } from './baselines.js'
export { type Rule, type RuleCondition, RuleModel, ruleFamily, ruleModel } from './rules.js'
