import { sql, type Transaction } from 'kysely'
import { CairnError } from '../../core/index.js'
import type { Database } from '../../store/index.js'
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

/**
 * Insert metric values (exact duplicates are ignored) and move `latest_metrics` forward: the
 * latest value of a key is the one with the greatest (step, timestamp, value), as in MLflow.
 */
export async function writeMetrics(
  trx: Transaction<Database>,
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
  for (const part of chunks(rows, 1000))
    await trx
      .insertInto('metrics')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .execute()
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
