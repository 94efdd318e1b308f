export {
  checkFiniteColumn,
  checkInputsPresent,
  type FeatureMatrix,
  frameToMatrix,
  matrixColumn,
  matrixToFrame,
  nonFiniteError,
  numericInputs,
  numericValues,
  predictionMatrix,
  type ToMatrixOptions,
  zerosMatrix,
} from './feature-matrix.js'
export {
  cholesky,
  choleskySolve,
  type DenseMatrix,
  gram,
  type LeastSquares,
  leastSquares,
  pseudoInverseSolve,
  symmetricEigen,
  xty,
} from './linalg.js'
export { Rng } from './random.js'
export { compileRowReader, type RowReader, toNumber } from './row-reader.js'
export {
  classificationTarget,
  type EncodedTarget,
  labelAt,
  regressionTarget,
  sampleWeights,
  sortClassLabels,
} from './target.js'
export {
  type ClassificationData,
  checkTrainable,
  classificationData,
  featureNames,
  type PrepareOptions,
  type RegressionData,
  regressionData,
} from './training-data.js'
