import type { FilterSchema } from './parser.js'

/** What run search filters and orders on (MLflow's grammar, plus OR and parentheses). */
export const RUN_FILTER_SCHEMA: FilterSchema = {
  target: 'runs',
  entities: ['metric', 'param', 'tag', 'attribute', 'dataset'],
  attributes: {
    run_id: { name: 'run_id', type: 'string' },
    run_uuid: { name: 'run_id', type: 'string' },
    run_name: { name: 'run_name', type: 'string' },
    runname: { name: 'run_name', type: 'string' },
    status: { name: 'status', type: 'string' },
    user_id: { name: 'user_id', type: 'string' },
    artifact_uri: { name: 'artifact_uri', type: 'string' },
    lifecycle_stage: { name: 'lifecycle_stage', type: 'string' },
    start_time: { name: 'start_time', type: 'number' },
    created: { name: 'start_time', type: 'number' },
    end_time: { name: 'end_time', type: 'number' },
  },
  datasetFields: ['name', 'digest', 'context'],
}

/** What experiment search filters and orders on. */
export const EXPERIMENT_FILTER_SCHEMA: FilterSchema = {
  target: 'experiments',
  entities: ['tag', 'attribute'],
  attributes: {
    experiment_id: { name: 'experiment_id', type: 'string' },
    name: { name: 'name', type: 'string' },
    creation_time: { name: 'creation_time', type: 'number' },
    last_update_time: { name: 'last_update_time', type: 'number' },
  },
}
