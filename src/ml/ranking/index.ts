export { alsHalfStep, alsHalfStepCg, choleskySolve } from './als.js'
export { evaluateRecommender } from './evaluate.js'
export {
  type InteractionColumns,
  type Interactions,
  idValues,
  indexInteractions,
  leaveLastOut,
  userItemLists,
} from './interactions.js'
export {
  defaultLambdaMartParams,
  LambdaMartModel,
  type LambdaMartParams,
  lambdaGradients,
  lambdaMart,
  lambdaMartFamily,
} from './lambdamart.js'
export {
  MatrixFactorizationModel,
  type MatrixFactorizationParams,
  matrixFactorization,
  matrixFactorizationFamily,
} from './matrix-factorization.js'
export {
  averagePrecisionAtK,
  groupedNdcg,
  hitRateAtK,
  ndcgAtK,
  precisionAtK,
  type RankedQuery,
  type Relevance,
  rankingReport,
  recallAtK,
  reciprocalRank,
} from './metrics.js'
export {
  PopularityModel,
  popularityFamily,
  popularityRecommender,
  type RecommenderColumns,
} from './popularity.js'
export {
  type ColdStart,
  type RankingPrediction,
  type Recommendation,
  Recommender,
  type RecommenderState,
  type RecommendOptions,
} from './recommender.js'
export { topK } from './top-k.js'
export { Tower } from './tower.js'
export {
  defaultTwoTowerParams,
  TwoTowerModel,
  type TwoTowerParams,
  twoTower,
  twoTowerFamily,
} from './two-tower.js'
