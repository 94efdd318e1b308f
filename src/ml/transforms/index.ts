export { type BinState, kBinsDiscretizer } from './binning.js'
export { INFREQUENT, MISSING, UNKNOWN } from './categorical-common.js'
export { type ColumnTransformerEntry, columnTransformer, selectedColumns } from './column-transformer.js'
export { type ColumnSelector, isTextType } from './columns.js'
export { defineTransform, type TransformDefinition } from './define-transform.js'
export { MISSING_INDICATOR_SUFFIX, simpleImputer } from './imputer.js'
export { oneHotEncoder } from './one-hot.js'
export { ordinalEncoder } from './ordinal.js'
export { polynomialFeatures } from './polynomial.js'
export {
  getTransformKind,
  listTransformKinds,
  loadTransform,
  registerTransformKind,
  type TransformKind,
  type TransformSpec,
  transformerFromSpec,
} from './registry.js'
export { AffineTransform, minMaxScaler, robustScaler, standardScaler } from './scalers.js'
export { selectColumns } from './select-columns.js'
export { targetEncoder } from './target-encoder.js'
export type {
  FittedTransform,
  MissingPolicy,
  OutputColumn,
  RowLayout,
  RowStep,
  Transformer,
  TransformFitContext,
  TransformParts,
  TransformTarget,
} from './transform.js'
