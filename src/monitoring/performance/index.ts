export {
  computePerformance,
  greaterIsBetter,
  type PerformanceOptions,
  type PerformanceReport,
  type PredictionsWithLabels,
  performanceMetricNames,
  performanceOptionsSchema,
} from './performance.js'
