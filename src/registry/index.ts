export { MODEL_VERSION_FILTER_SCHEMA, REGISTERED_MODEL_FILTER_SCHEMA } from './filter-schemas.js'
export { HttpRegistryClient } from './http/http-registry-client.js'
export { type LoadedModelVersion, loadRegisteredModel } from './load-model.js'
export {
  formatModelUri,
  type ModelReference,
  parseModelUri,
  type ResolvedModelVersion,
  resolveModelUri,
} from './model-uri.js'
export type {
  ChangeOptions,
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  HistoryOptions,
  RecordEventInput,
  RegistryClient,
  SearchModelVersionsOptions,
  SearchRegisteredModelsOptions,
  TransitionStageOptions,
} from './registry-client.js'
export { isStage, parseStage } from './stages.js'
export { StoreRegistryClient, type StoreRegistryClientOptions } from './store/store-registry-client.js'
export {
  MODEL_EVENT_KINDS,
  MODEL_STAGES,
  type ModelEvent,
  type ModelStage,
  type ModelVersion,
  type ModelVersionStatus,
  type RegisteredModel,
} from './types.js'
