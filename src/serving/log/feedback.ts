import { CairnError, CairnValidationError, type ValidationIssue } from '../../core/index.js'
import type { MetadataStore } from '../../store/index.js'

/** A ground-truth label for an earlier prediction. */
export interface Feedback {
  predictionId: string
  /** The true value (regression) or class label (classifiers). */
  label: number | string | boolean
  /** When the label became known (default: now), ms since the epoch. */
  timestamp?: number
}

const IN_CHUNK = 500

/** Check a feedback request body: `{predictionId, label}`, an array of them, or `{feedback: [...]}`. */
export function parseFeedback(body: unknown): Feedback[] {
  const list = Array.isArray(body)
    ? body
    : body !== null && typeof body === 'object' && Array.isArray((body as { feedback?: unknown }).feedback)
      ? ((body as { feedback: unknown[] }).feedback as unknown[])
      : [body]
  if (list.length === 0) throw new CairnError('CAIRN_EMPTY_BATCH', 'The feedback request holds no labels')
  const issues: ValidationIssue[] = []
  const out: Feedback[] = []
  list.forEach((item, i) => {
    const at = Array.isArray(body) || list !== (body as unknown) ? `feedback[${i}]` : '(body)'
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      issues.push({
        code: 'CAIRN_NOT_AN_OBJECT',
        path: at,
        message: 'must be an object {predictionId, label}',
      })
      return
    }
    const o = item as Record<string, unknown>
    const id = o.predictionId ?? o.prediction_id
    const label = o.label
    if (typeof id !== 'string' || id === '' || id.length > 200) {
      issues.push({
        code: 'CAIRN_MISSING_FIELD',
        path: `${at}.predictionId`,
        message: 'must be a prediction id string',
      })
    }
    const labelOk =
      (typeof label === 'number' && Number.isFinite(label)) ||
      typeof label === 'string' ||
      typeof label === 'boolean'
    if (!labelOk) {
      issues.push({
        code: label === undefined ? 'CAIRN_MISSING_FIELD' : 'CAIRN_WRONG_TYPE',
        path: `${at}.label`,
        message: 'must be a finite number, a string or a boolean',
      })
    }
    const ts = o.timestamp
    if (ts !== undefined && (typeof ts !== 'number' || !Number.isFinite(ts))) {
      issues.push({
        code: 'CAIRN_WRONG_TYPE',
        path: `${at}.timestamp`,
        message: 'must be ms since the epoch',
      })
    }
    if (typeof id === 'string' && labelOk) {
      out.push({
        predictionId: id,
        label: label as Feedback['label'],
        ...(typeof ts === 'number' ? { timestamp: ts } : {}),
      })
    }
  })
  if (issues.length > 0) throw new CairnValidationError('The feedback request is invalid', issues)
  return out
}

/** The ids among `ids` that are in the prediction log. */
export async function findLoggedIds(store: MetadataStore, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>()
  const unique = [...new Set(ids)]
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    const rows = await store.db
      .selectFrom('prediction_log')
      .select('prediction_id')
      .where('prediction_id', 'in', unique.slice(i, i + IN_CHUNK))
      .execute()
    for (const r of rows) found.add(r.prediction_id)
  }
  return found
}

/**
 * Store ground-truth labels, all or none, replacing earlier labels for the same ids. Ids must be in
 * the prediction log, or accepted by `alsoKnown` (rows still on their way to the log); otherwise
 * nothing is stored and CAIRN_PREDICTION_NOT_FOUND lists them. `verify: false` skips the check
 * (when the log is in Parquet files rather than the table).
 */
export async function recordFeedback(
  store: MetadataStore,
  items: readonly Feedback[],
  options: { alsoKnown?: (id: string) => boolean; verify?: boolean } = {},
): Promise<{ accepted: number }> {
  if (items.length === 0) return { accepted: 0 }
  const found =
    options.verify === false
      ? new Set(items.map((f) => f.predictionId))
      : await findLoggedIds(
          store,
          items.map((f) => f.predictionId),
        )
  const unknown = items.map((f) => f.predictionId).filter((id) => !found.has(id) && !options.alsoKnown?.(id))
  if (unknown.length > 0) {
    throw new CairnError(
      'CAIRN_PREDICTION_NOT_FOUND',
      `${unknown.length} prediction id(s) are not in the prediction log`,
      {
        details: { unknown: [...new Set(unknown)].slice(0, 100) },
        hint: 'Use the "id" of each prediction as the server returned it; nothing was stored',
      },
    )
  }
  const now = Date.now()
  const latest = new Map<string, Feedback>()
  for (const f of items) latest.set(f.predictionId, f)
  const rows = [...latest.values()].map((f) => ({
    prediction_id: f.predictionId,
    label: JSON.stringify(f.label),
    label_value:
      typeof f.label === 'number' ? f.label : typeof f.label === 'boolean' ? (f.label ? 1 : 0) : null,
    timestamp: f.timestamp ?? now,
  }))
  await store.transaction(async (trx) => {
    for (let i = 0; i < rows.length; i += IN_CHUNK) {
      await trx
        .insertInto('prediction_feedback')
        .values(rows.slice(i, i + IN_CHUNK))
        .onConflict((oc) =>
          oc.column('prediction_id').doUpdateSet((eb) => ({
            label: eb.ref('excluded.label'),
            label_value: eb.ref('excluded.label_value'),
            timestamp: eb.ref('excluded.timestamp'),
          })),
        )
        .execute()
    }
  })
  return { accepted: rows.length }
}
