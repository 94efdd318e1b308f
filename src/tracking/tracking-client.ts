import type { ArtifactEntry, ArtifactStore } from '../store/index.js'
import type {
  DatasetInput,
  Experiment,
  KeyValue,
  Metric,
  MetricInput,
  Page,
  Run,
  RunInfo,
  RunStatus,
  ViewType,
} from './types.js'

export interface CreateExperimentInput {
  name: string
  /** Where the experiment's run artifacts go (default: `<experiment_id>` under the artifact store). */
  artifactLocation?: string
  tags?: Record<string, string>
}

export interface SearchExperimentsOptions {
  /** MLflow filter grammar over `name`, `creation_time`, `last_update_time` and `tags.<key>`. */
  filter?: string
  /** e.g. `['name ASC', 'creation_time DESC']`. */
  orderBy?: string[]
  maxResults?: number
  pageToken?: string
  viewType?: ViewType
}

export interface CreateRunInput {
  experimentId: string
  runName?: string
  userId?: string
  startTime?: number
  tags?: Record<string, string>
  /** Makes this a child run (sets the `mlflow.parentRunId` tag). */
  parentRunId?: string
}

export interface UpdateRunInput {
  status?: RunStatus
  endTime?: number
  runName?: string
}

export interface SearchRunsOptions {
  experimentIds: string[]
  /**
   * MLflow's filter grammar: `metrics.rmse < 50000 and params.model = 'gbdt' and tags.team LIKE 'ml%'`,
   * plus `attributes.status`, `run_name`, `start_time`, `run_id IN (…)`, `datasets.name` …,
   * `OR` and parentheses.
   */
  filter?: string
  /** e.g. `['metrics.rmse ASC', 'start_time DESC']`; default `start_time DESC`. */
  orderBy?: string[]
  /** Default 1000, at most 50,000. */
  maxResults?: number
  pageToken?: string
  viewType?: ViewType
}

export interface LogBatchInput {
  metrics?: MetricInput[]
  params?: KeyValue[]
  tags?: KeyValue[]
}

export interface MetricHistoryOptions {
  maxResults?: number
  pageToken?: string
}

/**
 * Experiment tracking: experiments, runs, params, metrics, tags, artifacts and dataset inputs.
 * Two implementations behave the same: `StoreTrackingClient` (straight to the metadata and
 * artifact stores) and `HttpTrackingClient` (to a `cairn server`).
 *
 * Errors: unknown ids give CAIRN_EXPERIMENT_NOT_FOUND / CAIRN_RUN_NOT_FOUND, a param logged
 * again with another value gives CAIRN_PARAM_CHANGED, a bad metric CAIRN_INVALID_METRIC, an
 * oversized batch CAIRN_BATCH_TOO_LARGE, a malformed filter CAIRN_INVALID_FILTER. A batch is
 * stored whole or not at all.
 */
export interface TrackingClient {
  createExperiment(input: CreateExperimentInput): Promise<Experiment>
  getExperiment(experimentId: string): Promise<Experiment>
  /** CAIRN_EXPERIMENT_NOT_FOUND when there is none (deleted experiments are found). */
  getExperimentByName(name: string): Promise<Experiment>
  searchExperiments(options?: SearchExperimentsOptions): Promise<Page<Experiment>>
  renameExperiment(experimentId: string, newName: string): Promise<void>
  /** Move to the trash with its runs; `restoreExperiment` brings both back. */
  deleteExperiment(experimentId: string): Promise<void>
  restoreExperiment(experimentId: string): Promise<void>
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void>
  deleteExperimentTag(experimentId: string, key: string): Promise<void>

  createRun(input: CreateRunInput): Promise<Run>
  getRun(runId: string): Promise<Run>
  updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo>
  deleteRun(runId: string): Promise<void>
  restoreRun(runId: string): Promise<void>
  searchRuns(options: SearchRunsOptions): Promise<Page<Run>>

  /**
   * Log metrics, params and tags in one transaction: all are stored or none. At most 1000
   * metrics, 100 params, 100 tags and 1000 entries in total (MLflow's limits).
   */
  logBatch(runId: string, batch: LogBatchInput): Promise<void>
  logMetric(runId: string, metric: MetricInput): Promise<void>
  /** Params are immutable: the same value again is fine, another value is CAIRN_PARAM_CHANGED. */
  logParam(runId: string, key: string, value: string): Promise<void>
  setTag(runId: string, key: string, value: string): Promise<void>
  deleteTag(runId: string, key: string): Promise<void>
  /** Every value logged for a metric, ordered by step then timestamp. */
  getMetricHistory(runId: string, key: string, options?: MetricHistoryOptions): Promise<Page<Metric>>
  /** Record datasets the run used (for lineage); logging the same dataset twice is a no-op. */
  logInputs(runId: string, inputs: DatasetInput[]): Promise<void>

  /**
   * The run's artifacts as an ArtifactStore rooted at the run's artifact root: every path is
   * relative to it and cannot escape it (CAIRN_INVALID_ARTIFACT_PATH).
   */
  runArtifacts(runId: string): Promise<ArtifactStore>
  /** Store bytes as one artifact of the run. */
  logArtifact(runId: string, path: string, data: Uint8Array | string): Promise<void>
  /**
   * Upload a local file or folder into the run's artifacts under `artifactDir` (like MLflow's
   * `log_artifact(s)`: a file keeps its base name; a folder's contents are copied).
   */
  logArtifacts(runId: string, localPath: string, artifactDir?: string): Promise<number>
  listArtifacts(runId: string, path?: string): Promise<ArtifactEntry[]>
  downloadArtifact(runId: string, path: string): Promise<Buffer>

  close(): Promise<void>
}
