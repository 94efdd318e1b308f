/**
 * Cairn, the MLOps platform for TypeScript. The package root exports the SDK facade and the
 * types most programs need; each layer's full API is also available from its own entry point
 * (`cairn/tracking`, `cairn/registry`, `cairn/server`, …).
 */

export { CairnError, type ErrorCode, isCairnError } from './core/index.js'
export {
  type ModelEvent,
  type ModelStage,
  type ModelVersion,
  parseModelUri,
  type RegisteredModel,
  type RegistryClient,
  type ResolvedModelVersion,
  resolveModelUri,
} from './registry/index.js'
// SDK (tracking, registry)
export {
  ActiveRun,
  Cairn,
  type CairnContext,
  type CairnOpenOptions,
  CairnRegistry,
  CairnTracking,
  type LogMetricOptions,
  type RegisterModelOptions,
  type RegisterOnnxOptions,
  type StartRunOptions,
} from './sdk/index.js'
export type {
  Experiment,
  Metric,
  Page,
  Run,
  RunInfo,
  RunStatus,
  TrackingClient,
} from './tracking/index.js'
