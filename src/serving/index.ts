// Serving: the online prediction server, batch scoring, the prediction log and feedback.
export {
  type BatchLineage,
  type BatchScoreOptions,
  type BatchScoreResult,
  scoreBatch,
} from './batch/score-batch.js'
export { clusterWorkerOptions, resolveWorkers, runClusterPrimary, shareWorkerMetrics } from './cluster.js'
export {
  configToServeOptions,
  loadServingConfig,
  parseServingConfig,
  parseSize,
  type ServingConfigFile,
  servingConfigSchema,
} from './config/serving-config.js'
export { createServingApp, type ServingAppOptions } from './http/create-app.js'
export { type Feedback, parseFeedback, recordFeedback } from './log/feedback.js'
export type { LogChunk, LogLayout, Variant } from './log/log-layout.js'
export { LogWriter, PredictionLog, type PredictionLogOptions } from './log/prediction-log.js'
export { type ParquetLogLocation, readParquetPredictionLog } from './log/read-parquet-log.js'
export {
  countPredictionLog,
  iteratePredictionLog,
  type PredictionLogQuery,
  type PredictionRecord,
  readPredictionLog,
} from './log/read-prediction-log.js'
export type { LogSink, LogSinkOptions } from './log/sinks/log-sink.js'
export { FastCounter, FastGauge, FastHistogram } from './metrics/fast-metrics.js'
export { ServingMetrics } from './metrics/serving-metrics.js'
export { chooseModel, type Deployment } from './models/deployment.js'
export { type LoadedModel, loadServedModel, predictRows } from './models/loaded-model.js'
export type { ModelSource, ResolvedModel } from './models/model-source.js'
export { needsRegistry, type OpenedSources, openModelSources } from './models/open-sources.js'
export { bundlePathSource } from './models/path-source.js'
export { registrySource, runArtifactSource } from './models/registry-source.js'
export { type ServedModelSpec, ServedModels, type ServedModelsOptions } from './models/served-models.js'
export { PredictionIds } from './predict/prediction-ids.js'
export { type ServeOptions, type ServingHandle, startServing } from './serve.js'
export { inputJsonSchema, rowJsonSchema } from './signature/json-schema.js'
export { compileRowNormalizer, rowsToFrame } from './signature/row-codec.js'
export { compileRowValidator, type RowValidator } from './signature/row-validator.js'
