/** Tables of the monitoring layer: monitors, evaluated windows, their values as a time series, alerts. */

/** A monitor: what it watches and how (its configuration as JSON). */
export interface MonitorsTable {
  name: string
  model: string | null
  /** The monitor's configuration (JSON). */
  config: string
  /** Where the pinned reference sample is kept in the artifact store, if any. */
  reference_path: string | null
  reference_rows: number | null
  creation_time: number
  last_updated_time: number
}

/** One evaluated window (or batch) of a monitor. */
export interface MonitorRunsTable {
  run_id: string
  monitor: string
  /** Window bounds, ms since the epoch ([start, end)). */
  window_start: number
  window_end: number
  /** `window` (time window) or `batch`. */
  kind: string
  /** `ok`, `empty`, `insufficient` or `failed`. */
  status: string
  start_time: number
  end_time: number
  row_count: number
  labelled_rows: number
  /** 1/0; null when drift could not be decided. */
  dataset_drift: number | null
  drift_share: number | null
  drifted_columns: number
  evaluated_columns: number
  quality_failures: number
  prediction_drift: number | null
  /** The full result (drift, quality, performance) as JSON. */
  result: string
}

/**
 * Every value a window produced, one row each, for time-series queries and charts: kind `drift`
 * (name = column, test = test name), `prediction` (prediction drift), `quality` (name =
 * check:column), `performance` (name = metric), `dataset` (drift share, row count).
 */
export interface MonitorValuesTable {
  run_id: string
  monitor: string
  window_start: number
  window_end: number
  kind: string
  name: string
  test: string | null
  value: number | null
  threshold: number | null
  /** 1 when the value crossed its threshold (drifted, failed), 0 when not, null when not evaluated. */
  flagged: number | null
}

/** The current state of one alert rule of one monitor. */
export interface MonitorAlertStatesTable {
  monitor: string
  rule: string
  /** `inactive`, `pending` or `firing`. */
  state: string
  /** Consecutive windows the condition has held. */
  streak: number
  active_since: number | null
  last_window_end: number | null
  last_value: number | null
  last_change_time: number
  /** Labels and annotations of the alert (JSON). */
  labels: string
  annotations: string
}

/** Alert transitions (firing, resolved) with what the notifiers did. */
export interface MonitorAlertEventsTable {
  event_id: string
  monitor: string
  rule: string
  /** `firing` or `resolved`. */
  status: string
  timestamp: number
  window_end: number | null
  value: number | null
  message: string
  /** Outcome per notifier (JSON). */
  notifications: string
}

/**
 * One rule's history, one row per evaluated window: the rule's state before the window (JSON,
 * null before the first window) and what the condition gave, so a window evaluated again is
 * re-applied from where it started.
 */
export interface MonitorAlertWindowsTable {
  monitor: string
  rule: string
  window_end: number
  window_start: number
  /** 1/0; null when the condition could not be decided. */
  holds: number | null
  value: number | null
  state_before: string | null
  evaluated_time: number
}

export interface MonitoringTables {
  monitors: MonitorsTable
  monitor_runs: MonitorRunsTable
  monitor_values: MonitorValuesTable
  monitor_alert_states: MonitorAlertStatesTable
  monitor_alert_events: MonitorAlertEventsTable
  monitor_alert_windows: MonitorAlertWindowsTable
}
