import { randomBytes } from 'node:crypto'
import { type RawBuilder, type SqlBool, sql, type Transaction } from 'kysely'
import { CairnError } from '../../core/index.js'
import type {
  ArtifactStore,
  Database,
  Db,
  MetadataStore,
  ModelVersionsTable,
  RegisteredModelsTable,
} from '../../store/index.js'
import { isUniqueViolation } from '../../store/index.js'
import {
  checkKey,
  checkMaxResults,
  checkName,
  checkTag,
  compareSql,
  currentUser,
  decodePageToken,
  encodePageToken,
  type FilterExpr,
  joinBool,
  type Page,
  parseFilter,
  parseOrderBy,
  StoreTrackingClient,
} from '../../tracking/index.js'
import {
  MODEL_VERSION_COLUMNS,
  MODEL_VERSION_FILTER_SCHEMA,
  REGISTERED_MODEL_COLUMNS,
  REGISTERED_MODEL_FILTER_SCHEMA,
} from '../filter-schemas.js'
import { resolveModelUri } from '../model-uri.js'
import type {
  ChangeOptions,
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  HistoryOptions,
  RecordEventInput,
  RegistryClient,
  SearchModelVersionsOptions,
  SearchRegisteredModelsOptions,
  TransitionStageOptions,
} from '../registry-client.js'
import { parseStage } from '../stages.js'
import {
  MODEL_EVENT_KINDS,
  MODEL_STAGES,
  type ModelEvent,
  type ModelStage,
  type ModelVersion,
  type ModelVersionStatus,
  type RegisteredModel,
} from '../types.js'

export interface StoreRegistryClientOptions {
  metadata: MetadataStore
  artifacts: ArtifactStore
  /** Resolves `runs:/` sources and artifact locations (default: one on the same stores). */
  tracking?: StoreTrackingClient
  /** Close the stores when the client closes (default false). */
  ownsStores?: boolean
}

const ALIAS_RE = /^[A-Za-z_][\w-]{0,255}$/
const MAX_CREATE_ATTEMPTS = 8

/** A RegistryClient straight on the metadata store. */
export class StoreRegistryClient implements RegistryClient {
  readonly metadata: MetadataStore
  readonly artifacts: ArtifactStore
  readonly #tracking: StoreTrackingClient
  readonly #ownsTracking: boolean
  readonly #ownsStores: boolean

  constructor(options: StoreRegistryClientOptions) {
    this.metadata = options.metadata
    this.artifacts = options.artifacts
    this.#ownsTracking = options.tracking === undefined
    this.#tracking =
      options.tracking ??
      new StoreTrackingClient({ metadata: options.metadata, artifacts: options.artifacts })
    this.#ownsStores = options.ownsStores ?? false
  }

  get #db(): Db {
    return this.metadata.db
  }

  // ---------------------------------------------------------------- registered models

  async createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel> {
    const name = checkName(input?.name, 'model')
    const tags = Object.entries(input.tags ?? {}).map(([key, value]) => checkTag({ key, value }))
    const description = input.description ?? null
    try {
      await this.metadata.transaction(async (trx) => {
        const exists = await trx
          .selectFrom('registered_models')
          .select('name')
          .where('name', '=', name)
          .executeTakeFirst()
        if (exists) throw modelExists(name)
        await this.#insertModel(trx, name, description, Date.now(), input.userId ?? currentUser())
        if (tags.length)
          await trx
            .insertInto('registered_model_tags')
            .values(tags.map((t) => ({ name, key: t.key, value: t.value })))
            .execute()
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw modelExists(name)
      throw err
    }
    return this.getRegisteredModel(name)
  }

  async #insertModel(
    trx: Transaction<Database>,
    name: string,
    description: string | null,
    now: number,
    userId: string,
  ): Promise<void> {
    await trx
      .insertInto('registered_models')
      .values({ name, creation_time: now, last_updated_time: now, description })
      .execute()
    await insertEvent(trx, {
      name,
      kind: MODEL_EVENT_KINDS.modelCreated,
      timestamp: now,
      userId,
    })
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const row = await this.#requireModel(this.#db, name)
    return (await this.#hydrateModels(this.#db, [row]))[0]!
  }

  async renameRegisteredModel(
    name: string,
    newName: string,
    options: ChangeOptions = {},
  ): Promise<RegisteredModel> {
    const target = checkName(newName, 'model')
    try {
      await this.metadata.transaction(async (trx) => {
        await this.#requireModel(trx, name)
        if (target === name) return
        const taken = await trx
          .selectFrom('registered_models')
          .select('name')
          .where('name', '=', target)
          .executeTakeFirst()
        if (taken) throw modelExists(target)
        const now = Date.now()
        await trx
          .updateTable('registered_models')
          .set({ name: target, last_updated_time: now })
          .where('name', '=', name)
          .execute()
        for (const table of [
          'registered_model_tags',
          'model_versions',
          'model_version_tags',
          'registered_model_aliases',
          'model_events',
        ] as const)
          await trx.updateTable(table).set({ name: target }).where('name', '=', name).execute()
        await insertEvent(trx, {
          name: target,
          kind: MODEL_EVENT_KINDS.modelRenamed,
          from: name,
          to: target,
          timestamp: now,
          userId: options.userId ?? currentUser(),
          comment: options.comment ?? null,
        })
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw modelExists(target)
      throw err
    }
    return this.getRegisteredModel(target)
  }

  async updateRegisteredModel(name: string, input: { description: string }): Promise<RegisteredModel> {
    const description = checkDescription(input?.description)
    await this.metadata.transaction(async (trx) => {
      await this.#requireModel(trx, name)
      await trx
        .updateTable('registered_models')
        .set({ description, last_updated_time: Date.now() })
        .where('name', '=', name)
        .execute()
    })
    return this.getRegisteredModel(name)
  }

  async deleteRegisteredModel(name: string, options: ChangeOptions = {}): Promise<void> {
    await this.metadata.transaction(async (trx) => {
      await this.#requireModel(trx, name)
      for (const table of [
        'registered_model_tags',
        'model_version_tags',
        'registered_model_aliases',
        'model_versions',
        'registered_models',
      ] as const)
        await trx.deleteFrom(table).where('name', '=', name).execute()
      await insertEvent(trx, {
        name,
        kind: MODEL_EVENT_KINDS.modelDeleted,
        userId: options.userId ?? currentUser(),
        comment: options.comment ?? null,
      })
    })
  }

  async searchRegisteredModels(options: SearchRegisteredModelsOptions = {}): Promise<Page<RegisteredModel>> {
    const max = checkMaxResults(options.maxResults, 100, 1000)
    const offset = decodePageToken(options.pageToken)
    const expr = parseFilter(options.filter, REGISTERED_MODEL_FILTER_SCHEMA)
    const order = parseOrderBy(options.orderBy, REGISTERED_MODEL_FILTER_SCHEMA)
    const dialect = this.metadata.dialect
    const compile = (x: FilterExpr): RawBuilder<SqlBool> => {
      if (x.type !== 'cmp') return joinBool(x.items.map(compile), x.type)
      if (x.entity === 'tag') {
        const owner = sql`select 1 from registered_model_tags ft where ft.name = rm.name and ft.key = ${x.key}`
        if (x.op === 'IS NULL') return sql<SqlBool>`not exists (${owner})`
        if (x.op === 'IS NOT NULL') return sql<SqlBool>`exists (${owner})`
        return sql<SqlBool>`exists (${owner} and ${compareSql(sql.ref('ft.value'), x.op, x.value, dialect)})`
      }
      return compareSql(sql.ref(REGISTERED_MODEL_COLUMNS[x.key]!), x.op, x.value, dialect)
    }
    const orderBy: RawBuilder<unknown>[] = []
    const joins: RawBuilder<unknown>[] = []
    order.forEach((t, i) => {
      const dir = sql.raw(t.direction === 'DESC' ? 'desc' : 'asc')
      if (t.entity === 'tag') {
        const alias = `o${i}`
        joins.push(
          sql`left join registered_model_tags as ${sql.id(alias)} on ${sql.ref(`${alias}.name`)} = rm.name and ${sql.ref(`${alias}.key`)} = ${t.key}`,
        )
        orderBy.push(
          sql`case when ${sql.ref(`${alias}.value`)} is null then 1 else 0 end`,
          sql`${sql.ref(`${alias}.value`)} ${dir}`,
        )
      } else orderBy.push(sql`${sql.ref(REGISTERED_MODEL_COLUMNS[t.key]!)} ${dir}`)
    })
    orderBy.push(sql`rm.name asc`)
    const result =
      await sql<RegisteredModelsTable>`select rm.* from registered_models rm ${joins.length ? sql.join(joins, sql` `) : sql``} where ${expr ? compile(expr) : sql`1 = 1`} order by ${sql.join(orderBy)} limit ${max + 1} offset ${offset}`.execute(
        this.#db,
      )
    const rows = result.rows.slice(0, max)
    return page(
      await this.#hydrateModels(this.#db, rows),
      result.rows.length > max ? offset + max : undefined,
    )
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    const tag = checkTag({ key, value })
    await this.metadata.transaction(async (trx) => {
      await this.#requireModel(trx, name)
      await trx
        .insertInto('registered_model_tags')
        .values({ name, key: tag.key, value: tag.value })
        .onConflict((oc) => oc.columns(['name', 'key']).doUpdateSet({ value: tag.value }))
        .execute()
      await touchModel(trx, name)
    })
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    checkKey(key, 'tag')
    await this.metadata.transaction(async (trx) => {
      await this.#requireModel(trx, name)
      const res = await trx
        .deleteFrom('registered_model_tags')
        .where('name', '=', name)
        .where('key', '=', key)
        .executeTakeFirst()
      if (Number(res.numDeletedRows) === 0)
        throw new CairnError('CAIRN_NOT_FOUND', `Model "${name}" has no tag "${key}"`, {
          details: { name, key },
        })
      await touchModel(trx, name)
    })
  }

  async getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]> {
    await this.#requireModel(this.#db, name)
    const wanted = stages && stages.length > 0 ? stages.map(parseStage) : [...MODEL_STAGES]
    const rows = await this.#db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', name)
      .where('deleted', '=', 0)
      .where('current_stage', 'in', wanted)
      .orderBy('version', 'desc')
      .execute()
    const newest = new Map<string, ModelVersionsTable>()
    for (const r of rows) if (!newest.has(r.current_stage)) newest.set(r.current_stage, r)
    const picked = [...newest.values()].sort((a, b) => a.version - b.version)
    return this.#hydrateVersions(this.#db, picked)
  }

  // ---------------------------------------------------------------- versions

  async createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    const name = checkName(input?.name, 'model')
    if (typeof input.source !== 'string' || input.source === '')
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'A model version needs a source URI', {
        hint: 'Use runs:/<run_id>/<path> or an artifact URI such as s3://bucket/models/x',
      })
    const tags = Object.entries(input.tags ?? {}).map(([key, value]) => checkTag({ key, value }))
    const { storageLocation, runId } = await this.#resolveSource(input.source, input.runId)
    const userId = input.userId ?? currentUser()
    for (let attempt = 1; ; attempt++) {
      try {
        const version = await this.metadata.transaction(async (trx) => {
          const now = Date.now()
          const model = await trx
            .selectFrom('registered_models')
            .select('name')
            .where('name', '=', name)
            .executeTakeFirst()
          if (!model) await this.#insertModel(trx, name, null, now, userId)
          const max = await trx
            .selectFrom('model_versions')
            .select((eb) => eb.fn.max('version').as('v'))
            .where('name', '=', name)
            .executeTakeFirst()
          const version = Number(max?.v ?? 0) + 1
          await trx
            .insertInto('model_versions')
            .values({
              name,
              version,
              creation_time: now,
              last_updated_time: now,
              description: input.description ?? null,
              user_id: userId,
              current_stage: 'None',
              source: input.source,
              run_id: runId,
              run_link: input.runLink ?? null,
              status: 'READY',
              status_message: null,
              storage_location: storageLocation,
              deleted: 0,
            })
            .execute()
          if (tags.length)
            await trx
              .insertInto('model_version_tags')
              .values(tags.map((t) => ({ name, version, key: t.key, value: t.value })))
              .execute()
          await touchModel(trx, name, now)
          await insertEvent(trx, {
            name,
            version,
            kind: MODEL_EVENT_KINDS.versionCreated,
            to: String(version),
            userId,
            timestamp: now,
            payload: { source: input.source, storageLocation, runId },
          })
          return version
        })
        return await this.getModelVersion(name, version)
      } catch (err) {
        if (isUniqueViolation(err) && attempt < MAX_CREATE_ATTEMPTS) continue
        throw err
      }
    }
  }

  async #resolveSource(
    source: string,
    runId?: string,
  ): Promise<{ storageLocation: string; runId: string | null }> {
    if (source.startsWith('runs:/')) {
      const rest = source.slice('runs:/'.length).replace(/^\/+/, '')
      const slash = rest.indexOf('/')
      const id = slash === -1 ? rest : rest.slice(0, slash)
      const path = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '')
      if (!id)
        throw new CairnError('CAIRN_INVALID_MODEL_URI', `Invalid source "${source}": the run id is missing`, {
          hint: 'Use runs:/<run_id>/<artifact path>',
        })
      const run = await this.#tracking.getRun(id)
      const store = this.#tracking.storeForUri(run.info.artifactUri)
      return { storageLocation: path ? store.uriFor(path) : store.uri, runId: runId ?? id }
    }
    if (source.startsWith('models:/')) {
      const resolved = await resolveModelUri(this, source)
      return {
        storageLocation: resolved.modelVersion.storageLocation,
        runId: runId ?? resolved.modelVersion.runId,
      }
    }
    return { storageLocation: source, runId: runId ?? null }
  }

  async getModelVersion(name: string, version: number): Promise<ModelVersion> {
    const row = await this.#requireVersion(this.#db, name, version)
    return (await this.#hydrateVersions(this.#db, [row]))[0]!
  }

  async updateModelVersion(
    name: string,
    version: number,
    input: { description: string },
  ): Promise<ModelVersion> {
    const description = checkDescription(input?.description)
    await this.metadata.transaction(async (trx) => {
      await this.#requireVersion(trx, name, version)
      const now = Date.now()
      await trx
        .updateTable('model_versions')
        .set({ description, last_updated_time: now })
        .where('name', '=', name)
        .where('version', '=', version)
        .execute()
    })
    return this.getModelVersion(name, version)
  }

  async deleteModelVersion(name: string, version: number, options: ChangeOptions = {}): Promise<void> {
    const userId = options.userId ?? currentUser()
    await this.metadata.transaction(async (trx) => {
      const row = await this.#requireVersion(trx, name, version)
      const now = Date.now()
      await trx
        .updateTable('model_versions')
        .set({ deleted: 1, last_updated_time: now })
        .where('name', '=', name)
        .where('version', '=', version)
        .execute()
      await trx
        .deleteFrom('model_version_tags')
        .where('name', '=', name)
        .where('version', '=', version)
        .execute()
      const aliases = await trx
        .deleteFrom('registered_model_aliases')
        .where('name', '=', name)
        .where('version', '=', version)
        .returning('alias')
        .execute()
      for (const a of aliases)
        await insertEvent(trx, {
          name,
          version,
          kind: MODEL_EVENT_KINDS.aliasDeleted,
          from: a.alias,
          userId,
          comment: `version ${version} was deleted`,
        })
      await insertEvent(trx, {
        name,
        version,
        kind: MODEL_EVENT_KINDS.versionDeleted,
        from: row.current_stage,
        userId,
        comment: options.comment ?? null,
        timestamp: now,
      })
      await touchModel(trx, name, now)
    })
  }

  async searchModelVersions(options: SearchModelVersionsOptions = {}): Promise<Page<ModelVersion>> {
    const max = checkMaxResults(options.maxResults, 10_000, 200_000)
    const offset = decodePageToken(options.pageToken)
    const expr = parseFilter(options.filter, MODEL_VERSION_FILTER_SCHEMA)
    const order = parseOrderBy(options.orderBy, MODEL_VERSION_FILTER_SCHEMA)
    const dialect = this.metadata.dialect
    const compile = (x: FilterExpr): RawBuilder<SqlBool> => {
      if (x.type !== 'cmp') return joinBool(x.items.map(compile), x.type)
      if (x.entity === 'tag') {
        const owner = sql`select 1 from model_version_tags ft where ft.name = mv.name and ft.version = mv.version and ft.key = ${x.key}`
        if (x.op === 'IS NULL') return sql<SqlBool>`not exists (${owner})`
        if (x.op === 'IS NOT NULL') return sql<SqlBool>`exists (${owner})`
        return sql<SqlBool>`exists (${owner} and ${compareSql(sql.ref('ft.value'), x.op, x.value, dialect)})`
      }
      return compareSql(sql.ref(MODEL_VERSION_COLUMNS[x.key]!), x.op, x.value, dialect)
    }
    const orderBy: RawBuilder<unknown>[] = []
    for (const t of order) {
      const dir = sql.raw(t.direction === 'DESC' ? 'desc' : 'asc')
      if (t.entity === 'tag')
        throw new CairnError('CAIRN_INVALID_FILTER', 'Model versions cannot be ordered by tags', {
          hint: 'Order by name, version_number, creation_timestamp or last_updated_timestamp',
        })
      orderBy.push(sql`${sql.ref(MODEL_VERSION_COLUMNS[t.key]!)} ${dir}`)
    }
    orderBy.push(sql`mv.name asc`, sql`mv.version desc`)
    const result =
      await sql<ModelVersionsTable>`select mv.* from model_versions mv where mv.deleted = 0 and ${expr ? compile(expr) : sql`1 = 1`} order by ${sql.join(orderBy)} limit ${max + 1} offset ${offset}`.execute(
        this.#db,
      )
    const rows = result.rows.slice(0, max)
    return page(
      await this.#hydrateVersions(this.#db, rows),
      result.rows.length > max ? offset + max : undefined,
    )
  }

  async setModelVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    const tag = checkTag({ key, value })
    await this.metadata.transaction(async (trx) => {
      await this.#requireVersion(trx, name, version)
      await trx
        .insertInto('model_version_tags')
        .values({ name, version, key: tag.key, value: tag.value })
        .onConflict((oc) => oc.columns(['name', 'version', 'key']).doUpdateSet({ value: tag.value }))
        .execute()
    })
  }

  async deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    checkKey(key, 'tag')
    await this.metadata.transaction(async (trx) => {
      await this.#requireVersion(trx, name, version)
      const res = await trx
        .deleteFrom('model_version_tags')
        .where('name', '=', name)
        .where('version', '=', version)
        .where('key', '=', key)
        .executeTakeFirst()
      if (Number(res.numDeletedRows) === 0)
        throw new CairnError('CAIRN_NOT_FOUND', `Version ${version} of "${name}" has no tag "${key}"`, {
          details: { name, version, key },
        })
    })
  }

  async transitionModelVersionStage(
    name: string,
    version: number,
    stage: string,
    options: TransitionStageOptions = {},
  ): Promise<ModelVersion> {
    const target = parseStage(stage)
    const userId = options.userId ?? currentUser()
    await this.metadata.transaction(async (trx) => {
      const row = await this.#requireVersion(trx, name, version)
      const now = Date.now()
      if (row.current_stage !== target) {
        await trx
          .updateTable('model_versions')
          .set({ current_stage: target, last_updated_time: now })
          .where('name', '=', name)
          .where('version', '=', version)
          .execute()
        await insertEvent(trx, {
          name,
          version,
          kind: MODEL_EVENT_KINDS.stageTransition,
          from: row.current_stage,
          to: target,
          userId,
          comment: options.comment ?? null,
          timestamp: now,
        })
      }
      if (options.archiveExistingVersions && (target === 'Staging' || target === 'Production')) {
        const others = await trx
          .selectFrom('model_versions')
          .select(['version', 'current_stage'])
          .where('name', '=', name)
          .where('deleted', '=', 0)
          .where('current_stage', '=', target)
          .where('version', '!=', version)
          .execute()
        for (const o of others) {
          await trx
            .updateTable('model_versions')
            .set({ current_stage: 'Archived', last_updated_time: now })
            .where('name', '=', name)
            .where('version', '=', o.version)
            .execute()
          await insertEvent(trx, {
            name,
            version: o.version,
            kind: MODEL_EVENT_KINDS.stageTransition,
            from: o.current_stage,
            to: 'Archived',
            userId,
            comment: `archived: version ${version} moved to ${target}`,
            timestamp: now,
          })
        }
      }
      await touchModel(trx, name, now)
    })
    return this.getModelVersion(name, version)
  }

  // ---------------------------------------------------------------- aliases

  async setAlias(name: string, alias: string, version: number, options: ChangeOptions = {}): Promise<void> {
    checkAlias(alias)
    await this.metadata.transaction(async (trx) => {
      await this.#requireVersion(trx, name, version)
      const current = await trx
        .selectFrom('registered_model_aliases')
        .select('version')
        .where('name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst()
      if (current && Number(current.version) === version) return
      await trx
        .insertInto('registered_model_aliases')
        .values({ name, alias, version })
        .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version }))
        .execute()
      await insertEvent(trx, {
        name,
        version,
        kind: MODEL_EVENT_KINDS.aliasSet,
        from: current ? String(current.version) : null,
        to: String(version),
        userId: options.userId ?? currentUser(),
        comment: options.comment ?? null,
        payload: { alias },
      })
      await touchModel(trx, name)
    })
  }

  async deleteAlias(name: string, alias: string, options: ChangeOptions = {}): Promise<void> {
    checkAlias(alias)
    await this.metadata.transaction(async (trx) => {
      await this.#requireModel(trx, name)
      const current = await trx
        .selectFrom('registered_model_aliases')
        .select('version')
        .where('name', '=', name)
        .where('alias', '=', alias)
        .executeTakeFirst()
      if (!current) throw aliasNotFound(name, alias)
      await trx
        .deleteFrom('registered_model_aliases')
        .where('name', '=', name)
        .where('alias', '=', alias)
        .execute()
      await insertEvent(trx, {
        name,
        version: Number(current.version),
        kind: MODEL_EVENT_KINDS.aliasDeleted,
        from: String(current.version),
        to: null,
        userId: options.userId ?? currentUser(),
        comment: options.comment ?? null,
        payload: { alias },
      })
      await touchModel(trx, name)
    })
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    await this.#requireModel(this.#db, name)
    const row = await this.#db
      .selectFrom('registered_model_aliases')
      .select('version')
      .where('name', '=', name)
      .where('alias', '=', alias)
      .executeTakeFirst()
    if (!row) throw aliasNotFound(name, alias)
    return this.getModelVersion(name, Number(row.version))
  }

  // ---------------------------------------------------------------- history

  async recordEvent(input: RecordEventInput): Promise<ModelEvent> {
    const name = checkName(input?.name, 'model')
    if (typeof input.kind !== 'string' || !/^[a-z][a-z0-9_.-]{0,63}$/.test(input.kind))
      throw new CairnError('CAIRN_INVALID_ARGUMENT', `Invalid event kind ${JSON.stringify(input.kind)}`, {
        hint: 'Use a short lower-case name such as gate_promote',
      })
    if (
      input.payload !== undefined &&
      input.payload !== null &&
      (typeof input.payload !== 'object' || Array.isArray(input.payload))
    )
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'An event payload must be a JSON object')
    return this.metadata.transaction(async (trx) => {
      await this.#requireModel(trx, name)
      if (input.version !== undefined && input.version !== null)
        await this.#requireVersion(trx, name, input.version, true)
      return insertEvent(trx, {
        name,
        version: input.version ?? null,
        kind: input.kind,
        from: input.from ?? null,
        to: input.to ?? null,
        userId: input.userId === undefined ? currentUser() : input.userId,
        comment: input.comment ?? null,
        payload: input.payload ?? null,
        timestamp: input.timestamp ?? Date.now(),
      })
    })
  }

  async history(name: string, options: HistoryOptions = {}): Promise<ModelEvent[]> {
    checkName(name, 'model')
    const limit = checkMaxResults(options.limit, 1000, 100_000)
    let q = this.#db.selectFrom('model_events').selectAll().where('name', '=', name)
    if (options.version !== undefined) q = q.where('version', '=', options.version)
    if (options.kinds && options.kinds.length > 0) q = q.where('kind', 'in', options.kinds)
    const rows = await q.orderBy('timestamp', 'desc').orderBy('event_id', 'desc').limit(limit).execute()
    if (rows.length === 0) {
      const exists = await this.#db
        .selectFrom('registered_models')
        .select('name')
        .where('name', '=', name)
        .executeTakeFirst()
      if (!exists) throw modelNotFound(name)
    }
    return rows.map(toEvent)
  }

  async modelVersionArtifacts(name: string, version: number): Promise<ArtifactStore> {
    const mv = await this.getModelVersion(name, version)
    return this.#tracking.storeForUri(mv.storageLocation)
  }

  async close(): Promise<void> {
    if (this.#ownsTracking) await this.#tracking.close()
    if (this.#ownsStores) {
      await this.artifacts.close()
      await this.metadata.close()
    }
  }

  // ---------------------------------------------------------------- helpers

  async #requireModel(db: Db, name: string): Promise<RegisteredModelsTable> {
    checkName(name, 'model')
    const row = await db
      .selectFrom('registered_models')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
    if (!row) throw modelNotFound(name)
    return row
  }

  async #requireVersion(
    db: Db,
    name: string,
    version: number,
    allowDeleted = false,
  ): Promise<ModelVersionsTable> {
    checkName(name, 'model')
    const v = Number(version)
    if (!Number.isSafeInteger(v) || v < 1)
      throw new CairnError('CAIRN_INVALID_ARGUMENT', `Invalid model version ${JSON.stringify(version)}`, {
        hint: 'Versions are whole numbers starting at 1',
      })
    const row = await db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', v)
      .executeTakeFirst()
    if (!row || (row.deleted && !allowDeleted)) {
      await this.#requireModel(db, name)
      throw new CairnError('CAIRN_MODEL_VERSION_NOT_FOUND', `Model "${name}" has no version ${v}`, {
        details: { name, version: v },
        hint: `List its versions with: cairn models versions ${name}`,
      })
    }
    return row
  }

  async #hydrateModels(db: Db, rows: RegisteredModelsTable[]): Promise<RegisteredModel[]> {
    if (rows.length === 0) return []
    const names = rows.map((r) => r.name)
    const [tags, aliases, versions] = await Promise.all([
      db.selectFrom('registered_model_tags').selectAll().where('name', 'in', names).execute(),
      db.selectFrom('registered_model_aliases').selectAll().where('name', 'in', names).execute(),
      db
        .selectFrom('model_versions')
        .selectAll()
        .where('name', 'in', names)
        .where('deleted', '=', 0)
        .orderBy('version', 'desc')
        .execute(),
    ])
    const latest = new Map<string, Map<string, ModelVersionsTable>>()
    for (const v of versions) {
      const perStage = latest.get(v.name) ?? new Map<string, ModelVersionsTable>()
      if (!perStage.has(v.current_stage)) perStage.set(v.current_stage, v)
      latest.set(v.name, perStage)
    }
    const latestRows = [...latest.values()].flatMap((m) => [...m.values()])
    const hydrated = await this.#hydrateVersions(db, latestRows)
    const byKey = new Map(hydrated.map((v) => [`${v.name}\u0000${v.version}`, v]))
    return rows.map((r) => ({
      name: r.name,
      description: r.description,
      creationTime: Number(r.creation_time),
      lastUpdatedTime: Number(r.last_updated_time),
      tags: Object.fromEntries(tags.filter((t) => t.name === r.name).map((t) => [t.key, t.value])),
      aliases: Object.fromEntries(
        aliases.filter((a) => a.name === r.name).map((a) => [a.alias, Number(a.version)]),
      ),
      latestVersions: [...(latest.get(r.name)?.values() ?? [])]
        .map((v) => byKey.get(`${v.name}\u0000${v.version}`)!)
        .sort((a, b) => a.version - b.version),
    }))
  }

  async #hydrateVersions(db: Db, rows: ModelVersionsTable[]): Promise<ModelVersion[]> {
    if (rows.length === 0) return []
    const names = [...new Set(rows.map((r) => r.name))]
    const [tags, aliases] = await Promise.all([
      db.selectFrom('model_version_tags').selectAll().where('name', 'in', names).execute(),
      db.selectFrom('registered_model_aliases').selectAll().where('name', 'in', names).execute(),
    ])
    const key = (name: string, version: number) => `${name}\u0000${Number(version)}`
    const tagMap = new Map<string, Record<string, string>>()
    for (const t of tags) {
      const k = key(t.name, t.version)
      const m = tagMap.get(k) ?? {}
      m[t.key] = t.value
      tagMap.set(k, m)
    }
    const aliasMap = new Map<string, string[]>()
    for (const a of aliases) {
      const k = key(a.name, a.version)
      aliasMap.set(k, [...(aliasMap.get(k) ?? []), a.alias].sort())
    }
    return rows.map((r) => ({
      name: r.name,
      version: Number(r.version),
      creationTime: Number(r.creation_time),
      lastUpdatedTime: Number(r.last_updated_time),
      description: r.description,
      userId: r.user_id,
      currentStage: r.current_stage as ModelStage,
      source: r.source,
      storageLocation: r.storage_location ?? r.source,
      runId: r.run_id,
      runLink: r.run_link,
      status: r.status as ModelVersionStatus,
      statusMessage: r.status_message,
      tags: tagMap.get(key(r.name, r.version)) ?? {},
      aliases: aliasMap.get(key(r.name, r.version)) ?? [],
    }))
  }
}

async function insertEvent(
  trx: Db,
  e: {
    name: string
    version?: number | null
    kind: string
    from?: string | null
    to?: string | null
    userId?: string | null
    comment?: string | null
    payload?: Record<string, unknown> | null
    timestamp?: number
  },
): Promise<ModelEvent> {
  const timestamp = e.timestamp ?? Date.now()
  const row = {
    event_id: eventId(timestamp),
    name: e.name,
    version: e.version ?? null,
    kind: e.kind,
    from_value: e.from ?? null,
    to_value: e.to ?? null,
    user_id: e.userId ?? null,
    timestamp,
    comment: e.comment ?? null,
    payload: e.payload ? JSON.stringify(e.payload) : null,
  }
  await trx.insertInto('model_events').values(row).execute()
  return toEvent(row)
}

let lastEventTime = 0
let eventCounter = 0

/** Event ids sort by time, and by order of recording within one process and millisecond. */
function eventId(timestamp: number): string {
  if (timestamp === lastEventTime) eventCounter++
  else {
    lastEventTime = timestamp
    eventCounter = 0
  }
  return (
    timestamp.toString(16).padStart(12, '0') +
    (eventCounter & 0xffff).toString(16).padStart(4, '0') +
    randomBytes(8).toString('hex')
  )
}

function toEvent(r: Database['model_events']): ModelEvent {
  return {
    eventId: r.event_id,
    name: r.name,
    version: r.version === null ? null : Number(r.version),
    kind: r.kind,
    from: r.from_value,
    to: r.to_value,
    userId: r.user_id,
    timestamp: Number(r.timestamp),
    comment: r.comment,
    payload: r.payload ? (JSON.parse(r.payload) as Record<string, unknown>) : null,
  }
}

async function touchModel(trx: Db, name: string, now = Date.now()): Promise<void> {
  await trx
    .updateTable('registered_models')
    .set({ last_updated_time: now })
    .where('name', '=', name)
    .execute()
}

function page<T>(items: T[], nextOffset: number | undefined): Page<T> {
  return nextOffset === undefined ? { items } : { items, nextPageToken: encodePageToken(nextOffset) }
}

function checkDescription(description: unknown): string {
  if (typeof description !== 'string')
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'The description must be a string')
  if (description.length > 50_000)
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'The description is longer than 50,000 characters')
  return description
}

function checkAlias(alias: unknown): string {
  if (
    typeof alias !== 'string' ||
    !ALIAS_RE.test(alias) ||
    alias.toLowerCase() === 'latest' ||
    /^v\d+$/i.test(alias)
  )
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `Invalid alias ${JSON.stringify(alias)}`, {
      hint: 'Aliases start with a letter or _, hold letters, digits, _ and -, and cannot be "latest" or look like v3',
    })
  return alias
}

function modelNotFound(name: string): CairnError {
  return new CairnError('CAIRN_MODEL_NOT_FOUND', `No registered model named "${name}"`, {
    details: { name },
    hint: 'List models with: cairn models list',
  })
}

function modelExists(name: string): CairnError {
  return new CairnError('CAIRN_MODEL_ALREADY_EXISTS', `A registered model named "${name}" already exists`, {
    details: { name },
  })
}

function aliasNotFound(name: string, alias: string): CairnError {
  return new CairnError('CAIRN_ALIAS_NOT_FOUND', `Model "${name}" has no alias "${alias}"`, {
    details: { name, alias },
    hint: `Set it with: cairn models alias ${name} ${alias} <version>`,
  })
}
