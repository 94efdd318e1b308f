export { KnnModel, knnClassifier, knnRegressor } from './knn.js'
export { type Metric, NeighborIndex } from './search.js'
