/** Whether an experiment or run is live or in the trash. */
export type LifecycleStage = 'active' | 'deleted'

/** Which entities a search returns, by lifecycle stage. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const
/** A run's state; FINISHED, FAILED and KILLED are terminal. */
export type RunStatus = (typeof RUN_STATUSES)[number]

/** A page of results; pass `nextPageToken` back to get the next one. */
export interface Page<T> {
  items: T[]
  nextPageToken?: string
}

/** A named group of runs. */
export interface Experiment {
  experimentId: string
  name: string
  artifactLocation: string
  lifecycleStage: LifecycleStage
  creationTime: number
  lastUpdateTime: number
  tags: Record<string, string>
}

/** One logged metric value. NaN is allowed and kept. */
export interface Metric {
  key: string
  value: number
  /** Milliseconds since the epoch. */
  timestamp: number
  step: number
}

/** A metric to log; `timestamp` defaults to now and `step` to 0. */
export interface MetricInput {
  key: string
  value: number
  timestamp?: number
  step?: number
}

/** A key/value pair (params and tags). */
export interface KeyValue {
  key: string
  value: string
}

/** The facts about a run. */
export interface RunInfo {
  runId: string
  runName: string
  experimentId: string
  userId: string
  status: RunStatus
  startTime: number
  endTime: number | null
  artifactUri: string
  lifecycleStage: LifecycleStage
}

/** What a run logged: the latest value of each metric, params and tags. */
export interface RunData {
  metrics: Record<string, Metric>
  params: Record<string, string>
  tags: Record<string, string>
}

/** A data set a run used (MLflow's dataset entity). */
export interface Dataset {
  name: string
  digest: string
  /** `local`, `s3`, `cairn-dataset`, `http`… */
  sourceType: string
  /** Where it is, as JSON or a URI. */
  source: string
  schema?: string | null
  profile?: string | null
}

/** A dataset used by a run, with tags such as `mlflow.data.context` = `training`. */
export interface DatasetInput {
  dataset: Dataset
  tags: Record<string, string>
}

export interface Run {
  info: RunInfo
  data: RunData
  inputs: { datasetInputs: DatasetInput[] }
}

/** Tags Cairn and MLflow give meaning to. */
export const SYSTEM_TAGS = {
  runName: 'mlflow.runName',
  parentRunId: 'mlflow.parentRunId',
  user: 'mlflow.user',
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  gitCommit: 'mlflow.source.git.commit',
  gitBranch: 'mlflow.source.git.branch',
  gitRepoUrl: 'mlflow.source.git.repoURL',
  note: 'mlflow.note.content',
  host: 'cairn.source.host',
  command: 'cairn.source.command',
  datasetContext: 'mlflow.data.context',
} as const
