export { frameWindowSource } from './frame-source.js'
export {
  Monitor,
  type MonitorBatch,
  type MonitorOptions,
  type MonitorReferenceData,
  type PredictionSet,
  type RecordedResult,
  type WindowSource,
} from './monitor.js'
export {
  type MonitorConfig,
  monitorConfigSchema,
  parseMonitorConfig,
  type RetrainConfig,
  retrainConfigSchema,
} from './monitor-config.js'
export type { MonitorResult, ResultWindow } from './monitor-result.js'
export {
  inputsToFrame,
  type PredictionLogSourceOptions,
  predictionLogSource,
  recordsToBatch,
} from './prediction-log-source.js'
