import { Gauge, type Registry } from 'prom-client'
import type { MonitorResult } from '../monitor/monitor-result.js'
import type { MonitorStore } from '../store/index.js'

/** The metric names monitoring exports (also listed in the shipped Grafana dashboard and rules). */
export const MONITORING_METRIC_NAMES = [
  'cairn_drift_score',
  'cairn_drift_detected',
  'cairn_dataset_drift',
  'cairn_drift_share',
  'cairn_prediction_drift',
  'cairn_data_quality_failures',
  'cairn_model_metric',
  'cairn_monitor_rows',
  'cairn_monitor_last_window_end_timestamp_seconds',
  'cairn_alert_firing',
] as const

/** Options of the monitoring gauges. */
export interface MonitoringMetricsOptions {
  /** Read the latest window of every monitor from here on each scrape (cached `cacheMs`). */
  store?: MonitorStore
  /** How long a scrape's view of the store is reused (default 5,000 ms). */
  cacheMs?: number
}

interface Snapshot {
  results: MonitorResult[]
  firing: { monitor: string; model: string | null; rule: string; firing: boolean }[]
}

/**
 * Prometheus gauges for monitoring results, in a prom-client registry that `/metrics` exposes:
 * `cairn_drift_score{model,monitor,feature,test}` (p-value, distance or AUC),
 * `cairn_drift_detected{…}` (0/1), `cairn_dataset_drift{model,monitor}` (0/1),
 * `cairn_drift_share`, `cairn_prediction_drift`, `cairn_data_quality_failures{model,monitor,check}`,
 * `cairn_model_metric{model,monitor,metric}`, `cairn_monitor_rows`,
 * `cairn_monitor_last_window_end_timestamp_seconds` and `cairn_alert_firing{model,monitor,alert}`.
 * Values come from the latest window of each monitor: from the store on every scrape (so a server
 * shows what `cairn monitor run` wrote), or from results passed to `observe`.
 */
export class MonitoringMetrics {
  readonly #store: MonitorStore | undefined
  readonly #cacheMs: number
  readonly #observed = new Map<string, MonitorResult>()
  #snapshot: { at: number; data: Promise<Snapshot> } | undefined

  constructor(registry: Registry, options: MonitoringMetricsOptions = {}) {
    this.#store = options.store
    this.#cacheMs = options.cacheMs ?? 5000
    const gauge = (
      name: string,
      help: string,
      labelNames: string[],
      fill: (g: Gauge<string>, s: Snapshot) => void,
    ) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        collect: async function (this: Gauge<string>) {
          const s = await self.#load()
          this.reset()
          fill(this, s)
        },
      })
    const self = this
    const model = (r: MonitorResult) => r.model ?? r.monitor
    gauge(
      'cairn_drift_score',
      'Drift score of a feature in the latest window: p-value (ks, chisquare, z, anderson), distance or domain-classifier AUC',
      ['model', 'monitor', 'feature', 'test'],
      (g, s) => {
        for (const r of s.results)
          for (const c of r.drift?.columns ?? [])
            if (c.score !== null && c.test)
              g.set({ model: model(r), monitor: r.monitor, feature: c.column, test: c.test }, c.score)
      },
    )
    gauge(
      'cairn_drift_detected',
      '1 when a feature drifted in the latest window, 0 when not (absent when it could not be tested)',
      ['model', 'monitor', 'feature', 'test'],
      (g, s) => {
        for (const r of s.results)
          for (const c of r.drift?.columns ?? [])
            if (c.drifted !== null && c.test)
              g.set(
                { model: model(r), monitor: r.monitor, feature: c.column, test: c.test },
                c.drifted ? 1 : 0,
              )
      },
    )
    gauge(
      'cairn_dataset_drift',
      '1 when the latest window drifted as a dataset, 0 when not',
      ['model', 'monitor'],
      (g, s) => {
        for (const r of s.results)
          if (r.drift?.datasetDrift !== null && r.drift?.datasetDrift !== undefined)
            g.set({ model: model(r), monitor: r.monitor }, r.drift.datasetDrift ? 1 : 0)
      },
    )
    gauge(
      'cairn_drift_share',
      'Share of tested features that drifted in the latest window',
      ['model', 'monitor'],
      (g, s) => {
        for (const r of s.results)
          if (r.drift?.driftShare !== null && r.drift?.driftShare !== undefined)
            g.set({ model: model(r), monitor: r.monitor }, r.drift.driftShare)
      },
    )
    gauge(
      'cairn_prediction_drift',
      "1 when the model's outputs drifted in the latest window",
      ['model', 'monitor'],
      (g, s) => {
        for (const r of s.results)
          if (r.predictionDrift && r.predictionDrift.evaluated > 0)
            g.set({ model: model(r), monitor: r.monitor }, r.predictionDrift.drifted > 0 ? 1 : 0)
      },
    )
    gauge(
      'cairn_data_quality_failures',
      'Failed data-quality checks of the latest window, by check',
      ['model', 'monitor', 'check'],
      (g, s) => {
        for (const r of s.results) {
          const counts = new Map<string, number>()
          for (const c of r.quality.checks)
            counts.set(c.check, (counts.get(c.check) ?? 0) + (c.status === 'fail' ? 1 : 0))
          for (const [check, n] of counts) g.set({ model: model(r), monitor: r.monitor, check }, n)
        }
      },
    )
    gauge(
      'cairn_model_metric',
      "The model's metrics on the labelled rows of the latest window",
      ['model', 'monitor', 'metric'],
      (g, s) => {
        for (const r of s.results) {
          for (const [metric, v] of Object.entries(r.performance?.metrics ?? {}))
            g.set({ model: model(r), monitor: r.monitor, metric }, v)
          const nb = r.performance?.nearBoundaryShare
          if (nb !== null && nb !== undefined)
            g.set({ model: model(r), monitor: r.monitor, metric: 'near_boundary_share' }, nb)
        }
      },
    )
    gauge('cairn_monitor_rows', 'Rows in the latest window', ['model', 'monitor'], (g, s) => {
      for (const r of s.results) g.set({ model: model(r), monitor: r.monitor }, r.rowCount)
    })
    gauge(
      'cairn_monitor_last_window_end_timestamp_seconds',
      'End of the latest evaluated window (Unix seconds)',
      ['model', 'monitor'],
      (g, s) => {
        for (const r of s.results) g.set({ model: model(r), monitor: r.monitor }, r.window.end / 1000)
      },
    )
    gauge(
      'cairn_alert_firing',
      '1 while a monitoring alert rule is firing, 0 otherwise',
      ['model', 'monitor', 'alert'],
      (g, s) => {
        for (const a of s.firing)
          g.set({ model: a.model ?? a.monitor, monitor: a.monitor, alert: a.rule }, a.firing ? 1 : 0)
      },
    )
  }

  /** Show this result (the latest of its monitor) on the next scrape. */
  observe(result: MonitorResult): void {
    const prev = this.#observed.get(result.monitor)
    if (!prev || prev.window.end <= result.window.end) this.#observed.set(result.monitor, result)
    this.#snapshot = undefined
  }

  #load(): Promise<Snapshot> {
    const now = Date.now()
    if (this.#snapshot && now - this.#snapshot.at < this.#cacheMs) return this.#snapshot.data
    const data = this.#read()
    this.#snapshot = { at: now, data }
    return data
  }

  async #read(): Promise<Snapshot> {
    const byMonitor = new Map(this.#observed)
    const firing: Snapshot['firing'] = []
    const store = this.#store
    if (store) {
      const monitors = await store.listMonitors()
      const models = new Map(monitors.map((m) => [m.name, m.model]))
      for (const m of monitors) {
        const last = await store.lastRun(m.name)
        if (!last) continue
        const known = byMonitor.get(m.name)
        if (!known || known.window.end < last.windowEnd)
          byMonitor.set(m.name, await store.getResult(last.runId))
      }
      for (const a of await store.alertStates()) {
        firing.push({
          monitor: a.monitor,
          model: models.get(a.monitor) ?? null,
          rule: a.rule,
          firing: a.state === 'firing',
        })
      }
    }
    return { results: [...byMonitor.values()], firing }
  }
}

/** Register monitoring's gauges in `registry` (what `cairn serve` and `cairn server` expose on /metrics). */
export function registerMonitoringMetrics(
  registry: Registry,
  options: MonitoringMetricsOptions = {},
): MonitoringMetrics {
  return new MonitoringMetrics(registry, options)
}
