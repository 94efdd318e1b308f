import { CairnError } from '../core/index.js'
import { LIMITS } from './limits.js'
import type { LogBatchInput } from './tracking-client.js'
import {
  type KeyValue,
  type Metric,
  type MetricInput,
  RUN_STATUSES,
  type RunStatus,
  type ViewType,
} from './types.js'

const KEY_RE = /^[/\w.\- :]+$/

const goodKeys = new Set<string>()

/** Check a metric, param or tag key: MLflow's characters, at most 250 of them, no path tricks. */
export function checkKey(key: unknown, what: 'metric' | 'param' | 'tag'): string {
  if (typeof key === 'string' && goodKeys.has(key)) return key
  const fail = (why: string) =>
    new CairnError(
      what === 'metric' ? 'CAIRN_INVALID_METRIC' : 'CAIRN_INVALID_ARGUMENT',
      `Invalid ${what} key ${JSON.stringify(key)}: ${why}`,
      {
        details: { key },
        hint: 'Keys may hold letters, digits, _ - . / : and spaces, up to 250 characters',
      },
    )
  if (typeof key !== 'string') throw fail('it must be a string')
  if (key.length === 0) throw fail('it is empty')
  if (key.length > LIMITS.keyLength) throw fail(`it is longer than ${LIMITS.keyLength} characters`)
  if (!KEY_RE.test(key)) throw fail('it holds characters other than letters, digits, _ - . / : and spaces')
  if (key.startsWith('/') || key.split('/').some((s) => s === '..'))
    throw fail('it must not start with / or contain ".." segments')
  if (goodKeys.size >= 10_000) goodKeys.clear()
  goodKeys.add(key)
  return key
}

/** Check one metric and fill in its timestamp (now) and step (0). */
export function checkMetric(m: MetricInput, now = Date.now(), index?: number): Metric {
  if (m === null || typeof m !== 'object')
    throw new CairnError(
      'CAIRN_INVALID_METRIC',
      `A metric must be an object with key and value${index === undefined ? '' : ` (metric #${index})`}`,
    )
  const key = checkKey(m.key, 'metric')
  const value = m.value
  const timestamp = m.timestamp ?? now
  const step = m.step ?? 0
  if (typeof value !== 'number')
    throw metricError(key, index, `expected a number, got ${JSON.stringify(value) ?? typeof value}`)
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0)
    throw metricError(
      key,
      index,
      `timestamp must be a non-negative integer (ms), got ${JSON.stringify(timestamp)}`,
    )
  if (typeof step !== 'number' || !Number.isSafeInteger(step))
    throw metricError(key, index, `step must be an integer, got ${JSON.stringify(step)}`)
  return { key, value, timestamp, step }
}

function metricError(key: string, index: number | undefined, why: string): CairnError {
  return new CairnError(
    'CAIRN_INVALID_METRIC',
    `Invalid value for metric "${key}"${index === undefined ? '' : ` (metric #${index})`}: ${why}`,
    {
      details: { key, ...(index === undefined ? {} : { index }) },
      hint: 'Metric values are numbers (NaN and ±Infinity allowed); steps and timestamps are integers',
    },
  )
}

/** Check a param (key and value) and return it with the value as a string. */
export function checkParam(p: KeyValue): KeyValue {
  if (p === null || typeof p !== 'object')
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'A param must be an object with key and value')
  const key = checkKey(p.key, 'param')
  const value = toText(p.value, `param "${key}"`)
  if (value.length > LIMITS.paramValueLength)
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `Param "${key}" has a value of ${value.length} characters; the limit is ${LIMITS.paramValueLength}`,
      { details: { key }, hint: 'Log long values as an artifact instead' },
    )
  return { key, value }
}

/** Check a run tag (key and value). */
export function checkTag(t: KeyValue): KeyValue {
  if (t === null || typeof t !== 'object')
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'A tag must be an object with key and value')
  const key = checkKey(t.key, 'tag')
  const value = toText(t.value, `tag "${key}"`)
  if (value.length > LIMITS.tagValueLength)
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `Tag "${key}" has a value of ${value.length} characters; the limit is ${LIMITS.tagValueLength}`,
      { details: { key }, hint: 'Log long values as an artifact instead' },
    )
  return { key, value }
}

function toText(value: unknown, what: string): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  throw new CairnError(
    'CAIRN_INVALID_ARGUMENT',
    `The value of ${what} must be a string, got ${JSON.stringify(value) ?? typeof value}`,
  )
}

/** Check a batch's sizes against MLflow's limits (CAIRN_BATCH_TOO_LARGE) before anything else. */
export function checkBatchSize(batch: LogBatchInput): void {
  const m = batch.metrics?.length ?? 0
  const p = batch.params?.length ?? 0
  const t = batch.tags?.length ?? 0
  const tooMany = (what: string, n: number, limit: number) =>
    new CairnError('CAIRN_BATCH_TOO_LARGE', `A batch may hold at most ${limit} ${what}; this one has ${n}`, {
      details: { metrics: m, params: p, tags: t, limit },
      hint: 'Split it into several log-batch calls (the SDK does this for you)',
    })
  for (const [what, value] of [
    ['metrics', batch.metrics],
    ['params', batch.params],
    ['tags', batch.tags],
  ] as const)
    if (value !== undefined && value !== null && !Array.isArray(value))
      throw new CairnError('CAIRN_INVALID_ARGUMENT', `"${what}" must be a list`)
  if (m > LIMITS.batchMetrics) throw tooMany('metrics', m, LIMITS.batchMetrics)
  if (p > LIMITS.batchParams) throw tooMany('params', p, LIMITS.batchParams)
  if (t > LIMITS.batchTags) throw tooMany('tags', t, LIMITS.batchTags)
  if (m + p + t > LIMITS.batchTotal)
    throw tooMany('entries (metrics + params + tags)', m + p + t, LIMITS.batchTotal)
}

/** Check a run status name. */
export function checkRunStatus(status: unknown): RunStatus {
  if (typeof status === 'string' && (RUN_STATUSES as readonly string[]).includes(status.toUpperCase()))
    return status.toUpperCase() as RunStatus
  throw new CairnError('CAIRN_INVALID_ARGUMENT', `Invalid run status ${JSON.stringify(status)}`, {
    hint: `Use one of ${RUN_STATUSES.join(', ')}`,
  })
}

/** Check a view type (default ACTIVE_ONLY). */
export function checkViewType(view: unknown): ViewType {
  if (view === undefined || view === null || view === '') return 'ACTIVE_ONLY'
  const v = String(view).toUpperCase()
  if (v === 'ACTIVE_ONLY' || v === 'DELETED_ONLY' || v === 'ALL') return v
  throw new CairnError('CAIRN_INVALID_ARGUMENT', `Invalid view type ${JSON.stringify(view)}`, {
    hint: 'Use ACTIVE_ONLY, DELETED_ONLY or ALL',
  })
}

/** Check an experiment or model name: a non-empty string of at most 500 characters. */
export function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.trim() === '')
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `The ${what} name must be a non-empty string`, {
      details: { name },
    })
  if (name.length > LIMITS.nameLength)
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `The ${what} name is longer than ${LIMITS.nameLength} characters`,
    )
  return name
}

/** Check that an id is a non-empty string. */
export function checkId(id: unknown, what: string): string {
  if (typeof id !== 'string' || id === '')
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `A ${what} id is required`, { details: { [what]: id } })
  return id
}
