import type { ArtifactStore } from '../store/index.js'
import type { Page } from '../tracking/index.js'
import type { ModelEvent, ModelVersion, RegisteredModel } from './types.js'

export interface CreateRegisteredModelInput {
  name: string
  description?: string
  tags?: Record<string, string>
  /** Who created it (default: the OS user of the calling process). */
  userId?: string
}

export interface SearchRegisteredModelsOptions {
  /** MLflow filter grammar over `name` and `tags.<key>`, e.g. `name LIKE 'housing%'`. */
  filter?: string
  /** e.g. `['name ASC']`, `['last_updated_timestamp DESC']`. */
  orderBy?: string[]
  maxResults?: number
  pageToken?: string
}

export interface CreateModelVersionInput {
  name: string
  /**
   * Where the model's files are: `runs:/<run_id>/<path>` (a run's artifact path) or any artifact
   * URI (`file:///…`, `s3://…`).
   */
  source: string
  runId?: string
  runLink?: string
  description?: string
  tags?: Record<string, string>
  userId?: string
}

export interface SearchModelVersionsOptions {
  /** Filter over `name`, `version_number`, `run_id`, `source_path`, `current_stage`, `tags.<key>`. */
  filter?: string
  orderBy?: string[]
  maxResults?: number
  pageToken?: string
}

export interface TransitionStageOptions {
  /** Move the other versions in the target stage to Archived (MLflow's `archive_existing_versions`). */
  archiveExistingVersions?: boolean
  userId?: string
  comment?: string
}

/** Who did a change and why; stored with the change's event. */
export interface ChangeOptions {
  userId?: string
  comment?: string
}

export interface RecordEventInput {
  name: string
  version?: number | null
  /** A short stable name, e.g. `gate_promote`, `gate_reject`. */
  kind: string
  from?: string | null
  to?: string | null
  userId?: string | null
  comment?: string | null
  payload?: Record<string, unknown> | null
  /** Default: now. */
  timestamp?: number
}

export interface HistoryOptions {
  version?: number
  kinds?: string[]
  /** Newest first; default 1000. */
  limit?: number
}

/**
 * The model registry: registered models, versions, aliases, legacy stages and an event history.
 * `StoreRegistryClient` talks to the metadata store, `HttpRegistryClient` to a `cairn server`;
 * both behave the same. Unknown names give CAIRN_MODEL_NOT_FOUND, unknown versions
 * CAIRN_MODEL_VERSION_NOT_FOUND, unknown aliases CAIRN_ALIAS_NOT_FOUND, bad stages
 * CAIRN_INVALID_STAGE. Every change is recorded in the model's history.
 */
export interface RegistryClient {
  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel>
  getRegisteredModel(name: string): Promise<RegisteredModel>
  renameRegisteredModel(name: string, newName: string, options?: ChangeOptions): Promise<RegisteredModel>
  updateRegisteredModel(name: string, input: { description: string }): Promise<RegisteredModel>
  /** Delete the model with its versions, tags and aliases (its event history stays). */
  deleteRegisteredModel(name: string, options?: ChangeOptions): Promise<void>
  searchRegisteredModels(options?: SearchRegisteredModelsOptions): Promise<Page<RegisteredModel>>
  setRegisteredModelTag(name: string, key: string, value: string): Promise<void>
  deleteRegisteredModelTag(name: string, key: string): Promise<void>
  /** The newest version in each of `stages` (default: every stage). */
  getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]>

  /** Create the next version (1, 2, …); creates the registered model when it does not exist. */
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>
  getModelVersion(name: string, version: number): Promise<ModelVersion>
  updateModelVersion(name: string, version: number, input: { description: string }): Promise<ModelVersion>
  deleteModelVersion(name: string, version: number, options?: ChangeOptions): Promise<void>
  searchModelVersions(options?: SearchModelVersionsOptions): Promise<Page<ModelVersion>>
  setModelVersionTag(name: string, version: number, key: string, value: string): Promise<void>
  deleteModelVersionTag(name: string, version: number, key: string): Promise<void>
  /** Move a version to a legacy stage (None/Staging/Production/Archived, any case). */
  transitionModelVersionStage(
    name: string,
    version: number,
    stage: string,
    options?: TransitionStageOptions,
  ): Promise<ModelVersion>

  /** Point `alias` at `version` (moving it if it pointed elsewhere). */
  setAlias(name: string, alias: string, version: number, options?: ChangeOptions): Promise<void>
  deleteAlias(name: string, alias: string, options?: ChangeOptions): Promise<void>
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>

  /** Record an event in the model's history (e.g. a promotion-gate decision). */
  recordEvent(input: RecordEventInput): Promise<ModelEvent>
  /** The model's history, newest first. */
  history(name: string, options?: HistoryOptions): Promise<ModelEvent[]>

  /**
   * The version's files as an ArtifactStore rooted at its storage location (read it with
   * `readBundleFromStore(store, '')`).
   */
  modelVersionArtifacts(name: string, version: number): Promise<ArtifactStore>

  close(): Promise<void>
}
