import type { MetadataStore } from '../../store/index.js'

/** Which rows of the prediction log to read. */
export interface PredictionLogQuery {
  model: string
  /** Only this version (e.g. `"3"`). */
  version?: string
  /** Only this traffic variant. */
  variant?: 'champion' | 'canary' | 'shadow'
  /** From this time (inclusive), ms since the epoch or a Date. */
  from?: number | Date
  /** Up to this time (exclusive). */
  to?: number | Date
  /** Only rows that have a ground-truth label. */
  labelledOnly?: boolean
  /** At most this many rows (default: all). */
  limit?: number
  /** Rows per database round trip when iterating (default 5,000). */
  pageSize?: number
}

/** One logged prediction with its ground truth, when known. */
export interface PredictionRecord {
  predictionId: string
  /** Rows answered in one request share it (the id of the request's first row). */
  requestId: string
  model: string
  version: string
  variant: 'champion' | 'canary' | 'shadow'
  /** When it was answered, ms since the epoch. */
  timestamp: number
  latencyMs: number
  /** The signature's inputs as received (after validation). */
  inputs: Record<string, unknown>
  /** The value (regression, ranking) or the predicted label (classifiers). */
  prediction: number | string | null
  /** Classifiers: probability per class. */
  probabilities: Record<string, number> | undefined
  /** The ground truth sent later with POST /v1/feedback, or undefined. Shadow rows get their champion's label. */
  label: number | string | boolean | undefined
  labelTimestamp: number | undefined
}

/**
 * Read the prediction log of a model in time order, joined with the ground-truth labels. This is
 * the typed reader monitoring uses; it pages through the table, so any range fits in memory only
 * as far as the caller keeps it.
 */
export async function* iteratePredictionLog(
  store: MetadataStore,
  query: PredictionLogQuery,
): AsyncGenerator<PredictionRecord[]> {
  const pageSize = Math.max(1, query.pageSize ?? 5000)
  let remaining = query.limit ?? Number.POSITIVE_INFINITY
  let after: { ts: number; id: string } | undefined
  const from = query.from === undefined ? undefined : +query.from
  const to = query.to === undefined ? undefined : +query.to
  while (remaining > 0) {
    let q = store.db
      .selectFrom('prediction_log as l')
      .leftJoin('prediction_feedback as f', 'f.prediction_id', 'l.prediction_id')
      .selectAll('l')
      .select(['f.label as truth', 'f.timestamp as truth_time'])
      .where('l.model', '=', query.model)
    if (query.version !== undefined) q = q.where('l.version', '=', query.version)
    if (query.variant !== undefined) q = q.where('l.variant', '=', query.variant)
    if (from !== undefined) q = q.where('l.timestamp', '>=', from)
    if (to !== undefined) q = q.where('l.timestamp', '<', to)
    if (query.labelledOnly && query.variant !== 'shadow') {
      q = q.where((eb) => eb.or([eb('f.label', 'is not', null), eb('l.variant', '=', 'shadow')]))
    }
    if (after) {
      const a = after
      q = q.where((eb) =>
        eb.or([
          eb('l.timestamp', '>', a.ts),
          eb.and([eb('l.timestamp', '=', a.ts), eb('l.prediction_id', '>', a.id)]),
        ]),
      )
    }
    const take = Math.min(pageSize, remaining)
    const rows = await q.orderBy('l.timestamp').orderBy('l.prediction_id').limit(take).execute()
    if (rows.length === 0) return
    const shadowIds = rows
      .filter((r) => r.variant === 'shadow')
      .map((r) => r.prediction_id.replace(/\.shadow$/, ''))
    const shadowTruth = shadowIds.length > 0 ? await labelsFor(store, shadowIds) : undefined
    const out: PredictionRecord[] = []
    for (const r of rows) {
      let truth = r.truth
      let truthTime = r.truth_time
      if (r.variant === 'shadow' && shadowTruth) {
        const t = shadowTruth.get(r.prediction_id.replace(/\.shadow$/, ''))
        truth = t?.label ?? null
        truthTime = t?.timestamp ?? null
      }
      if (query.labelledOnly && (truth === null || truth === undefined)) continue
      out.push({
        predictionId: r.prediction_id,
        requestId: r.request_id,
        model: r.model,
        version: r.version,
        variant: r.variant as PredictionRecord['variant'],
        timestamp: Number(r.timestamp),
        latencyMs: Number(r.latency_ms),
        inputs: JSON.parse(r.inputs) as Record<string, unknown>,
        prediction: r.label ?? (r.prediction === null ? null : Number(r.prediction)),
        probabilities: r.outputs ? (JSON.parse(r.outputs) as Record<string, number>) : undefined,
        label:
          truth === null || truth === undefined
            ? undefined
            : (JSON.parse(truth) as number | string | boolean),
        labelTimestamp: truthTime === null || truthTime === undefined ? undefined : Number(truthTime),
      })
    }
    const last = rows[rows.length - 1] as (typeof rows)[number]
    after = { ts: Number(last.timestamp), id: last.prediction_id }
    remaining -= rows.length
    if (out.length > 0) yield out
    if (rows.length < take) return
  }
}

/** Read the prediction log into one array (see iteratePredictionLog for large ranges). */
export async function readPredictionLog(
  store: MetadataStore,
  query: PredictionLogQuery,
): Promise<PredictionRecord[]> {
  const all: PredictionRecord[] = []
  for await (const page of iteratePredictionLog(store, query)) for (const r of page) all.push(r)
  return all
}

/** Count logged rows (e.g. to compare with requests served). */
export async function countPredictionLog(
  store: MetadataStore,
  query: Pick<PredictionLogQuery, 'model' | 'version' | 'variant' | 'from' | 'to'>,
): Promise<number> {
  let q = store.db
    .selectFrom('prediction_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('model', '=', query.model)
  if (query.version !== undefined) q = q.where('version', '=', query.version)
  if (query.variant !== undefined) q = q.where('variant', '=', query.variant)
  if (query.from !== undefined) q = q.where('timestamp', '>=', +query.from)
  if (query.to !== undefined) q = q.where('timestamp', '<', +query.to)
  const row = await q.executeTakeFirstOrThrow()
  return Number(row.n)
}

async function labelsFor(
  store: MetadataStore,
  ids: string[],
): Promise<Map<string, { label: string; timestamp: number }>> {
  const out = new Map<string, { label: string; timestamp: number }>()
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await store.db
      .selectFrom('prediction_feedback')
      .select(['prediction_id', 'label', 'timestamp'])
      .where('prediction_id', 'in', ids.slice(i, i + 500))
      .execute()
    for (const r of rows) out.set(r.prediction_id, { label: r.label, timestamp: Number(r.timestamp) })
  }
  return out
}
