/** Tables of the pipelines layer: pipeline runs, stage runs and experiments. */

export interface PipelineRunsTable {
  run_id: string
  project: string
  /** The pipelines run, comma-separated. */
  pipeline: string
  /** The workspace folder it ran in. */
  workspace: string
  /** running | succeeded | failed | cancelled */
  status: string
  /** run | exp | api */
  trigger: string
  experiment_id: string | null
  tracking_run_id: string | null
  host: string
  pid: number
  start_time: number
  end_time: number | null
  stages_total: number
  stages_ran: number
  stages_cached: number
  stages_failed: number
  error: string | null
  /** JSON: the options it ran with (targets, force, jobs…). */
  options: string
}

export interface PipelineStageRunsTable {
  stage_run_id: string
  run_id: string
  pipeline: string
  stage: string
  stage_key: string
  /** running | succeeded | cached | failed | cancelled */
  status: string
  cache_hit: number
  attempts: number
  executor: string
  worker: string | null
  queued_time: number
  start_time: number | null
  end_time: number | null
  duration_ms: number | null
  exit_code: number | null
  error_code: string | null
  error: string | null
  /** The last part of the stage's output. */
  log_tail: string | null
  /** The whole log in the artifact store. */
  log_uri: string | null
  tracking_run_id: string | null
}

export interface PipelineExperimentsTable {
  exp_id: string
  name: string
  project: string
  pipeline: string | null
  sweep_id: string | null
  /** queued | running | succeeded | failed | cancelled */
  status: string
  /** JSON: the -S overrides, `{ "params.yaml": { "train.lr": 0.1 } }`. */
  overrides: string
  /** JSON: every param it ran with, by file then dotted key. */
  params: string
  /** JSON: every metric it produced, by file then dotted key. */
  metrics: string
  /** The experiment's cairn.lock text (its outputs are in the cache under these hashes). */
  lock: string | null
  run_id: string | null
  tracking_run_id: string | null
  /** The git commit the workspace was at, when it is a git repository. */
  baseline: string | null
  creation_time: number
  start_time: number | null
  end_time: number | null
  error: string | null
}

export interface PipelinesTables {
  pipeline_runs: PipelineRunsTable
  pipeline_stage_runs: PipelineStageRunsTable
  pipeline_experiments: PipelineExperimentsTable
}
