import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { type RawBuilder, type SqlBool, sql, type Transaction } from 'kysely'
import { CairnError, newId } from '../../core/index.js'
import type {
  ArtifactEntry,
  ArtifactStore,
  Database,
  Db,
  ExperimentsTable,
  MetadataStore,
  RunsTable,
} from '../../store/index.js'
import { isUniqueViolation, joinArtifactPath, openArtifactStore } from '../../store/index.js'
import { type OrderTerm, parseFilter, parseOrderBy } from '../filter/parser.js'
import { EXPERIMENT_FILTER_SCHEMA, RUN_FILTER_SCHEMA } from '../filter/schemas.js'
import { compareSql, joinBool } from '../filter/sql.js'
import { checkMaxResults, decodePageToken, encodePageToken } from '../page-token.js'
import { PrefixedArtifactStore } from '../prefixed-artifact-store.js'
import { randomRunName } from '../run-names.js'
import { currentUser } from '../system-tags.js'
import type {
  CreateExperimentInput,
  CreateRunInput,
  LogBatchInput,
  MetricHistoryOptions,
  SearchExperimentsOptions,
  SearchRunsOptions,
  TrackingClient,
  UpdateRunInput,
} from '../tracking-client.js'
import {
  type DatasetInput,
  type Experiment,
  type Metric,
  type MetricInput,
  type Page,
  type Run,
  type RunInfo,
  SYSTEM_TAGS,
} from '../types.js'
import {
  checkBatchSize,
  checkId,
  checkKey,
  checkMetric,
  checkName,
  checkParam,
  checkRunStatus,
  checkTag,
  checkViewType,
} from '../validate.js'
import { writeMetrics, writeParams, writeTags } from './batch-writer.js'
import { loadExperimentTags, loadRuns, toExperiment, toMetric, toRunInfo } from './rows.js'
import { compileRunFilter, compileRunOrder, metricOrderGroups } from './run-query.js'

export interface StoreTrackingClientOptions {
  metadata: MetadataStore
  /** Where run artifacts go by default (`<experiment_id>/<run_id>/artifacts` under it). */
  artifacts: ArtifactStore
  /** Opens stores for artifact locations outside `artifacts` (default: `openArtifactStore`). */
  openArtifactStore?: (uri: string) => ArtifactStore
  /** Close the metadata and artifact stores when the client closes (default false). */
  ownsStores?: boolean
}

/** The id and name of the experiment runs go to when none is named (MLflow's). */
export const DEFAULT_EXPERIMENT = { id: '0', name: 'Default' } as const

const TERMINAL = new Set(['FINISHED', 'FAILED', 'KILLED'])

/** A TrackingClient straight on the metadata store and artifact store. */
export class StoreTrackingClient implements TrackingClient {
  readonly metadata: MetadataStore
  readonly artifacts: ArtifactStore
  readonly #openStore: (uri: string) => ArtifactStore
  readonly #ownsStores: boolean
  readonly #foreignStores = new Map<string, ArtifactStore>()
  #ready: Promise<void> | undefined

  constructor(options: StoreTrackingClientOptions) {
    this.metadata = options.metadata
    this.artifacts = options.artifacts
    this.#openStore = options.openArtifactStore ?? ((uri) => openArtifactStore(uri))
    this.#ownsStores = options.ownsStores ?? false
  }

  get #db(): Db {
    return this.metadata.db
  }

  /** Create the Default experiment (id 0) once. */
  #init(): Promise<void> {
    this.#ready ??= (async () => {
      const now = Date.now()
      await this.metadata.db
        .insertInto('experiments')
        .values({
          experiment_id: DEFAULT_EXPERIMENT.id,
          name: DEFAULT_EXPERIMENT.name,
          artifact_location: this.artifacts.uriFor(DEFAULT_EXPERIMENT.id),
          lifecycle_stage: 'active',
          creation_time: now,
          last_update_time: now,
        })
        .onConflict((oc) => oc.doNothing())
        .execute()
    })()
    return this.#ready
  }

  // ---------------------------------------------------------------- experiments

  async createExperiment(input: CreateExperimentInput): Promise<Experiment> {
    await this.#init()
    const name = checkName(input?.name, 'experiment')
    const tags = Object.entries(input.tags ?? {}).map(([key, value]) => checkTag({ key, value }))
    const now = Date.now()
    try {
      const id = await this.metadata.transaction(async (trx) => {
        const taken = await trx
          .selectFrom('experiments')
          .select('experiment_id')
          .where('name', '=', name)
          .executeTakeFirst()
        if (taken) throw experimentExists(name)
        const id = String(await this.metadata.nextSequenceValue('experiment_id', trx))
        await trx
          .insertInto('experiments')
          .values({
            experiment_id: id,
            name,
            artifact_location: input.artifactLocation ?? this.artifacts.uriFor(id),
            lifecycle_stage: 'active',
            creation_time: now,
            last_update_time: now,
          })
          .execute()
        if (tags.length > 0)
          await trx
            .insertInto('experiment_tags')
            .values(tags.map((t) => ({ experiment_id: id, key: t.key, value: t.value })))
            .execute()
        return id
      })
      return await this.getExperiment(id)
    } catch (err) {
      if (isUniqueViolation(err)) throw experimentExists(name)
      throw err
    }
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    await this.#init()
    return this.#getExperiment(this.#db, checkId(experimentId, 'experiment'))
  }

  async #getExperiment(db: Db, experimentId: string): Promise<Experiment> {
    const row = await db
      .selectFrom('experiments')
      .selectAll()
      .where('experiment_id', '=', experimentId)
      .executeTakeFirst()
    if (!row) throw experimentNotFound(experimentId)
    const tags = await loadExperimentTags(db, [experimentId])
    return toExperiment(row, tags.get(experimentId) ?? {})
  }

  async getExperimentByName(name: string): Promise<Experiment> {
    await this.#init()
    checkName(name, 'experiment')
    const row = await this.#db
      .selectFrom('experiments')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
    if (!row)
      throw new CairnError('CAIRN_EXPERIMENT_NOT_FOUND', `No experiment named "${name}"`, {
        details: { name },
        hint: `Create it with: cairn experiments create ${JSON.stringify(name)}`,
      })
    const tags = await loadExperimentTags(this.#db, [row.experiment_id])
    return toExperiment(row, tags.get(row.experiment_id) ?? {})
  }

  async searchExperiments(options: SearchExperimentsOptions = {}): Promise<Page<Experiment>> {
    await this.#init()
    const max = checkMaxResults(options.maxResults, 1000, 50_000)
    const offset = decodePageToken(options.pageToken)
    const view = checkViewType(options.viewType)
    const expr = parseFilter(options.filter, EXPERIMENT_FILTER_SCHEMA)
    const order = parseOrderBy(options.orderBy, EXPERIMENT_FILTER_SCHEMA)
    const dialect = this.metadata.dialect
    const where: RawBuilder<SqlBool>[] = []
    if (view !== 'ALL')
      where.push(sql<SqlBool>`e.lifecycle_stage = ${view === 'ACTIVE_ONLY' ? 'active' : 'deleted'}`)
    if (expr) {
      const compile = (x: typeof expr): RawBuilder<SqlBool> => {
        if (x.type !== 'cmp') return joinBool(x.items.map(compile), x.type)
        if (x.entity === 'tag') {
          const owner = sql`select 1 from experiment_tags ft where ft.experiment_id = e.experiment_id and ft.key = ${x.key}`
          if (x.op === 'IS NULL') return sql<SqlBool>`not exists (${owner})`
          if (x.op === 'IS NOT NULL') return sql<SqlBool>`exists (${owner})`
          return sql<SqlBool>`exists (${owner} and ${compareSql(sql.ref('ft.value'), x.op, x.value, dialect)})`
        }
        return compareSql(sql.ref(`e.${x.key}`), x.op, x.value, dialect)
      }
      where.push(compile(expr))
    }
    const joins: RawBuilder<unknown>[] = []
    const orderBy: RawBuilder<unknown>[] = []
    order.forEach((t, i) => {
      const dir = sql.raw(t.direction === 'DESC' ? 'desc' : 'asc')
      if (t.entity === 'tag') {
        const alias = `o${i}`
        joins.push(
          sql`left join experiment_tags as ${sql.id(alias)} on ${sql.ref(`${alias}.experiment_id`)} = e.experiment_id and ${sql.ref(`${alias}.key`)} = ${t.key}`,
        )
        orderBy.push(sql`case when ${sql.ref(`${alias}.value`)} is null then 1 else 0 end`)
        orderBy.push(sql`${sql.ref(`${alias}.value`)} ${dir}`)
      } else if (t.key === 'experiment_id') {
        orderBy.push(sql`length(e.experiment_id) ${dir}`, sql`e.experiment_id ${dir}`)
      } else orderBy.push(sql`${sql.ref(`e.${t.key}`)} ${dir}`)
    })
    if (order.length === 0) orderBy.push(sql`e.creation_time desc`)
    orderBy.push(sql`length(e.experiment_id) desc`, sql`e.experiment_id desc`)
    const result =
      await sql<ExperimentsTable>`select e.* from experiments e ${joins.length ? sql.join(joins, sql` `) : sql``} where ${where.length ? joinBool(where, 'and') : sql`1 = 1`} order by ${sql.join(orderBy)} limit ${max + 1} offset ${offset}`.execute(
        this.#db,
      )
    const rows = result.rows.slice(0, max)
    const tags = await loadExperimentTags(
      this.#db,
      rows.map((r) => r.experiment_id),
    )
    return page(
      rows.map((r) => toExperiment(r, tags.get(r.experiment_id) ?? {})),
      result.rows.length > max ? offset + max : undefined,
    )
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    await this.#init()
    const name = checkName(newName, 'experiment')
    try {
      await this.metadata.transaction(async (trx) => {
        const exp = await this.#requireExperiment(trx, experimentId)
        if (exp.lifecycle_stage !== 'active') throw experimentDeleted(experimentId, 'rename it')
        if (exp.name === name) return
        const taken = await trx
          .selectFrom('experiments')
          .select('experiment_id')
          .where('name', '=', name)
          .executeTakeFirst()
        if (taken) throw experimentExists(name)
        await trx
          .updateTable('experiments')
          .set({ name, last_update_time: Date.now() })
          .where('experiment_id', '=', experimentId)
          .execute()
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw experimentExists(name)
      throw err
    }
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.#init()
    checkId(experimentId, 'experiment')
    if (experimentId === DEFAULT_EXPERIMENT.id)
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'The Default experiment (id 0) cannot be deleted')
    await this.metadata.transaction(async (trx) => {
      await this.#requireExperiment(trx, experimentId)
      const now = Date.now()
      await trx
        .updateTable('experiments')
        .set({ lifecycle_stage: 'deleted', last_update_time: now })
        .where('experiment_id', '=', experimentId)
        .execute()
      await trx
        .updateTable('runs')
        .set({ lifecycle_stage: 'deleted', deleted_time: now })
        .where('experiment_id', '=', experimentId)
        .where('lifecycle_stage', '=', 'active')
        .execute()
    })
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.#init()
    checkId(experimentId, 'experiment')
    await this.metadata.transaction(async (trx) => {
      const exp = await this.#requireExperiment(trx, experimentId)
      if (exp.lifecycle_stage === 'active') return
      await trx
        .updateTable('experiments')
        .set({ lifecycle_stage: 'active', last_update_time: Date.now() })
        .where('experiment_id', '=', experimentId)
        .execute()
      await trx
        .updateTable('runs')
        .set({ lifecycle_stage: 'active', deleted_time: null })
        .where('experiment_id', '=', experimentId)
        .where('lifecycle_stage', '=', 'deleted')
        .where('deleted_time', '>=', Number(exp.last_update_time))
        .execute()
    })
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.#init()
    const tag = checkTag({ key, value })
    await this.metadata.transaction(async (trx) => {
      const exp = await this.#requireExperiment(trx, experimentId)
      if (exp.lifecycle_stage !== 'active') throw experimentDeleted(experimentId, 'tag it')
      await trx
        .insertInto('experiment_tags')
        .values({ experiment_id: experimentId, key: tag.key, value: tag.value })
        .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value: tag.value }))
        .execute()
    })
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.#init()
    checkKey(key, 'tag')
    await this.metadata.transaction(async (trx) => {
      const exp = await this.#requireExperiment(trx, experimentId)
      if (exp.lifecycle_stage !== 'active') throw experimentDeleted(experimentId, 'change its tags')
      const res = await trx
        .deleteFrom('experiment_tags')
        .where('experiment_id', '=', experimentId)
        .where('key', '=', key)
        .executeTakeFirst()
      if (Number(res.numDeletedRows) === 0)
        throw new CairnError('CAIRN_NOT_FOUND', `Experiment ${experimentId} has no tag "${key}"`, {
          details: { experimentId, key },
        })
    })
  }

  async #requireExperiment(db: Db, experimentId: string): Promise<ExperimentsTable> {
    checkId(experimentId, 'experiment')
    const row = await db
      .selectFrom('experiments')
      .selectAll()
      .where('experiment_id', '=', experimentId)
      .executeTakeFirst()
    if (!row) throw experimentNotFound(experimentId)
    return row
  }

  // ---------------------------------------------------------------- runs

  async createRun(input: CreateRunInput): Promise<Run> {
    await this.#init()
    const experimentId = checkId(input?.experimentId, 'experiment')
    const tags = new Map<string, string>()
    for (const [key, value] of Object.entries(input.tags ?? {})) {
      const t = checkTag({ key, value })
      tags.set(t.key, t.value)
    }
    const runName = input.runName ?? tags.get(SYSTEM_TAGS.runName) ?? randomRunName()
    tags.set(SYSTEM_TAGS.runName, runName)
    const userId = input.userId ?? tags.get(SYSTEM_TAGS.user) ?? currentUser()
    if (input.parentRunId !== undefined)
      tags.set(SYSTEM_TAGS.parentRunId, checkId(input.parentRunId, 'parent run'))
    const startTime = input.startTime ?? Date.now()
    if (!Number.isSafeInteger(startTime) || startTime < 0)
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `startTime must be a non-negative integer (ms), got ${startTime}`,
      )
    const runId = newId()
    await this.metadata.transaction(async (trx) => {
      const exp = await this.#requireExperiment(trx, experimentId)
      if (exp.lifecycle_stage !== 'active') throw experimentDeleted(experimentId, 'start runs in it')
      const parent = tags.get(SYSTEM_TAGS.parentRunId)
      if (parent !== undefined) await this.#requireRun(trx, parent)
      await trx
        .insertInto('runs')
        .values({
          run_uuid: runId,
          experiment_id: experimentId,
          run_name: runName,
          user_id: userId,
          status: 'RUNNING',
          start_time: startTime,
          end_time: null,
          lifecycle_stage: 'active',
          artifact_uri: `${exp.artifact_location.replace(/\/+$/, '')}/${runId}/artifacts`,
          deleted_time: null,
        })
        .execute()
      await trx
        .insertInto('tags')
        .values([...tags].map(([key, value]) => ({ run_uuid: runId, key, value })))
        .execute()
    })
    return this.getRun(runId)
  }

  async getRun(runId: string): Promise<Run> {
    checkId(runId, 'run')
    const [run] = await loadRuns(this.#db, this.metadata.dialect, [runId])
    if (run) return run
    await this.#requireRun(this.#db, runId) // CAIRN_RUN_NOT_FOUND
    return this.getRun(runId)
  }

  async #requireRun(db: Db, runId: string): Promise<RunsTable> {
    checkId(runId, 'run')
    const row = await db.selectFrom('runs').selectAll().where('run_uuid', '=', runId).executeTakeFirst()
    if (!row)
      throw new CairnError('CAIRN_RUN_NOT_FOUND', `No run with id "${runId}"`, {
        details: { runId },
        hint: 'List runs with: cairn runs list --experiment <name>',
      })
    return row
  }

  async #requireActiveRun(db: Db, runId: string): Promise<RunsTable> {
    const row = await this.#requireRun(db, runId)
    if (row.lifecycle_stage !== 'active')
      throw new CairnError(
        'CAIRN_RUN_NOT_ACTIVE',
        `Run ${runId} is deleted; restore it before logging to it`,
        {
          details: { runId },
          hint: `cairn runs restore ${runId}`,
        },
      )
    return row
  }

  async updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo> {
    const status = input.status === undefined ? undefined : checkRunStatus(input.status)
    if (
      input.endTime !== undefined &&
      input.endTime !== null &&
      (!Number.isSafeInteger(input.endTime) || input.endTime < 0)
    )
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `endTime must be a non-negative integer (ms), got ${input.endTime}`,
      )
    const runName =
      input.runName === undefined || input.runName === ''
        ? undefined
        : checkTag({ key: SYSTEM_TAGS.runName, value: input.runName }).value
    return this.metadata.transaction(async (trx) => {
      const row = await this.#requireActiveRun(trx, runId)
      const set: Partial<RunsTable> = {}
      if (status) {
        set.status = status
        if (TERMINAL.has(status)) set.end_time = input.endTime ?? row.end_time ?? Date.now()
      }
      if (input.endTime !== undefined && input.endTime !== null) set.end_time = input.endTime
      if (runName !== undefined) set.run_name = runName
      if (Object.keys(set).length > 0)
        await trx.updateTable('runs').set(set).where('run_uuid', '=', runId).execute()
      if (runName !== undefined) await writeTags(trx, runId, [{ key: SYSTEM_TAGS.runName, value: runName }])
      return toRunInfo({ ...row, ...set })
    })
  }

  async deleteRun(runId: string): Promise<void> {
    await this.metadata.transaction(async (trx) => {
      await this.#requireRun(trx, runId)
      await trx
        .updateTable('runs')
        .set({ lifecycle_stage: 'deleted', deleted_time: Date.now() })
        .where('run_uuid', '=', runId)
        .execute()
    })
  }

  async restoreRun(runId: string): Promise<void> {
    await this.metadata.transaction(async (trx) => {
      const row = await this.#requireRun(trx, runId)
      const exp = await trx
        .selectFrom('experiments')
        .select('lifecycle_stage')
        .where('experiment_id', '=', row.experiment_id)
        .executeTakeFirst()
      if (exp?.lifecycle_stage === 'deleted') throw experimentDeleted(row.experiment_id, 'restore its runs')
      await trx
        .updateTable('runs')
        .set({ lifecycle_stage: 'active', deleted_time: null })
        .where('run_uuid', '=', runId)
        .execute()
    })
  }

  async searchRuns(options: SearchRunsOptions): Promise<Page<Run>> {
    const experimentIds = (options?.experimentIds ?? []).map((id) => checkId(String(id), 'experiment'))
    const max = checkMaxResults(options?.maxResults, 1000, 50_000)
    const offset = decodePageToken(options?.pageToken)
    const view = checkViewType(options?.viewType)
    const expr = parseFilter(options?.filter, RUN_FILTER_SCHEMA)
    const order = parseOrderBy(options?.orderBy, RUN_FILTER_SCHEMA)
    const scope: RawBuilder<SqlBool>[] = []
    if (experimentIds.length > 0) scope.push(sql<SqlBool>`runs.experiment_id in (${sql.join(experimentIds)})`)
    if (view !== 'ALL')
      scope.push(sql<SqlBool>`runs.lifecycle_stage = ${view === 'ACTIVE_ONLY' ? 'active' : 'deleted'}`)
    const dialect = this.metadata.dialect
    const whereSql = (id?: RawBuilder<unknown>) => {
      const where = expr ? [...scope, compileRunFilter(expr, dialect, id)] : scope
      return where.length ? joinBool(where, 'and') : sql<SqlBool>`1 = 1`
    }
    // Sort narrow rows (ids only), then read the page's runs in full.
    const found = await this.#searchIds(order, whereSql, offset, max + 1)
    const runs = await loadRuns(this.#db, this.metadata.dialect, found.slice(0, max))
    return page(runs, found.length > max ? offset + max : undefined)
  }

  /** The ids of `limit` matching runs from `offset`, in search order. */
  async #searchIds(
    order: OrderTerm[],
    where: (id?: RawBuilder<unknown>) => RawBuilder<SqlBool>,
    offset: number,
    limit: number,
  ): Promise<string[]> {
    const groups = metricOrderGroups(order, where)
    if (!groups) {
      const { joins, orderBy } = compileRunOrder(order)
      const result = await sql<{
        run_uuid: string
      }>`select runs.run_uuid from runs ${joins.length ? sql.join(joins, sql` `) : sql``} where ${where()} order by ${sql.join(orderBy)} limit ${limit} offset ${offset}`.execute(
        this.#db,
      )
      return result.rows.map((r) => r.run_uuid)
    }
    const ids: string[] = []
    let skip = offset
    for (const g of groups) {
      const need = limit - ids.length
      if (need <= 0) break
      const rows = await sql<{
        run_uuid: string
      }>`${g.body} order by ${sql.join(g.orderBy)} limit ${need} offset ${skip}`.execute(this.#db)
      for (const r of rows.rows) ids.push(r.run_uuid)
      if (rows.rows.length > 0) skip = 0
      else if (skip > 0) {
        const count = await sql<{ n: number }>`select count(*) as n from (${g.body}) g`.execute(this.#db)
        skip = Math.max(0, skip - Number(count.rows[0]?.n ?? 0))
      }
    }
    return ids
  }

  // ---------------------------------------------------------------- logging

  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    checkId(runId, 'run')
    if (batch === null || typeof batch !== 'object')
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'A batch must be an object')
    checkBatchSize(batch)
    const now = Date.now()
    const metrics = (batch.metrics ?? []).map((m, i) => checkMetric(m, now, i))
    const params = (batch.params ?? []).map(checkParam)
    const tags = (batch.tags ?? []).map(checkTag)
    if (metrics.length + params.length + tags.length === 0) {
      await this.#requireActiveRun(this.#db, runId)
      return
    }
    await this.metadata.transaction(async (trx) => {
      await this.#requireActiveRun(trx, runId)
      await writeParams(trx, runId, params)
      await writeTags(trx, runId, tags)
      await writeMetrics(trx, this.metadata.dialect, runId, metrics)
    })
  }

  logMetric(runId: string, metric: MetricInput): Promise<void> {
    return this.logBatch(runId, { metrics: [metric] })
  }

  logParam(runId: string, key: string, value: string): Promise<void> {
    return this.logBatch(runId, { params: [{ key, value }] })
  }

  setTag(runId: string, key: string, value: string): Promise<void> {
    return this.logBatch(runId, { tags: [{ key, value }] })
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    checkKey(key, 'tag')
    await this.metadata.transaction(async (trx) => {
      await this.#requireActiveRun(trx, runId)
      const res = await trx
        .deleteFrom('tags')
        .where('run_uuid', '=', runId)
        .where('key', '=', key)
        .executeTakeFirst()
      if (Number(res.numDeletedRows) === 0)
        throw new CairnError('CAIRN_NOT_FOUND', `Run ${runId} has no tag "${key}"`, {
          details: { runId, key },
        })
    })
  }

  async getMetricHistory(
    runId: string,
    key: string,
    options: MetricHistoryOptions = {},
  ): Promise<Page<Metric>> {
    await this.#requireRun(this.#db, runId)
    checkKey(key, 'metric')
    const max = checkMaxResults(options.maxResults, 25_000, 1_000_000)
    const offset = decodePageToken(options.pageToken)
    const rows = await this.#db
      .selectFrom('metrics')
      .select(['key', 'value', 'timestamp', 'step', 'is_nan'])
      .where('run_uuid', '=', runId)
      .where('key', '=', key)
      .orderBy('step')
      .orderBy('timestamp')
      .orderBy('value')
      .limit(max + 1)
      .offset(offset)
      .execute()
    return page(rows.slice(0, max).map(toMetric), rows.length > max ? offset + max : undefined)
  }

  async logInputs(runId: string, inputs: DatasetInput[]): Promise<void> {
    if (!Array.isArray(inputs))
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Inputs must be a list of datasets')
    const checked = inputs.map((i, n) => checkDatasetInput(i, n))
    await this.metadata.transaction(async (trx) => {
      const run = await this.#requireActiveRun(trx, runId)
      for (const input of checked) await insertInput(trx, run, input)
    })
  }

  // ---------------------------------------------------------------- artifacts

  async runArtifacts(runId: string): Promise<ArtifactStore> {
    const row = await this.#requireRun(this.#db, runId)
    return this.storeForUri(row.artifact_uri)
  }

  /** An ArtifactStore rooted at `uri`, through the main store when the URI is inside it. */
  storeForUri(uri: string): ArtifactStore {
    const root = this.artifacts.uri.replace(/\/+$/, '')
    if (uri === root) return new PrefixedArtifactStore(this.artifacts, '')
    if (uri.startsWith(`${root}/`)) {
      const rest = uri.slice(root.length + 1)
      return new PrefixedArtifactStore(
        this.artifacts,
        uri.startsWith('file:') ? decodeURIComponent(rest) : rest,
      )
    }
    let store = this.#foreignStores.get(uri)
    if (!store) {
      store = this.#openStore(uri)
      this.#foreignStores.set(uri, store)
    }
    return new PrefixedArtifactStore(store, '')
  }

  async logArtifact(runId: string, path: string, data: Uint8Array | string): Promise<void> {
    const store = await this.runArtifacts(runId)
    await store.put(path, data)
  }

  async logArtifacts(runId: string, localPath: string, artifactDir = ''): Promise<number> {
    const store = await this.runArtifacts(runId)
    const st = await stat(localPath).catch(() => undefined)
    if (!st)
      throw new CairnError('CAIRN_NOT_FOUND', `Cannot log artifacts: ${localPath} does not exist`, {
        details: { localPath },
      })
    if (st.isDirectory()) return store.putDir(artifactDir, localPath)
    await store.putFile(joinArtifactPath(artifactDir, basename(localPath)), localPath)
    return 1
  }

  async listArtifacts(runId: string, path = ''): Promise<ArtifactEntry[]> {
    const store = await this.runArtifacts(runId)
    return store.list(path)
  }

  async downloadArtifact(runId: string, path: string): Promise<Buffer> {
    const store = await this.runArtifacts(runId)
    return store.get(path)
  }

  async close(): Promise<void> {
    for (const s of this.#foreignStores.values()) await s.close()
    this.#foreignStores.clear()
    if (this.#ownsStores) {
      await this.artifacts.close()
      await this.metadata.close()
    }
  }
}

function page<T>(items: T[], nextOffset: number | undefined): Page<T> {
  return nextOffset === undefined ? { items } : { items, nextPageToken: encodePageToken(nextOffset) }
}

function experimentNotFound(id: string): CairnError {
  return new CairnError('CAIRN_EXPERIMENT_NOT_FOUND', `No experiment with id "${id}"`, {
    details: { experimentId: id },
    hint: 'List experiments with: cairn experiments list',
  })
}

function experimentExists(name: string): CairnError {
  return new CairnError('CAIRN_EXPERIMENT_ALREADY_EXISTS', `An experiment named "${name}" already exists`, {
    details: { name },
    hint: 'Pick another name, or use the existing experiment',
  })
}

function experimentDeleted(id: string, action: string): CairnError {
  return new CairnError('CAIRN_EXPERIMENT_DELETED', `Experiment ${id} is deleted; restore it to ${action}`, {
    details: { experimentId: id },
    hint: `cairn experiments restore ${id}`,
  })
}

function checkDatasetInput(input: DatasetInput, index: number): DatasetInput {
  const d = input?.dataset
  const fail = (why: string) =>
    new CairnError('CAIRN_INVALID_ARGUMENT', `Dataset input #${index}: ${why}`, { details: { index } })
  if (!d || typeof d !== 'object') throw fail('"dataset" is required')
  for (const field of ['name', 'digest', 'sourceType', 'source'] as const)
    if (typeof d[field] !== 'string' || d[field] === '')
      throw fail(`"dataset.${field}" must be a non-empty string`)
  const tags: Record<string, string> = {}
  for (const [key, value] of Object.entries(input.tags ?? {})) {
    const t = checkTag({ key, value })
    tags[t.key] = t.value
  }
  return {
    dataset: {
      name: d.name,
      digest: d.digest,
      sourceType: d.sourceType,
      source: d.source,
      schema: d.schema ?? null,
      profile: d.profile ?? null,
    },
    tags,
  }
}

async function insertInput(trx: Transaction<Database>, run: RunsTable, input: DatasetInput): Promise<void> {
  const d = input.dataset
  await trx
    .insertInto('datasets')
    .values({
      dataset_uuid: newId(),
      experiment_id: run.experiment_id,
      name: d.name,
      digest: d.digest,
      source_type: d.sourceType,
      source: d.source,
      schema: d.schema ?? null,
      profile: d.profile ?? null,
    })
    .onConflict((oc) => oc.doNothing())
    .execute()
  const dataset = await trx
    .selectFrom('datasets')
    .select('dataset_uuid')
    .where('experiment_id', '=', run.experiment_id)
    .where('name', '=', d.name)
    .where('digest', '=', d.digest)
    .executeTakeFirstOrThrow()
  const inputId = newId()
  const inserted = await trx
    .insertInto('inputs')
    .values({
      input_uuid: inputId,
      source_type: 'DATASET',
      source_id: dataset.dataset_uuid,
      destination_type: 'RUN',
      destination_id: run.run_uuid,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst()
  const tags = Object.entries(input.tags)
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 && tags.length > 0)
    await trx
      .insertInto('input_tags')
      .values(tags.map(([key, value]) => ({ input_uuid: inputId, key, value })))
      .execute()
}
