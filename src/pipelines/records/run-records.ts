import { hostname } from 'node:os'
import type { MetadataStore, PipelineRunsTable, PipelineStageRunsTable } from '../../store/index.js'

/** A pipeline run as recorded in the metadata store. */
export interface PipelineRunRecord {
  runId: string
  project: string
  pipeline: string
  workspace: string
  status: string
  trigger: string
  experimentId: string | null
  trackingRunId: string | null
  host: string
  pid: number
  startTime: number
  endTime: number | null
  stagesTotal: number
  stagesRan: number
  stagesCached: number
  stagesFailed: number
  error: string | null
  options: Record<string, unknown>
}

/** A stage run as recorded in the metadata store. */
export interface StageRunRecord {
  stageRunId: string
  runId: string
  pipeline: string
  stage: string
  stageKey: string
  status: string
  cacheHit: boolean
  attempts: number
  executor: string
  worker: string | null
  queuedTime: number
  startTime: number | null
  endTime: number | null
  durationMs: number | null
  exitCode: number | null
  errorCode: string | null
  error: string | null
  logTail: string | null
  logUri: string | null
  trackingRunId: string | null
}

/** Writes pipeline and stage runs to the metadata store. */
export class RunRecords {
  constructor(readonly store: MetadataStore) {}

  async startRun(
    r: Omit<
      PipelineRunRecord,
      'host' | 'pid' | 'endTime' | 'stagesRan' | 'stagesCached' | 'stagesFailed' | 'error' | 'status'
    >,
  ): Promise<void> {
    await this.store.db
      .insertInto('pipeline_runs')
      .values({
        run_id: r.runId,
        project: r.project,
        pipeline: r.pipeline,
        workspace: r.workspace,
        status: 'running',
        trigger: r.trigger,
        experiment_id: r.experimentId,
        tracking_run_id: r.trackingRunId,
        host: hostname(),
        pid: process.pid,
        start_time: r.startTime,
        end_time: null,
        stages_total: r.stagesTotal,
        stages_ran: 0,
        stages_cached: 0,
        stages_failed: 0,
        error: null,
        options: JSON.stringify(r.options),
      })
      .execute()
  }

  async finishRun(
    runId: string,
    r: {
      status: string
      stagesRan: number
      stagesCached: number
      stagesFailed: number
      error: string | null
      trackingRunId: string | null
    },
  ): Promise<void> {
    await this.store.db
      .updateTable('pipeline_runs')
      .set({
        status: r.status,
        end_time: Date.now(),
        stages_ran: r.stagesRan,
        stages_cached: r.stagesCached,
        stages_failed: r.stagesFailed,
        error: r.error,
        tracking_run_id: r.trackingRunId,
      })
      .where('run_id', '=', runId)
      .execute()
  }

  async startStage(
    r: Pick<
      StageRunRecord,
      | 'stageRunId'
      | 'runId'
      | 'pipeline'
      | 'stage'
      | 'stageKey'
      | 'executor'
      | 'queuedTime'
      | 'status'
      | 'cacheHit'
    >,
  ): Promise<void> {
    await this.store.db
      .insertInto('pipeline_stage_runs')
      .values({
        stage_run_id: r.stageRunId,
        run_id: r.runId,
        pipeline: r.pipeline,
        stage: r.stage,
        stage_key: r.stageKey,
        status: r.status,
        cache_hit: r.cacheHit ? 1 : 0,
        attempts: 0,
        executor: r.executor,
        worker: null,
        queued_time: r.queuedTime,
        start_time: null,
        end_time: null,
        duration_ms: null,
        exit_code: null,
        error_code: null,
        error: null,
        log_tail: null,
        log_uri: null,
        tracking_run_id: null,
      })
      .execute()
  }

  async finishStage(
    stageRunId: string,
    r: Partial<Omit<StageRunRecord, 'stageRunId' | 'runId'>>,
  ): Promise<void> {
    const set: Partial<PipelineStageRunsTable> = {}
    if (r.status !== undefined) set.status = r.status
    if (r.cacheHit !== undefined) set.cache_hit = r.cacheHit ? 1 : 0
    if (r.attempts !== undefined) set.attempts = r.attempts
    if (r.worker !== undefined) set.worker = r.worker
    if (r.startTime !== undefined) set.start_time = r.startTime
    if (r.endTime !== undefined) set.end_time = r.endTime
    if (r.durationMs !== undefined) set.duration_ms = r.durationMs
    if (r.exitCode !== undefined) set.exit_code = r.exitCode
    if (r.errorCode !== undefined) set.error_code = r.errorCode
    if (r.error !== undefined) set.error = r.error
    if (r.logTail !== undefined) set.log_tail = r.logTail
    if (r.logUri !== undefined) set.log_uri = r.logUri
    if (r.trackingRunId !== undefined) set.tracking_run_id = r.trackingRunId
    if (Object.keys(set).length === 0) return
    await this.store.db
      .updateTable('pipeline_stage_runs')
      .set(set)
      .where('stage_run_id', '=', stageRunId)
      .execute()
  }

  /** The newest pipeline runs first. */
  async listRuns(options: { limit?: number; pipeline?: string } = {}): Promise<PipelineRunRecord[]> {
    let q = this.store.db
      .selectFrom('pipeline_runs')
      .selectAll()
      .orderBy('start_time', 'desc')
      .limit(options.limit ?? 20)
    if (options.pipeline) q = q.where('pipeline', '=', options.pipeline)
    return (await q.execute()).map(toRun)
  }

  async getRun(runId: string): Promise<PipelineRunRecord | undefined> {
    const row = await this.store.db
      .selectFrom('pipeline_runs')
      .selectAll()
      .where('run_id', '=', runId)
      .executeTakeFirst()
    return row ? toRun(row) : undefined
  }

  /** A pipeline run's stage runs, in the order they were queued. */
  async listStageRuns(runId: string): Promise<StageRunRecord[]> {
    const rows = await this.store.db
      .selectFrom('pipeline_stage_runs')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('queued_time', 'asc')
      .execute()
    return rows.map(toStageRun)
  }
}

function toRun(r: PipelineRunsTable): PipelineRunRecord {
  return {
    runId: r.run_id,
    project: r.project,
    pipeline: r.pipeline,
    workspace: r.workspace,
    status: r.status,
    trigger: r.trigger,
    experimentId: r.experiment_id,
    trackingRunId: r.tracking_run_id,
    host: r.host,
    pid: Number(r.pid),
    startTime: Number(r.start_time),
    endTime: r.end_time === null ? null : Number(r.end_time),
    stagesTotal: Number(r.stages_total),
    stagesRan: Number(r.stages_ran),
    stagesCached: Number(r.stages_cached),
    stagesFailed: Number(r.stages_failed),
    error: r.error,
    options: JSON.parse(r.options) as Record<string, unknown>,
  }
}

function toStageRun(r: PipelineStageRunsTable): StageRunRecord {
  const num = (v: number | null) => (v === null ? null : Number(v))
  return {
    stageRunId: r.stage_run_id,
    runId: r.run_id,
    pipeline: r.pipeline,
    stage: r.stage,
    stageKey: r.stage_key,
    status: r.status,
    cacheHit: Number(r.cache_hit) === 1,
    attempts: Number(r.attempts),
    executor: r.executor,
    worker: r.worker,
    queuedTime: Number(r.queued_time),
    startTime: num(r.start_time),
    endTime: num(r.end_time),
    durationMs: num(r.duration_ms),
    exitCode: num(r.exit_code),
    errorCode: r.error_code,
    error: r.error,
    logTail: r.log_tail,
    logUri: r.log_uri,
    trackingRunId: r.tracking_run_id,
  }
}
