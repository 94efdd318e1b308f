import { sql } from 'kysely'
import type { Db, ExperimentsTable, RunsTable, SqlDialect } from '../../store/index.js'
import type { DatasetInput, Experiment, LifecycleStage, Metric, Run, RunInfo, RunStatus } from '../types.js'

/** Split `ids` into chunks small enough for an IN list on either dialect. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

export function toExperiment(row: ExperimentsTable, tags: Record<string, string>): Experiment {
  return {
    experimentId: row.experiment_id,
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
    creationTime: Number(row.creation_time),
    lastUpdateTime: Number(row.last_update_time),
    tags,
  }
}

export function toRunInfo(row: RunsTable): RunInfo {
  return {
    runId: row.run_uuid,
    runName: row.run_name,
    experimentId: row.experiment_id,
    userId: row.user_id,
    status: row.status as RunStatus,
    startTime: Number(row.start_time),
    endTime: row.end_time === null ? null : Number(row.end_time),
    artifactUri: row.artifact_uri,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
  }
}

/** A metric row back to a Metric (NaN is stored as is_nan = 1). */
export function toMetric(row: {
  key: string
  value: number
  timestamp: number
  step: number
  is_nan: number
}): Metric {
  return {
    key: row.key,
    value: Number(row.is_nan) === 1 ? Number.NaN : Number(row.value),
    timestamp: Number(row.timestamp),
    step: Number(row.step),
  }
}

/** Tags of many experiments, keyed by experiment id. */
export async function loadExperimentTags(
  db: Db,
  ids: string[],
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>(ids.map((id) => [id, {}]))
  for (const part of chunks(ids)) {
    if (part.length === 0) continue
    const rows = await db
      .selectFrom('experiment_tags')
      .select(['experiment_id', 'key', 'value'])
      .where('experiment_id', 'in', part)
      .execute()
    for (const r of rows) out.get(r.experiment_id)![r.key] = r.value
  }
  return out
}

/**
 * Per run, one JSON array of `[key, value, …]` tuples built by the database: for pages of many
 * runs this beats turning tens of thousands of rows into objects one by one.
 */
async function groupedJson(
  db: Db,
  dialect: SqlDialect,
  table: 'params' | 'tags' | 'latest_metrics',
  ids: string[],
): Promise<Array<{ run_uuid: string; j: string }>> {
  const cols = table === 'latest_metrics' ? sql`key, value, timestamp, step, is_nan` : sql`key, value`
  const agg =
    dialect === 'sqlite'
      ? sql`json_group_array(json_array(${cols}))`
      : sql`json_agg(json_build_array(${cols}))::text`
  const result = await sql<{
    run_uuid: string
    j: string
  }>`select run_uuid, ${agg} as j from ${sql.table(table)} where run_uuid in (${sql.join(ids)}) group by run_uuid`.execute(
    db,
  )
  return result.rows
}

/** Turn run rows into full runs: params, tags, latest metrics and dataset inputs, in 4–5 queries. */
export async function hydrateRuns(db: Db, rows: RunsTable[], dialect: SqlDialect): Promise<Run[]> {
  const runs = new Map<string, Run>()
  for (const row of rows)
    runs.set(row.run_uuid, {
      info: toRunInfo(row),
      data: { metrics: {}, params: {}, tags: {} },
      inputs: { datasetInputs: [] },
    })
  const ids = [...runs.keys()]
  for (const part of chunks(ids)) {
    if (part.length === 0) continue
    const [params, tags, metrics, inputs] = await Promise.all([
      groupedJson(db, dialect, 'params', part),
      groupedJson(db, dialect, 'tags', part),
      groupedJson(db, dialect, 'latest_metrics', part),
      db
        .selectFrom('inputs as i')
        .innerJoin('datasets as d', 'd.dataset_uuid', 'i.source_id')
        .select([
          'i.destination_id',
          'i.input_uuid',
          'd.name',
          'd.digest',
          'd.source_type',
          'd.source',
          'd.schema',
          'd.profile',
        ])
        .where('i.source_type', '=', 'DATASET')
        .where('i.destination_type', '=', 'RUN')
        .where('i.destination_id', 'in', part)
        .orderBy(sql`i.input_uuid`)
        .execute(),
    ])
    for (const g of params) {
      const target = runs.get(g.run_uuid)!.data.params
      for (const [key, value] of JSON.parse(g.j) as Array<[string, string]>) target[key] = value
    }
    for (const g of tags) {
      const target = runs.get(g.run_uuid)!.data.tags
      for (const [key, value] of JSON.parse(g.j) as Array<[string, string]>) target[key] = value
    }
    for (const g of metrics) {
      const target = runs.get(g.run_uuid)!.data.metrics
      for (const [key, value, timestamp, step, isNan] of JSON.parse(g.j) as Array<
        [string, number | string, number, number, number]
      >)
        target[key] = {
          key,
          value: Number(isNan) === 1 ? Number.NaN : Number(value),
          timestamp: Number(timestamp),
          step: Number(step),
        }
    }
    if (inputs.length > 0) {
      const inputTags = new Map<string, Record<string, string>>()
      for (const sub of chunks(inputs.map((i) => i.input_uuid))) {
        const rows = await db.selectFrom('input_tags').selectAll().where('input_uuid', 'in', sub).execute()
        for (const r of rows) {
          const t = inputTags.get(r.input_uuid) ?? {}
          t[r.key] = r.value
          inputTags.set(r.input_uuid, t)
        }
      }
      for (const i of inputs) {
        const input: DatasetInput = {
          dataset: {
            name: i.name,
            digest: i.digest,
            sourceType: i.source_type,
            source: i.source,
            schema: i.schema,
            profile: i.profile,
          },
          tags: inputTags.get(i.input_uuid) ?? {},
        }
        runs.get(i.destination_id)!.inputs.datasetInputs.push(input)
      }
    }
  }
  return rows.map((r) => runs.get(r.run_uuid)!)
}
