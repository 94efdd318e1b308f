import { CairnError, isCairnError } from '../../core/index.js'
import type { MetadataStore, PipelineExperimentsTable } from '../../store/index.js'
import type { OverrideSet } from './overrides.js'

/** An experiment: a pipeline run with overridden params, recorded for comparison. */
export interface ExperimentRecord {
  expId: string
  name: string
  project: string
  pipeline: string | null
  sweepId: string | null
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'
  overrides: OverrideSet
  /** Every param it ran with: file → dotted key → value. */
  params: Record<string, Record<string, unknown>>
  /** Every metric it produced: file → dotted key → value. */
  metrics: Record<string, Record<string, number>>
  lock: string | null
  runId: string | null
  trackingRunId: string | null
  baseline: string | null
  creationTime: number
  startTime: number | null
  endTime: number | null
  error: string | null
}

/** Experiments in the metadata store. */
export class ExperimentRecords {
  constructor(readonly store: MetadataStore) {}

  async create(
    e: Pick<
      ExperimentRecord,
      'expId' | 'name' | 'project' | 'pipeline' | 'sweepId' | 'status' | 'overrides' | 'baseline'
    >,
  ): Promise<void> {
    try {
      await this.store.db
        .insertInto('pipeline_experiments')
        .values({
          exp_id: e.expId,
          name: e.name,
          project: e.project,
          pipeline: e.pipeline,
          sweep_id: e.sweepId,
          status: e.status,
          overrides: JSON.stringify(e.overrides),
          params: '{}',
          metrics: '{}',
          lock: null,
          run_id: null,
          tracking_run_id: null,
          baseline: e.baseline,
          creation_time: Date.now(),
          start_time: e.status === 'running' ? Date.now() : null,
          end_time: null,
          error: null,
        })
        .execute()
    } catch (err) {
      const { isUniqueViolation } = await import('../../store/index.js')
      if (isUniqueViolation(err)) {
        throw new CairnError('CAIRN_ALREADY_EXISTS', `An experiment named '${e.name}' already exists`, {
          hint: 'Pick another --name, or remove the old one: cairn exp remove <name>',
        })
      }
      throw err
    }
  }

  /** Take a queued experiment for running; false when another process took it first. */
  async claim(expId: string): Promise<boolean> {
    const res = await this.store.db
      .updateTable('pipeline_experiments')
      .set({ status: 'running', start_time: Date.now() })
      .where('exp_id', '=', expId)
      .where('status', '=', 'queued')
      .executeTakeFirst()
    return Number(res.numUpdatedRows) === 1
  }

  async finish(
    expId: string,
    r: Pick<ExperimentRecord, 'status' | 'params' | 'metrics' | 'lock' | 'runId' | 'trackingRunId' | 'error'>,
  ): Promise<void> {
    await this.store.db
      .updateTable('pipeline_experiments')
      .set({
        status: r.status,
        params: JSON.stringify(r.params),
        metrics: JSON.stringify(r.metrics),
        lock: r.lock,
        run_id: r.runId,
        tracking_run_id: r.trackingRunId,
        error: r.error,
        end_time: Date.now(),
      })
      .where('exp_id', '=', expId)
      .execute()
  }

  async list(
    options: { status?: ExperimentRecord['status']; project?: string } = {},
  ): Promise<ExperimentRecord[]> {
    let q = this.store.db.selectFrom('pipeline_experiments').selectAll().orderBy('creation_time', 'asc')
    if (options.status) q = q.where('status', '=', options.status)
    if (options.project) q = q.where('project', '=', options.project)
    return (await q.execute()).map(toRecord)
  }

  /** By name or id; CAIRN_NOT_FOUND when there is none. */
  async get(nameOrId: string): Promise<ExperimentRecord> {
    const row = await this.store.db
      .selectFrom('pipeline_experiments')
      .selectAll()
      .where((eb) => eb.or([eb('name', '=', nameOrId), eb('exp_id', '=', nameOrId)]))
      .executeTakeFirst()
    if (!row) {
      throw new CairnError('CAIRN_NOT_FOUND', `No experiment named '${nameOrId}'`, {
        hint: 'List them: cairn exp show',
      })
    }
    return toRecord(row)
  }

  async remove(nameOrId: string): Promise<void> {
    const e = await this.get(nameOrId)
    await this.store.db.deleteFrom('pipeline_experiments').where('exp_id', '=', e.expId).execute()
  }

  /** True when the error is "no such experiment". */
  static isMissing(err: unknown): boolean {
    return isCairnError(err, 'CAIRN_NOT_FOUND')
  }
}

function toRecord(r: PipelineExperimentsTable): ExperimentRecord {
  const num = (v: number | null) => (v === null ? null : Number(v))
  return {
    expId: r.exp_id,
    name: r.name,
    project: r.project,
    pipeline: r.pipeline,
    sweepId: r.sweep_id,
    status: r.status as ExperimentRecord['status'],
    overrides: JSON.parse(r.overrides) as OverrideSet,
    params: JSON.parse(r.params) as ExperimentRecord['params'],
    metrics: JSON.parse(r.metrics) as ExperimentRecord['metrics'],
    lock: r.lock,
    runId: r.run_id,
    trackingRunId: r.tracking_run_id,
    baseline: r.baseline,
    creationTime: Number(r.creation_time),
    startTime: num(r.start_time),
    endTime: num(r.end_time),
    error: r.error,
  }
}
