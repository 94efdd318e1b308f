/** Tables of the tracking layer (MLflow's model: experiments, runs, params, metrics, tags, inputs). */

export interface ExperimentsTable {
  experiment_id: string
  name: string
  artifact_location: string
  lifecycle_stage: string
  creation_time: number
  last_update_time: number
}

export interface ExperimentTagsTable {
  experiment_id: string
  key: string
  value: string
}

export interface RunsTable {
  run_uuid: string
  experiment_id: string
  run_name: string
  user_id: string
  status: string
  start_time: number
  end_time: number | null
  lifecycle_stage: string
  artifact_uri: string
  deleted_time: number | null
}

export interface ParamsTable {
  run_uuid: string
  key: string
  value: string
}

export interface RunTagsTable {
  run_uuid: string
  key: string
  value: string
}

export interface MetricsTable {
  run_uuid: string
  key: string
  value: number
  timestamp: number
  step: number
  /** 1 when the logged value was NaN (SQLite cannot store NaN; `value` is then 0). */
  is_nan: number
}

export interface LatestMetricsTable extends MetricsTable {}

export interface DatasetsTable {
  dataset_uuid: string
  experiment_id: string
  name: string
  digest: string
  source_type: string
  source: string
  schema: string | null
  profile: string | null
}

export interface InputsTable {
  input_uuid: string
  source_type: string
  source_id: string
  destination_type: string
  destination_id: string
}

export interface InputTagsTable {
  input_uuid: string
  key: string
  value: string
}

export interface TrackingTables {
  experiments: ExperimentsTable
  experiment_tags: ExperimentTagsTable
  runs: RunsTable
  params: ParamsTable
  tags: RunTagsTable
  metrics: MetricsTable
  latest_metrics: LatestMetricsTable
  datasets: DatasetsTable
  inputs: InputsTable
  input_tags: InputTagsTable
}
