/** The legacy model stages (MLflow's). New code should prefer aliases. */
export const MODEL_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const
export type ModelStage = (typeof MODEL_STAGES)[number]

/** A model version's status; versions Cairn creates are READY at once. */
export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY'

/** A named model with its versions. */
export interface RegisteredModel {
  name: string
  description: string | null
  creationTime: number
  lastUpdatedTime: number
  tags: Record<string, string>
  /** alias → version. */
  aliases: Record<string, number>
  /** The newest version in each stage (MLflow's `latest_versions`). */
  latestVersions: ModelVersion[]
}

/** One version of a registered model: where its files are and which run made it. */
export interface ModelVersion {
  name: string
  version: number
  creationTime: number
  lastUpdatedTime: number
  description: string | null
  userId: string | null
  currentStage: ModelStage
  /** The URI the version was created from (`runs:/<id>/model`, `s3://…`, `file:///…`). */
  source: string
  /** The concrete location of the files (`source` with `runs:/` resolved). */
  storageLocation: string
  runId: string | null
  runLink: string | null
  status: ModelVersionStatus
  statusMessage: string | null
  tags: Record<string, string>
  /** Aliases pointing at this version. */
  aliases: string[]
}

/**
 * One thing that happened to a model, kept forever in `model_events`: version created, stage
 * transition, alias set/moved/deleted, rename, deletion, and decisions recorded by other layers
 * (the monitoring gate's `gate_promote` / `gate_reject`).
 */
export interface ModelEvent {
  eventId: string
  name: string
  version: number | null
  kind: string
  from: string | null
  to: string | null
  userId: string | null
  timestamp: number
  comment: string | null
  payload: Record<string, unknown> | null
}

/** The event kinds the registry itself records. Other layers may record their own kinds. */
export const MODEL_EVENT_KINDS = {
  modelCreated: 'model_created',
  modelRenamed: 'model_renamed',
  modelDeleted: 'model_deleted',
  versionCreated: 'version_created',
  versionDeleted: 'version_deleted',
  stageTransition: 'stage_transition',
  aliasSet: 'alias_set',
  aliasDeleted: 'alias_deleted',
} as const
