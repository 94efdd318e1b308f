import { sql } from 'kysely'
import type { Db, ExperimentsTable, RunsTable, SqlDialect } from '../../store/index.js'
import type { Experiment, LifecycleStage, Metric, Run, RunInfo, RunStatus } from '../types.js'

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
 * The JSON aggregate of one run's rows of `table`, as a correlated subquery over `r.run_uuid`:
 * `{key: value}` for params and tags, `[[key, value, timestamp, step], …]` for metrics (both
 * databases build arrays far faster than objects; a NaN value is null).
 */
function runJson(dialect: SqlDialect, table: 'params' | 'tags' | 'latest_metrics') {
  const from = sql`from ${sql.table(table)} x where x.run_uuid = r.run_uuid`
  const value = sql`case when x.is_nan = 1 then null else x.value end`
  if (dialect === 'sqlite')
    return table === 'latest_metrics'
      ? sql`(select json_group_array(json_array(x.key, ${value}, x.timestamp, x.step)) ${from})`
      : sql`(select json_group_object(x.key, x.value) ${from})`
  return table === 'latest_metrics'
    ? sql`(select json_agg(json_build_array(x.key, ${value}, x.timestamp, x.step))::text ${from})`
    : sql`(select json_object_agg(x.key, x.value)::text ${from})`
}

/** The ids as one bound parameter, expanded by the database into rows `(run_uuid, ord)`. */
function idList(dialect: SqlDialect, ids: readonly string[]) {
  return dialect === 'sqlite'
    ? sql`(select value as run_uuid, key as ord from json_each(${JSON.stringify(ids)}))`
    : sql`unnest(cast(${ids} as text[])) with ordinality`
}

type RunRow = RunsTable & { params: string | null; tags: string | null; metrics: string | null }

/**
 * Full runs (info, params, tags, latest metrics, dataset inputs) for `ids`, in that order; ids of
 * runs that do not exist are skipped. Two statements whatever the number of runs: the ids travel as
 * one parameter, and the database builds each run's params, tags and metrics as JSON (for pages of
 * many runs, one `JSON.parse` per run beats reading tens of thousands of rows one by one).
 */
export async function loadRuns(db: Db, dialect: SqlDialect, ids: readonly string[]): Promise<Run[]> {
  if (ids.length === 0) return []
  const list =
    dialect === 'sqlite' ? idList(dialect, ids) : sql`${idList(dialect, ids)} as ids(run_uuid, ord)`
  const result =
    await sql<RunRow>`select r.*, ${runJson(dialect, 'params')} as params, ${runJson(dialect, 'tags')} as tags, ${runJson(dialect, 'latest_metrics')} as metrics from ${dialect === 'sqlite' ? sql`${list} ids` : list} join runs r on r.run_uuid = ids.run_uuid order by ids.ord`.execute(
      db,
    )
  const runs = new Map<string, Run>()
  for (const row of result.rows) {
    const metrics = row.metrics ? parseMetrics(row.metrics) : {}
    runs.set(row.run_uuid, {
      info: toRunInfo(row),
      data: {
        metrics,
        params: row.params ? (JSON.parse(row.params) as Record<string, string>) : {},
        tags: row.tags ? (JSON.parse(row.tags) as Record<string, string>) : {},
      },
      inputs: { datasetInputs: [] },
    })
  }
  await loadRunInputs(db, dialect, ids, runs)
  return [...runs.values()]
}

/** A run's latest metrics from its `[[key, value, timestamp, step], …]` (NaN as null; PostgreSQL writes ±Infinity as strings). */
function parseMetrics(json: string): Record<string, Metric> {
  const metrics: Record<string, Metric> = {}
  for (const [key, v, timestamp, step] of JSON.parse(json) as Array<
    [string, number | string | null, number, number]
  >) {
    const m = {
      key,
      value: typeof v === 'number' ? v : v === null ? Number.NaN : Number(v),
      timestamp: Number(timestamp),
      step: Number(step),
    }
    if (key === '__proto__')
      Object.defineProperty(metrics, key, { value: m, enumerable: true, writable: true })
    else metrics[key] = m
  }
  return metrics
}

/** Attach the dataset inputs of `runs` (with their tags) in input order. */
async function loadRunInputs(
  db: Db,
  dialect: SqlDialect,
  ids: readonly string[],
  runs: Map<string, Run>,
): Promise<void> {
  const inList =
    dialect === 'sqlite'
      ? sql`(select value from json_each(${JSON.stringify(ids)}))`
      : sql`(select unnest(cast(${ids} as text[])))`
  const inputs = await db
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
    .where(sql<boolean>`i.destination_id in ${inList}`)
    .orderBy(sql`i.input_uuid`)
    .execute()
  if (inputs.length === 0) return
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
    runs.get(i.destination_id)?.inputs.datasetInputs.push({
      dataset: {
        name: i.name,
        digest: i.digest,
        sourceType: i.source_type,
        source: i.source,
        schema: i.schema,
        profile: i.profile,
      },
      tags: inputTags.get(i.input_uuid) ?? {},
    })
  }
}
