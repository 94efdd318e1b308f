import type { ErrorCode } from '../../core/index.js'
import type { PathHash } from '../hashing/hash-path.js'
import type { OutSpec, ResolvedExternal, StageFunction } from '../model.js'
import type { StageErrorCause } from './stage-error.js'

/** How a job's stage runs: a shell command, a module export, or (local only) a function. */
export type JobCommand =
  | { kind: 'cmd'; cmd: string }
  | { kind: 'module'; module: string; export: string }
  | { kind: 'function'; fn: StageFunction }

/** A dependency file or folder as the job needs it (remote workers fetch it from the cache by hash). */
export interface JobDep {
  path: string
  hash: string
  size: number
  isDir: boolean
}

/**
 * One stage to run: plain data (but for function stages), so a remote executor can send it to
 * a worker. Paths are workspace-relative.
 */
export interface StageJob {
  /** The stage run's id (also the job id). */
  id: string
  /** The workspace the runner works in (local executors run there; remote workers fetch deps instead). */
  workspace: string
  runId: string
  pipeline: string
  stage: string
  /** The stage key the outputs will be cached under. */
  key: string
  command: JobCommand
  wdir: string
  deps: JobDep[]
  outs: Pick<OutSpec, 'path' | 'cache' | 'persist' | 'role'>[]
  /** The declared params' values, nested (`{ train: { lr: 0.1 } }`). */
  params: Record<string, unknown>
  item: unknown
  external: Record<string, ResolvedExternal>
  env: Record<string, string>
  timeoutMs: number | undefined
  /** 1 for the first try. */
  attempt: number
  trackingRunId: string | undefined
}

/** An output a job produced. */
export interface ProducedOutput extends PathHash {
  path: string
}

/** How a job ended. */
export interface StageJobResult {
  ok: boolean
  /** Set when `ok` is false. */
  error?: {
    code: ErrorCode
    message: string
    hint?: string
    /** What the stage itself threw or printed (its own code, message and hint). */
    cause?: StageErrorCause
    /** The last part of the stage's stderr (commands). */
    stderrTail?: string
  }
  exitCode?: number | null
  signal?: string | null
  startedAt: number
  endedAt: number
  /** The last part of the stage's output (stdout and stderr interleaved). */
  logTail: string
  /** The whole log as a local file (local executor). */
  logFile?: string
  /** The whole log in the artifact store (remote executors upload it). */
  logUri?: string
  /** Which machine and process ran it. */
  worker: string
  /** The outputs, hashed. */
  outs: ProducedOutput[]
  /** Files the stage created without declaring them (relative to `stagedRoot`): moved into the workspace too, never cached. */
  stray?: string[]
  /**
   * A local folder holding the outputs at their workspace-relative paths (local executor): the
   * runner caches them and moves them into place. Absent when the worker already pushed the
   * outputs to the cache (remote executors): the runner restores them from there.
   */
  stagedRoot?: string
}

/** Callbacks from a running job. */
export interface ExecuteHooks {
  signal: AbortSignal
  /** The job's process started. */
  onStart?(info: { pid?: number; worker: string }): void
  /** Output from the stage, as it comes. */
  onOutput?(text: string): void
}

/**
 * Runs stage jobs. The runner decides what to run and in which order; an executor only runs
 * jobs: the local one in sandboxes on this machine, a distributed one on workers. `slots` is
 * how many jobs it runs at once; the runner never submits more.
 */
export interface StageExecutor {
  readonly name: string
  readonly slots: number
  /** Whether it can run this job (remote executors cannot run in-process functions). */
  accepts(job: StageJob): boolean
  execute(job: StageJob, hooks: ExecuteHooks): Promise<StageJobResult>
  /** Remove what a result left behind (its sandbox) once its outputs were moved into place. */
  discard(result: StageJobResult): Promise<void>
  close(): Promise<void>
}
