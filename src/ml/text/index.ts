export { guessLanguage, type LanguageGuess, scriptCounts } from './language.js'
export { murmurhash3 } from './murmur.js'
export { MultinomialNb } from './naive-bayes.js'
export { CsrBuilder, type CsrMatrix, normalizeRows, rowNnz, sliceRows } from './sparse.js'
export { defaultSparseLinearParams, SparseLinear, type SparseLinearParams } from './sparse-linear.js'
export { englishStopWords } from './stop-words.js'
export {
  type TextClassifierParams,
  type TextLinearParams,
  type TextNaiveBayesParams,
  textLinearClassifier,
  textNaiveBayesClassifier,
} from './text-estimator.js'
export {
  documents,
  TextClassifierModel,
  type TextPartialFitOptions,
  textLinearFamily,
  textNaiveBayesFamily,
} from './text-model.js'
export { type Distribution, profileText, type TextProfile } from './text-profile.js'
export { type Analyzer, createAnalyzer, defaultTokenizerOptions, type TokenizerOptions } from './tokenizer.js'
export { Vectorizer, type VectorizerSpec } from './vectorizer.js'
