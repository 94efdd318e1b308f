import { CairnError } from '../../core/index.js'
import type { Metric, MetricInput, Run } from '../types.js'

/** A number as JSON can carry it: NaN and ±Infinity become "NaN", "Infinity", "-Infinity" (as protobuf JSON does). */
export function encodeNumber(value: number): number | string {
  if (Number.isFinite(value)) return value
  if (Number.isNaN(value)) return 'NaN'
  return value > 0 ? 'Infinity' : '-Infinity'
}

/**
 * Read a metric value sent over JSON: a number, or "NaN" / "Infinity" / "-Infinity" / a numeric
 * string. Anything else is returned as is so validation can reject it with its own message.
 */
export function decodeNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value
  const v = value.trim()
  if (v === 'NaN') return Number.NaN
  if (v === 'Infinity' || v === '+Infinity' || v === 'inf') return Number.POSITIVE_INFINITY
  if (v === '-Infinity' || v === '-inf') return Number.NEGATIVE_INFINITY
  if (v !== '' && Number.isFinite(Number(v))) return Number(v)
  return value
}

/** Read an integer sent as a number or a numeric string (protobuf JSON sends int64 as strings). */
export function decodeInteger(value: unknown): unknown {
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value)
  return value
}

export function encodeMetric(m: Metric): Record<string, unknown> {
  return { ...m, value: encodeNumber(m.value) }
}

export function decodeMetric(m: Record<string, unknown>): Metric {
  return {
    key: String(m.key),
    value: decodeNumber(m.value) as number,
    timestamp: Number(m.timestamp),
    step: Number(m.step),
  }
}

/** A metric input received over JSON, with its value and step decoded (validation comes later). */
export function decodeMetricInput(m: unknown): MetricInput {
  if (m === null || typeof m !== 'object')
    throw new CairnError('CAIRN_INVALID_METRIC', 'A metric must be an object with key and value')
  const r = m as Record<string, unknown>
  return {
    key: r.key as string,
    value: decodeNumber(r.value) as number,
    ...(r.timestamp === undefined || r.timestamp === null
      ? {}
      : { timestamp: decodeInteger(r.timestamp) as number }),
    ...(r.step === undefined || r.step === null ? {} : { step: decodeInteger(r.step) as number }),
  }
}

export function encodeRun(run: Run): unknown {
  return {
    ...run,
    data: {
      ...run.data,
      metrics: Object.fromEntries(Object.entries(run.data.metrics).map(([k, m]) => [k, encodeMetric(m)])),
    },
  }
}

export function decodeRun(json: unknown): Run {
  const run = json as Run
  return {
    ...run,
    data: {
      ...run.data,
      metrics: Object.fromEntries(
        Object.entries(run.data.metrics).map(([k, m]) => [
          k,
          decodeMetric(m as unknown as Record<string, unknown>),
        ]),
      ),
    },
  }
}
