export {
  alignCounts,
  type CategoricalSample,
  type ColumnSample,
  defaultKind,
  type NumericSample,
  prepareColumn,
  sampleSize,
  type TextSample,
} from './column-sample.js'
export {
  autoTest,
  columnDrift,
  computeDrift,
  displayDistribution,
  type PreparedReference,
  prepareReference,
  summarizeDrift,
} from './compute-drift.js'
export {
  type ColumnDriftOptions,
  columnDriftOptionsSchema,
  DEFAULT_DRIFT_SHARE,
  type DriftOptions,
  driftOptionsSchema,
  SMALL_REFERENCE_ROWS,
} from './drift-options.js'
export { computeDriftParallel, type ParallelDriftOptions } from './parallel-drift.js'
export { computeDriftFromProfile, PROFILE_TESTS } from './profile-drift.js'
export { type StatTest, type StatTestOutcome, statTestNames, statTests } from './stat-tests.js'
export type {
  ColumnDistribution,
  ColumnDriftResult,
  ColumnDriftStatus,
  ColumnKind,
  DriftReport,
  ScoreKind,
  StatTestName,
} from './types.js'
