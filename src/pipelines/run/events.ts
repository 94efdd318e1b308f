import type { CairnError } from '../../core/index.js'
import type { StaleReason } from '../state/stale-reasons.js'

/** How a stage ended up in a run. */
export type StageStatus =
  /** Nothing changed since the lock file's entry. */
  | 'up-to-date'
  /** Its command ran and succeeded. */
  | 'ran'
  /** Its outputs came from the cache (a run with the same key was seen before). */
  | 'restored'
  | 'failed'
  /** Not run because a stage it depends on failed. */
  | 'blocked'
  /** Not started because another stage failed (without --keep-going) or the run was cancelled. */
  | 'not-run'
  | 'cancelled'
  /** `frozen: true`: never run. */
  | 'frozen'
  /** Dry run: it would run, or would be restored from the cache. */
  | 'would-run'
  | 'would-restore'

/** A stage's result in a run. */
export interface StageOutcome {
  /** `train`, or `nightly:train` outside the default pipeline. */
  id: string
  pipeline: string
  stage: string
  status: StageStatus
  /** Why it ran (or would run). */
  reasons: StaleReason[]
  key?: string
  stageRunId?: string
  attempts?: number
  /** Wall time of the stage's own work (run or restore), ms. */
  durationMs?: number
  startedAt?: number
  endedAt?: number
  trackingRunId?: string
  logFile?: string
  error?: CairnError
}

/** A live state change of a stage, for progress displays. */
export type StageState =
  | 'checking'
  | 'waiting'
  | 'queued'
  | 'running'
  | 'restoring'
  | 'retrying'
  | 'committing'
  | StageStatus

/** What a run reports while it goes. */
export type RunEvent =
  | { type: 'run-start'; runId: string; stages: string[]; slots: number; dryRun: boolean }
  | {
      type: 'stage'
      id: string
      state: StageState
      at: number
      detail?: string
      attempt?: number
      outcome?: StageOutcome
    }
  | { type: 'output'; id: string; text: string }
  | { type: 'warning'; message: string }
  | { type: 'run-end'; ok: boolean; durationMs: number }
