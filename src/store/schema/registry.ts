/** Tables of the model registry (MLflow's model plus an event history). */

export interface RegisteredModelsTable {
  name: string
  creation_time: number
  last_updated_time: number
  description: string | null
}

export interface RegisteredModelTagsTable {
  name: string
  key: string
  value: string
}

export interface ModelVersionsTable {
  name: string
  version: number
  creation_time: number
  last_updated_time: number
  description: string | null
  user_id: string | null
  current_stage: string
  source: string
  run_id: string | null
  run_link: string | null
  status: string
  status_message: string | null
  storage_location: string | null
  deleted: number
}

export interface ModelVersionTagsTable {
  name: string
  version: number
  key: string
  value: string
}

export interface RegisteredModelAliasesTable {
  name: string
  alias: string
  version: number
}

/**
 * Everything that happened to a model: stage transitions, alias moves, promotion-gate decisions.
 * `payload` is JSON with the event's details (e.g. champion/challenger metrics for a gate decision).
 */
export interface ModelEventsTable {
  event_id: string
  name: string
  version: number | null
  kind: string
  from_value: string | null
  to_value: string | null
  user_id: string | null
  timestamp: number
  comment: string | null
  payload: string | null
}

export interface RegistryTables {
  registered_models: RegisteredModelsTable
  registered_model_tags: RegisteredModelTagsTable
  model_versions: ModelVersionsTable
  model_version_tags: ModelVersionTagsTable
  registered_model_aliases: RegisteredModelAliasesTable
  model_events: ModelEventsTable
}
