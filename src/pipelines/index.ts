export { type CachedOutput, type RunCacheEntry, StageCache } from './cache/stage-cache.js'
export {
  type AnyStageDefinition,
  definePipeline,
  type ForeachStageDefinition,
  isPipelineDefinition,
  type MatrixStageDefinition,
  type OutDefinition,
  type PipelineDefinition,
  type PlotDefinition,
  type StageDefinition,
} from './definition/define-pipeline.js'
export {
  type LoadPipelinesOptions,
  loadPipelines,
  type ProjectPipelines,
} from './definition/load-pipelines.js'
export type {
  ExecuteHooks,
  JobCommand,
  JobDep,
  ProducedOutput,
  StageExecutor,
  StageJob,
  StageJobResult,
} from './executor/executor.js'
export { LocalExecutor, type LocalExecutorOptions } from './executor/local/local-executor.js'
export { createRedisExecutor, startStageWorker } from './executor/redis/load.js'
export { DEFAULT_STAGE_QUEUE } from './executor/redis/queue-name.js'
export type { RedisExecutorOptions } from './executor/redis/redis-executor.js'
export type { StageWorker, StageWorkerOptions } from './executor/redis/stage-worker.js'
export {
  applyExperiment,
  compareExperiments,
  type ExperimentRow,
} from './experiments/apply-experiment.js'
export { type ExperimentRecord, ExperimentRecords } from './experiments/exp-records.js'
export {
  createExperimentWorkspace,
  type ExperimentWorkspace,
  writeParamsFile,
} from './experiments/exp-workspace.js'
export {
  checkOverrides,
  expandOverrides,
  type OverrideSet,
  type ParamOverride,
  parseOverride,
} from './experiments/overrides.js'
export {
  type RunExperimentsOptions,
  runExperiments,
  runQueuedExperiments,
} from './experiments/run-experiments.js'
export { resolveDatasetDep, resolveModelDep } from './external-deps.js'
export {
  buildGraph,
  checkOutputs,
  pipelineGraph,
  type StageGraph,
  selectStages,
} from './graph/build-graph.js'
export { dotDag, drawDag, mermaidDag } from './graph/draw-dag.js'
export { HashCache } from './hashing/hash-cache.js'
export { type DirFile, hashPath, type PathHash } from './hashing/hash-path.js'
export { acquireMutex, type HeldMutex, tryAcquireMutex } from './lock/file-mutex.js'
export {
  LOCK_FILE,
  type LockedExternal,
  type LockedPath,
  type LockState,
  parseLockText,
  readLockFile,
  type StageLock,
} from './lock/lock-file.js'
export { numericMetrics, parseMetricsText, readStageMetrics } from './metrics/read-metrics.js'
export {
  diffMetrics,
  diffParams,
  type MetricDiff,
  type ParamDiff,
  readSnapshot,
  type Snapshot,
} from './metrics/refs.js'
export {
  DEFAULT_PIPELINE,
  type DepSpec,
  type ExternalResolvers,
  type OutSpec,
  type ParamRef,
  type PipelineSpec,
  type PlotSpec,
  type ResolvedExternal,
  type StageCommand,
  type StageContext,
  type StageFunction,
  type StageSpec,
  stageId,
} from './model.js'
export {
  allParams,
  DEFAULT_PARAMS_FILE,
  flattenParams,
  ParamsFiles,
  trackingParams,
} from './params/params-files.js'
export { type PlotRow, parsePlotData } from './plots/plot-data.js'
export { type PlotsPageOptions, renderPlotsPage } from './plots/plots-page.js'
export { createRunProgress, type RunProgressOptions } from './progress/run-progress.js'
export { type PipelineRunRecord, RunRecords, type StageRunRecord } from './records/run-records.js'
export { type CheckoutEntry, type CheckoutOptions, checkoutOutputs } from './run/checkout.js'
export type { RunEvent, StageOutcome, StageState, StageStatus } from './run/events.js'
export { type RunPipelineOptions, type RunResult, runPipeline } from './run/run-pipeline.js'
export { TrackingLink, type TrackingOptions } from './run/tracking-link.js'
export {
  type EvaluationContext,
  evaluateStage,
  type StageEvaluation,
  stageKey,
} from './state/evaluate-stage.js'
export { describeReason, type StaleReason } from './state/stale-reasons.js'
export { type OpenWorkspaceOptions, openPipelineWorkspace, type PipelineWorkspace } from './workspace.js'
