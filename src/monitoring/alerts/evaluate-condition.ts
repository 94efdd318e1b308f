import type { MonitorResult } from '../monitor/monitor-result.js'
import type { AlertCondition, Comparison } from './alert-rule.js'

/** Whether a condition holds in a window: null when it cannot be known (e.g. no drift computed). */
export interface ConditionOutcome {
  holds: boolean | null
  value: number | null
}

function compare(a: number, op: Comparison, b: number): boolean {
  switch (op) {
    case '<':
      return a < b
    case '<=':
      return a <= b
    case '>':
      return a > b
    case '>=':
      return a >= b
    case '==':
      return a === b
    default:
      return a !== b
  }
}

const bool = (b: boolean | null | undefined): ConditionOutcome =>
  b === null || b === undefined ? { holds: null, value: null } : { holds: b, value: b ? 1 : 0 }

/** Evaluate a condition on one window's result. */
export function evaluateCondition(c: AlertCondition, r: MonitorResult): ConditionOutcome {
  const s = c.signal
  let value: number | null | undefined
  switch (s.kind) {
    case 'dataset_drift':
      return bool(r.drift?.datasetDrift)
    case 'prediction_drift':
      return bool(
        r.predictionDrift ? (r.predictionDrift.evaluated === 0 ? null : r.predictionDrift.drifted > 0) : null,
      )
    case 'no_data':
      return bool(r.status === 'empty')
    case 'column_drift':
      return bool(r.drift?.columns.find((x) => x.column === s.column)?.drifted)
    case 'drift_score':
      value = r.drift?.columns.find((x) => x.column === s.column)?.score
      break
    case 'metric':
      value = r.performance?.metrics[s.metric]
      break
    case 'drift_share':
      value = r.drift?.driftShare
      break
    case 'drifted_columns':
      value = r.drift ? r.drift.drifted : null
      break
    case 'quality_failures':
      // an empty window is no data, not good data: it neither fires nor resolves, unless a
      // check (the volume the monitor asked for) failed on it
      value = r.status === 'empty' && r.quality.failures === 0 ? null : r.quality.failures
      break
    case 'rows':
      value = r.rowCount
      break
    case 'labelled_rows':
      value = r.labelledRows
      break
    case 'near_boundary_share':
      value = r.performance?.nearBoundaryShare
      break
  }
  if (value === null || value === undefined || Number.isNaN(value)) return { holds: null, value: null }
  return { holds: compare(value, c.op as Comparison, c.value as number), value }
}
