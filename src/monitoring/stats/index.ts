export { type AndersonKSampleResult, andersonKSample } from './anderson-ksamp.js'
export {
  type BinnedShares,
  binSortedNumeric,
  hellingerSortedNumeric,
  MAX_DISCRETE_VALUES,
  sharesFromCounts,
} from './binned.js'
export { chiSquareDrift, chiSquareTest, type TestResult } from './chi-square.js'
export {
  fillZeroShares,
  hellingerFromDensities,
  jensenShannonDistance,
  klDivergence,
  populationStabilityIndex,
} from './divergences.js'
export {
  type DomainClassifierOptions,
  type DomainClassifierResult,
  domainClassifierTest,
} from './domain-classifier.js'
export {
  countDistinctSorted,
  countDistinctUnionSorted,
  distinctUnionSorted,
  histogramSorted,
  histogramValues,
  linspace,
  searchSorted,
  sturgesEdges,
} from './histogram.js'
export { kolmogorovSf, smirnovSf } from './kolmogorov.js'
export { KS_MAX_EXACT_N, type KsMethod, type KsResult, ksStatistic, ksTwoSample } from './ks-two-sample.js'
export { isSortedAscending, radixSortInPlace, type SortedSample, sortFinite } from './sort.js'
export { chiSquareSf, gammaP, gammaQ, logGamma, normalCdf, normalSf } from './special.js'
export { meanStd, normalizedWasserstein, WASSERSTEIN_STD_FLOOR, wassersteinSorted } from './wasserstein.js'
export { twoProportionZTest } from './z-test.js'
