import type { MonitorResult } from '../monitor/monitor-result.js'

const HOUR = 3_600_000

/** A minimal stored-shape result for window `i` (hourly from 2026-11-22T00:00Z). */
export function fakeResult(
  i: number,
  opts: { drift?: boolean | null; accuracy?: number; rows?: number; monitor?: string } = {},
): MonitorResult {
  const start = Date.UTC(2026, 10, 22) + i * HOUR
  const drift = opts.drift === undefined ? false : opts.drift
  const rows = opts.rows ?? 100
  return {
    runId: `run-${i}`,
    monitor: opts.monitor ?? 'housing',
    model: 'housing',
    window: { start, end: start + HOUR, kind: 'window', label: `w${i}` },
    status: rows === 0 ? 'empty' : 'ok',
    rowCount: rows,
    labelledRows: opts.accuracy === undefined ? 0 : rows,
    drift:
      drift === null
        ? null
        : {
            columns: [],
            evaluated: 4,
            drifted: drift ? 3 : 0,
            driftShare: drift ? 0.75 : 0,
            driftShareThreshold: 0.5,
            datasetDrift: drift,
            problems: [],
            referenceRows: 1000,
            currentRows: rows,
          },
    predictionDrift: null,
    quality: { checks: [], failures: 0, warnings: 0, rowCount: rows },
    performance:
      opts.accuracy === undefined
        ? null
        : {
            task: 'classification',
            rows,
            labelled: rows,
            status: 'ok',
            metrics: { accuracy: opts.accuracy },
            metricErrors: {},
            nearBoundaryShare: null,
            boundaryMargin: 0.1,
          },
    evaluatedAt: start + HOUR + 1000,
    durationMs: 5,
  }
}
