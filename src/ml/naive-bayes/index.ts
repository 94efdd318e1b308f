export {
  gaussianNb,
  multinomialNb,
  NaiveBayesModel,
  type NaiveBayesPartialFitOptions,
} from './naive-bayes.js'
