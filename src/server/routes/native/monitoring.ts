import { CairnError } from '../../../core/index.js'
import type { MonitorStore } from '../../../monitoring/index.js'
import type { RoutePlugin } from '../../context.js'
import { listQuery, numberQuery, stringQuery } from './request.js'
import { windowLabels } from './window-labels.js'

const tags = ['Monitoring']
const doc = (summary: string) => ({ schema: { summary, tags } })
const KINDS = ['drift', 'prediction', 'quality', 'performance', 'dataset'] as const
type Kind = (typeof KINDS)[number]

/**
 * Monitoring over HTTP, read-only: monitors with their last window and alert states, the stored
 * windows (summaries, and each window's full result with per-feature tests and histograms),
 * time series of every value, and alert events.
 */
export const nativeMonitoringRoutes: RoutePlugin = {
  name: 'native-monitoring',
  register(app, ctx) {
    let store: Promise<MonitorStore> | undefined
    const monitors = (): Promise<MonitorStore> => {
      store ??= import('../../../monitoring/index.js').then((m) => new m.MonitorStore(ctx.metadata))
      return store
    }
    type N = { name: string }

    app.get('/api/v1/monitors', doc('Monitors with their last window and alert states'), async () => {
      const s = await monitors()
      const list = await s.listMonitors()
      const states = await s.alertStates()
      return {
        items: await Promise.all(
          list.map(async (m) => ({
            ...m,
            lastRun: (await s.lastRun(m.name)) ?? null,
            alerts: states.filter((a) => a.monitor === m.name),
          })),
        ),
      }
    })

    app.get<{ Params: N }>(
      '/api/v1/monitors/:name',
      doc('A monitor, its windows and alerts'),
      async (req) => {
        const s = await monitors()
        const monitor = await s.getMonitor(req.params.name)
        const from = numberQuery(req, 'from')
        const to = numberQuery(req, 'to')
        const limit = numberQuery(req, 'limit')
        const runs = await s.listRuns(monitor.name, {
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          limit: limit ?? 500,
        })
        const labels = await windowLabels(
          ctx.metadata,
          runs.map((r) => r.runId),
        )
        return {
          monitor,
          runs: runs.map((r) => ({ ...r, label: labels.get(r.runId) ?? null })),
          alerts: await s.alertStates(monitor.name),
          events: await s.alertEvents({ monitor: monitor.name, limit: 200 }),
        }
      },
    )

    app.get<{ Params: N }>(
      '/api/v1/monitors/:name/series',
      doc('Values over windows, oldest first'),
      async (req) => {
        const s = await monitors()
        const monitor = await s.getMonitor(req.params.name)
        const kind = stringQuery(req, 'kind') ?? 'drift'
        if (!(KINDS as readonly string[]).includes(kind))
          throw new CairnError('CAIRN_INVALID_ARGUMENT', `Unknown series kind "${kind}"`, {
            hint: `Use one of ${KINDS.join(', ')}`,
          })
        const names = listQuery(req, 'name')
        const from = numberQuery(req, 'from')
        const to = numberQuery(req, 'to')
        return {
          items: await s.series(monitor.name, kind as Kind, {
            ...(names ? { names } : {}),
            ...(from !== undefined ? { from } : {}),
            ...(to !== undefined ? { to } : {}),
          }),
        }
      },
    )

    app.get<{ Params: N & { runId: string } }>(
      '/api/v1/monitors/:name/results/:runId',
      doc("One window's full result: drift per feature with histograms, quality, performance"),
      async (req) => {
        const s = await monitors()
        await s.getMonitor(req.params.name)
        const result = await s.getResult(req.params.runId)
        if (result.monitor !== req.params.name)
          throw new CairnError(
            'CAIRN_NOT_FOUND',
            `Monitor run "${req.params.runId}" is not a run of ${req.params.name}`,
          )
        return result
      },
    )

    app.get('/api/v1/alerts', doc('Alert states and events of every monitor'), async (req) => {
      const s = await monitors()
      const monitor = stringQuery(req, 'monitor')
      const limit = numberQuery(req, 'limit')
      return {
        states: await s.alertStates(monitor),
        events: await s.alertEvents({
          ...(monitor ? { monitor } : {}),
          ...(limit !== undefined ? { limit } : {}),
        }),
      }
    })
  },
}
