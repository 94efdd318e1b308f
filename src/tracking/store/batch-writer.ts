import { sql, type Transaction } from 'kysely'
import { CairnError } from '../../core/index.js'
import type { Database, SqlDialect } from '../../store/index.js'
import { type KeyValue, type Metric, SYSTEM_TAGS } from '../types.js'
import { chunks } from './rows.js'

/** Insert params; CAIRN_PARAM_CHANGED (rolling back the caller's transaction) when one differs. */
export async function writeParams(
  trx: Transaction<Database>,
  runId: string,
  params: KeyValue[],
): Promise<void> {
  if (params.length === 0) return
  const wanted = new Map<string, string>()
  for (const p of params) {
    const seen = wanted.get(p.key)
    if (seen !== undefined && seen !== p.value)
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `Param "${p.key}" appears twice in one batch with different values ("${seen}" and "${p.value}")`,
        { details: { key: p.key } },
      )
    wanted.set(p.key, p.value)
  }
  const keys = [...wanted.keys()]
  for (const part of chunks(keys, 300))
    await trx
      .insertInto('params')
      .values(part.map((key) => ({ run_uuid: runId, key, value: wanted.get(key)! })))
      .onConflict((oc) => oc.doNothing())
      .execute()
  for (const part of chunks(keys)) {
    const stored = await trx
      .selectFrom('params')
      .select(['key', 'value'])
      .where('run_uuid', '=', runId)
      .where('key', 'in', part)
      .execute()
    for (const s of stored) {
      const value = wanted.get(s.key)
      if (value !== s.value)
        throw new CairnError(
          'CAIRN_PARAM_CHANGED',
          `Param "${s.key}" of run ${runId} was logged as "${s.value}"; it cannot change to "${value}"`,
          {
            details: { runId, key: s.key, storedValue: s.value, newValue: value },
            hint: 'Params are immutable: start a new run to try another value, or log it as a tag',
          },
        )
    }
  }
}

/** Upsert tags (the last value of a key wins); `mlflow.runName` also renames the run. */
export async function writeTags(trx: Transaction<Database>, runId: string, tags: KeyValue[]): Promise<void> {
  if (tags.length === 0) return
  const latest = new Map<string, string>()
  for (const t of tags) latest.set(t.key, t.value)
  for (const part of chunks([...latest.entries()], 300))
    await trx
      .insertInto('tags')
      .values(part.map(([key, value]) => ({ run_uuid: runId, key, value })))
      .onConflict((oc) =>
        oc.columns(['run_uuid', 'key']).doUpdateSet({ value: (eb) => eb.ref('excluded.value') }),
      )
      .execute()
  const name = latest.get(SYSTEM_TAGS.runName)
  if (name !== undefined)
    await trx.updateTable('runs').set({ run_name: name }).where('run_uuid', '=', runId).execute()
}

/** A metric value as a JSON literal SQL can read: SQLite takes 9e999 as infinity, PostgreSQL casts "Infinity". */
function jsonNumber(v: number, dialect: SqlDialect): string {
  if (Number.isFinite(v)) return String(v)
  if (dialect === 'sqlite') return v > 0 ? '9e999' : '-9e999'
  return v > 0 ? '"Infinity"' : '"-Infinity"'
}

/**
 * Insert many metric rows with one statement and one bound parameter: the rows travel as a JSON
 * array that the database unpacks (`json_each` / `json_array_elements`). Building a 6,000-value
 * INSERT would cost more than storing it. Exact duplicates are ignored.
 */
async function insertMetricRows(
  trx: Transaction<Database>,
  dialect: SqlDialect,
  runId: string,
  rows: ReadonlyArray<{ key: string; value: number; timestamp: number; step: number; is_nan: number }>,
): Promise<void> {
  let json = '['
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    json += `${i ? ',' : ''}[${JSON.stringify(r.key)},${jsonNumber(r.value, dialect)},${r.timestamp},${r.step},${r.is_nan}]`
  }
  json += ']'
  if (dialect === 'sqlite')
    await sql`insert into metrics (run_uuid, key, value, timestamp, step, is_nan)
      select ${runId}, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4 from json_each(${json}) j where true
      on conflict do nothing`.execute(trx)
  else
    await sql`insert into metrics (run_uuid, key, value, timestamp, step, is_nan)
      select ${runId}, e ->> 0, (e ->> 1)::double precision, (e ->> 2)::bigint, (e ->> 3)::bigint, (e ->> 4)::integer
      from json_array_elements(${json}::json) e
      on conflict do nothing`.execute(trx)
}

/**
 * Insert metric values (exact duplicates are ignored) and move `latest_metrics` forward: the
 * latest value of a key is the one with the greatest (step, timestamp, value), as in MLflow.
 */
export async function writeMetrics(
  trx: Transaction<Database>,
  dialect: SqlDialect,
  runId: string,
  metrics: Metric[],
): Promise<void> {
  if (metrics.length === 0) return
  const rows = metrics.map((m) => {
    const isNan = Number.isNaN(m.value)
    return {
      run_uuid: runId,
      key: m.key,
      value: isNan ? 0 : m.value,
      timestamp: m.timestamp,
      step: m.step,
      is_nan: isNan ? 1 : 0,
    }
  })
  for (const part of chunks(rows, 5000)) await insertMetricRows(trx, dialect, runId, part)
  const latest = new Map<string, (typeof rows)[number]>()
  for (const r of rows) {
    const cur = latest.get(r.key)
    if (
      !cur ||
      r.step > cur.step ||
      (r.step === cur.step &&
        (r.timestamp > cur.timestamp || (r.timestamp === cur.timestamp && r.value > cur.value)))
    )
      latest.set(r.key, r)
  }
  for (const part of chunks([...latest.values()], 1000))
    await trx
      .insertInto('latest_metrics')
      .values(part)
      .onConflict((oc) =>
        oc
          .columns(['run_uuid', 'key'])
          .doUpdateSet({
            value: (eb) => eb.ref('excluded.value'),
            timestamp: (eb) => eb.ref('excluded.timestamp'),
            step: (eb) => eb.ref('excluded.step'),
            is_nan: (eb) => eb.ref('excluded.is_nan'),
          })
          .where(
            sql<boolean>`(excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)`,
          ),
      )
      .execute()
}
