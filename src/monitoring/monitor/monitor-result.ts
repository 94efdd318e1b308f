import type { DriftReport } from '../drift/index.js'
import type { PerformanceReport } from '../performance/index.js'
import type { QualityReport } from '../quality/index.js'

/** Where a result came from: a time window of live data, or a batch handed in whole. */
export interface ResultWindow {
  start: number
  end: number
  kind: 'window' | 'batch'
  /** e.g. `2026-11-22T10:00Z/1h` or the batch's name. */
  label: string
}

/**
 * Everything a monitor found in one window. `status` is `empty` when the window had no rows and
 * `insufficient` when it had fewer than the monitor's `minRows`; drift is then null (not "no drift").
 */
export interface MonitorResult {
  runId: string
  monitor: string
  model: string | null
  window: ResultWindow
  status: 'ok' | 'empty' | 'insufficient'
  rowCount: number
  labelledRows: number
  drift: DriftReport | null
  /** Drift of the model's outputs (prediction, positive-class probability). */
  predictionDrift: DriftReport | null
  quality: QualityReport
  performance: PerformanceReport | null
  evaluatedAt: number
  durationMs: number
}
