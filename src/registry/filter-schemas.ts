import type { FilterSchema } from '../tracking/index.js'

/** What registered-model search filters and orders on. */
export const REGISTERED_MODEL_FILTER_SCHEMA: FilterSchema = {
  target: 'registered models',
  entities: ['tag', 'attribute'],
  attributes: {
    name: { name: 'name', type: 'string' },
    description: { name: 'description', type: 'string', orderable: false },
    creation_timestamp: { name: 'creation_timestamp', type: 'number' },
    creation_time: { name: 'creation_timestamp', type: 'number' },
    last_updated_timestamp: { name: 'last_updated_timestamp', type: 'number' },
    last_updated_time: { name: 'last_updated_timestamp', type: 'number' },
    timestamp: { name: 'last_updated_timestamp', type: 'number' },
  },
}

/** What model-version search filters and orders on. */
export const MODEL_VERSION_FILTER_SCHEMA: FilterSchema = {
  target: 'model versions',
  entities: ['tag', 'attribute'],
  attributes: {
    name: { name: 'name', type: 'string' },
    version_number: { name: 'version_number', type: 'number' },
    version: { name: 'version_number', type: 'number' },
    run_id: { name: 'run_id', type: 'string' },
    source_path: { name: 'source_path', type: 'string' },
    source: { name: 'source_path', type: 'string' },
    current_stage: { name: 'current_stage', type: 'string' },
    status: { name: 'status', type: 'string' },
    user_id: { name: 'user_id', type: 'string' },
    creation_timestamp: { name: 'creation_timestamp', type: 'number' },
    last_updated_timestamp: { name: 'last_updated_timestamp', type: 'number' },
  },
}

/** Columns of `model_versions` (alias `mv`) behind each attribute. */
export const MODEL_VERSION_COLUMNS: Record<string, string> = {
  name: 'mv.name',
  version_number: 'mv.version',
  run_id: 'mv.run_id',
  source_path: 'mv.source',
  current_stage: 'mv.current_stage',
  status: 'mv.status',
  user_id: 'mv.user_id',
  creation_timestamp: 'mv.creation_time',
  last_updated_timestamp: 'mv.last_updated_time',
}

/** Columns of `registered_models` (alias `rm`) behind each attribute. */
export const REGISTERED_MODEL_COLUMNS: Record<string, string> = {
  name: 'rm.name',
  description: 'rm.description',
  creation_timestamp: 'rm.creation_time',
  last_updated_timestamp: 'rm.last_updated_time',
}
