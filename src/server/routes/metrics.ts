import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import type { RoutePlugin } from '../context.js'

/**
 * `GET /metrics` in Prometheus's text format: the server's requests
 * (`cairn_server_requests_total{method,route,status}`, `cairn_server_request_duration_seconds`),
 * Node process metrics, and the monitoring gauges (`cairn_drift_score`, `cairn_dataset_drift`,
 * `cairn_data_quality_failures`, `cairn_alert_firing`, …) read from the metadata store, so checks
 * that `cairn monitor run` or a scheduled monitor recorded show up on the next scrape.
 * `metrics: false` in the server options leaves the route out.
 */
export const metricsRoutes: RoutePlugin = {
  name: 'metrics',
  register(app, ctx) {
    if (ctx.options.metrics === false) return
    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    const requests = new Counter({
      name: 'cairn_server_requests_total',
      help: 'Requests the Cairn server answered, by method, route and HTTP status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    })
    const duration = new Histogram({
      name: 'cairn_server_request_duration_seconds',
      help: 'Time from receiving a request to answering it, by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    })
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched'
      requests.inc({ method: req.method, route, status: String(reply.statusCode) })
      duration.observe({ method: req.method, route }, reply.elapsedTime / 1000)
    })
    // Monitoring is loaded on the first scrape, so starting the server does not pay for it.
    let monitoring: Promise<unknown> | undefined
    const cacheMs = typeof ctx.options.metricsCacheMs === 'number' ? ctx.options.metricsCacheMs : undefined
    const withMonitoring = () =>
      (monitoring ??= import('../../monitoring/index.js')
        .then((m) =>
          m.registerMonitoringMetrics(registry, {
            store: new m.MonitorStore(ctx.metadata),
            ...(cacheMs !== undefined ? { cacheMs } : {}),
          }),
        )
        .catch((err: unknown) => {
          monitoring = undefined
          throw err
        }))
    app.get(
      '/metrics',
      {
        schema: {
          summary: 'Prometheus metrics: requests, process, monitoring gauges',
          tags: ['Server'],
          produces: ['text/plain'],
        },
      },
      async (_req, reply) => {
        await withMonitoring()
        reply.header('content-type', registry.contentType)
        return registry.metrics()
      },
    )
  },
}
