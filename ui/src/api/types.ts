/**
 * Shapes of the native API's answers, as the UI reads them. Where the server's source already
 * defines the JSON shape, the UI uses that type: type-only imports, erased by the build (nothing
 * of the server enters the bundle); those files import nothing, so the UI's type check stays
 * free of Node's types.
 */
import type { AlertState } from '../../../src/monitoring/alerts/alert-state.js'
import type { DriftReport } from '../../../src/monitoring/drift/types.js'

export type { ColumnDriftResult as ColumnDrift } from '../../../src/monitoring/drift/types.js'
export type { ModelEvent, ModelVersion, RegisteredModel } from '../../../src/registry/types.js'
export type { Experiment } from '../../../src/tracking/types.js'
export type { AlertState, DriftReport }

export interface Page<T> {
  items: T[]
  nextPageToken?: string | null
}

export interface ExperimentStats {
  experimentId: string
  runs: number
  lastRunTime: number | null
}

export interface Metric {
  key: string
  value: number | string
  timestamp: number
  step: number
}

export interface DatasetInput {
  dataset: { name: string; digest: string; sourceType: string; source: string; schema?: string | null }
  tags: Record<string, string>
}

export interface Run {
  info: {
    runId: string
    runName: string
    experimentId: string
    userId: string
    status: string
    startTime: number
    endTime: number | null
    artifactUri: string
    lifecycleStage: string
  }
  data: { metrics: Record<string, Metric>; params: Record<string, string>; tags: Record<string, string> }
  inputs: { datasetInputs: DatasetInput[] }
}

export interface RunColumns {
  params: string[]
  metrics: string[]
  tags: string[]
}

export interface MetricSeries {
  runId: string
  key: string
  x: 'step' | 'time'
  total: number
  downsampled: boolean
  xs: number[]
  ys: (number | null)[]
  mins?: number[]
  maxs?: number[]
}

export interface RunLineage {
  runId: string
  parent: { runId: string; runName: string | null; status: string | null; missing?: boolean } | null
  children: {
    runId: string
    runName: string
    status: string
    startTime: number
    metrics: Record<string, number | string>
  }[]
  datasets: DatasetInput[]
  modelVersions: { name: string; version: number; aliases: string[]; currentStage: string; source: string }[]
  git: { commit: string | null; branch: string | null; repoUrl: string | null }
  source: {
    name: string | null
    type: string | null
    command: string | null
    host: string | null
    user: string | null
  }
  pipelineStages: {
    pipelineRunId: string
    pipeline: string
    stage: string
    status: string
    stageRunId: string
    cacheHit: boolean
    endTime: number | null
  }[]
}

export interface ArtifactEntry {
  path: string
  isDir: boolean
  size?: number
}

export type ArtifactPreview =
  | { kind: 'text'; path: string; size: number; text: string; truncated: boolean; language?: string }
  | { kind: 'json'; path: string; size: number; json: unknown }
  | { kind: 'csv'; path: string; size: number; header: string[]; rows: string[][]; truncated: boolean }
  | { kind: 'image'; path: string; size: number; contentType: string }
  | {
      kind: 'model'
      path: string
      size: number
      manifest: BundleManifest
      files: { path: string; size?: number }[]
    }
  | { kind: 'binary'; path: string; size: number }

export interface InputSpec {
  name: string
  type: 'number' | 'integer' | 'boolean' | 'category' | 'string' | 'text' | 'datetime'
  nullable: boolean
  categories?: string[]
  min?: number
  max?: number
  description?: string
}

export interface Signature {
  inputs: InputSpec[]
  output: { task: string; name: string; classes?: string[] }
}

export interface BundleManifest {
  family: string
  format?: string
  formatVersion?: number
  signature: Signature
  hyperparameters?: unknown
  metrics?: Record<string, number>
  lineage?: Record<string, unknown>
  [key: string]: unknown
}

export interface Overview {
  experiments: number
  runs: number
  models: number
  modelVersions: number
  datasets: number
  pipelineRuns: number
  monitors: number
  firingAlerts: number
}

export interface DatasetSummary {
  name: string
  description?: string
  createdAt: number
  updatedAt: number
  latestVersion?: string
  partitionKey?: string
  versionCount: number
}

export interface ColumnSchema {
  name: string
  type: string
  nullable: boolean
  role?: string
  categories?: string[]
  description?: string
  [key: string]: unknown
}

export interface Histogram {
  edges: number[]
  counts: number[]
}

export type ColumnProfile =
  | {
      kind: 'numeric'
      name: string
      type: string
      count: number
      missing: number
      missingFraction: number
      distinct: number
      min: number | null
      max: number | null
      mean: number | null
      std: number | null
      zeros: number
      quantiles: Record<string, number | null>
      histogram: Histogram
    }
  | {
      kind: 'categorical'
      name: string
      type: string
      count: number
      missing: number
      missingFraction: number
      distinct: number
      topK: { value: string; count: number }[]
      otherCount: number
    }
  | {
      kind: 'text'
      name: string
      type: string
      count: number
      missing: number
      missingFraction: number
      distinct: number
      length: { min: number | null; max: number | null; mean: number | null }
      blank: number
    }
  | {
      kind: 'datetime'
      name: string
      type: string
      count: number
      missing: number
      missingFraction: number
      distinct: number
      min: number | null
      max: number | null
      minIso: string
      maxIso: string
      histogram: Histogram
    }

export interface ValidationSummary {
  success: boolean
  suite?: string
  policy: string
  rowCount: number
  goodRowCount: number
  quarantinedRowCount: number
  malformedCount: number
  failed: string[]
  quarantine?: string
}

export interface DatasetVersion {
  name: string
  version: string
  seq: number
  createdAt: number
  contentHash: string
  rowCount: number
  columnCount: number
  sizeBytes: number
  schema: { columns: ColumnSchema[] }
  profile?: { rowCount: number; columns: ColumnProfile[]; settings: { bins: number; topK: number } }
  hasProfile?: boolean
  partitions: { key: string; object: string; rows: number; bytes: number }[]
  parents: string[]
  transform?: { kind: string; description?: string; sql?: string; [k: string]: unknown }
  source?: { kind: string; uri: string; format?: string; [k: string]: unknown }
  validation?: ValidationSummary
  description?: string
  tags: Record<string, string>
  createdBy?: string
}

export interface DatasetRows {
  name: string
  version: string
  total: number
  offset: number
  columns: { name: string; type: string }[]
  rows: unknown[][]
}

export interface StageLast {
  stage: string
  status: string
  cacheHit: boolean
  runId: string
  stageRunId: string
  endTime: number | null
  durationMs: number | null
  trackingRunId: string | null
}

export interface PipelineStage {
  id: string
  name: string
  command?: string
  deps?: string[]
  outs?: { path: string; role: string; cache: boolean }[]
  params?: string[]
  upstream: string[]
  frozen?: boolean
  desc?: string | null
  last: StageLast | null
}

export interface PipelineRunRecord {
  runId: string
  project: string
  pipeline: string
  workspace: string
  status: string
  trigger: string
  trackingRunId: string | null
  host: string
  startTime: number
  endTime: number | null
  stagesTotal: number
  stagesRan: number
  stagesCached: number
  stagesFailed: number
  error: string | null
}

export interface PipelineInfo {
  name: string
  defined: boolean
  source: string | null
  stages: PipelineStage[]
  lastRun: PipelineRunRecord | null
}

export interface PipelinesAnswer {
  root: string | null
  error: { code: string; message: string; hint?: string } | null
  pipelines: PipelineInfo[]
}

export interface StageRunRecord {
  stageRunId: string
  runId: string
  pipeline: string
  stage: string
  stageKey: string
  status: string
  cacheHit: boolean
  attempts: number
  executor: string
  worker: string | null
  queuedTime: number
  startTime: number | null
  endTime: number | null
  durationMs: number | null
  exitCode: number | null
  errorCode: string | null
  error: string | null
  logTail: string | null
  trackingRunId: string | null
}

export interface LiveRun {
  id: string
  runId: string | null
  pipeline: string
  startedAt: number
  endedAt: number | null
  ok: boolean | null
  stages: Record<string, string>
  output: string[]
  error: { code: string; message: string; hint?: string } | null
  summary: { stage: string; status: string }[]
}

export interface AlertEvent {
  eventId: string
  monitor: string
  rule: string
  status: 'firing' | 'resolved'
  timestamp: number
  windowEnd: number | null
  value: number | null
  message: string
}

export interface MonitorRunSummary {
  runId: string
  monitor: string
  windowStart: number
  windowEnd: number
  kind: 'window' | 'batch'
  status: string
  rowCount: number
  labelledRows: number
  datasetDrift: boolean | null
  driftShare: number | null
  driftedColumns: number
  evaluatedColumns: number
  qualityFailures: number
  predictionDrift: boolean | null
  startTime: number
  endTime: number
  /** The window's label ("2026-11-22", "hour 6"), when it has one. */
  label?: string | null
}

export interface MonitorRecord {
  name: string
  model: string | null
  config: Record<string, unknown>
  creationTime: number
  lastUpdatedTime: number
}

export interface MonitorListItem extends MonitorRecord {
  lastRun: MonitorRunSummary | null
  alerts: AlertState[]
}

export interface QualityCheck {
  check: string
  column?: string | null
  status: 'pass' | 'fail' | 'warn' | 'skip' | string
  observed?: unknown
  expected?: unknown
  message?: string
  [k: string]: unknown
}

export interface MonitorResult {
  runId: string
  monitor: string
  model: string | null
  window: { start: number; end: number; kind: string; label: string }
  status: string
  rowCount: number
  labelledRows: number
  drift: DriftReport | null
  predictionDrift: DriftReport | null
  quality: { failures: number; checks: QualityCheck[]; [k: string]: unknown }
  performance: { task?: string; metrics: Record<string, number>; [k: string]: unknown } | null
  evaluatedAt: number
  durationMs: number
}

export interface SeriesPoint {
  windowStart: number
  windowEnd: number
  name: string
  test: string | null
  value: number | null
  threshold: number | null
  flagged: boolean | null
}

export interface PlaygroundModel {
  uri: string
  name: string
  version: string
  family: string
  signature: Signature
  task: string
  classes: string[] | null
}

export interface PlaygroundAnswer {
  model: string
  version: string
  task: string
  predictions: { prediction: number | string | null; probabilities?: Record<string, number | null> }[]
  latencyMs: number
}
