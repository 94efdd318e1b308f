import { CairnError } from '../../../core/index.js'
import {
  type CreateExperimentInput,
  type CreateRunInput,
  decodeMetricInput,
  encodeMetric,
  encodeRun,
  type LogBatchInput,
  type SearchExperimentsOptions,
  type SearchRunsOptions,
  type UpdateRunInput,
} from '../../../tracking/index.js'
import type { RoutePlugin } from '../../context.js'
import { registerArtifactRoutes } from '../artifact-routes.js'
import { body, numberQuery, stringQuery } from './request.js'

const tags = ['Tracking']
const doc = (summary: string) => ({ schema: { summary, tags } })

/** Cairn's native tracking API under `/api/v1`: the TrackingClient interface, one route per method. */
export const nativeTrackingRoutes: RoutePlugin = {
  name: 'native-tracking',
  async register(app, ctx) {
    const t = ctx.tracking
    type P = { id: string }

    app.post('/api/v1/experiments', doc('Create an experiment'), async (req) =>
      t.createExperiment(body<CreateExperimentInput>(req)),
    )
    app.post('/api/v1/experiments/search', doc('Search experiments'), async (req) =>
      t.searchExperiments(body<SearchExperimentsOptions>(req, {})),
    )
    app.get('/api/v1/experiments/by-name', doc('Get an experiment by name'), async (req) =>
      t.getExperimentByName(stringQuery(req, 'name', true)),
    )
    app.get<{ Params: P }>('/api/v1/experiments/:id', doc('Get an experiment'), async (req) =>
      t.getExperiment(req.params.id),
    )
    app.patch<{ Params: P }>('/api/v1/experiments/:id', doc('Rename an experiment'), async (req, reply) => {
      const { name } = body<{ name: string }>(req)
      await t.renameExperiment(req.params.id, name)
      return reply.status(204).send()
    })
    app.delete<{ Params: P }>(
      '/api/v1/experiments/:id',
      doc('Delete an experiment and its runs'),
      async (req, reply) => {
        await t.deleteExperiment(req.params.id)
        return reply.status(204).send()
      },
    )
    app.post<{ Params: P }>(
      '/api/v1/experiments/:id/restore',
      doc('Restore an experiment'),
      async (req, reply) => {
        await t.restoreExperiment(req.params.id)
        return reply.status(204).send()
      },
    )
    app.put<{ Params: P }>(
      '/api/v1/experiments/:id/tags',
      doc('Set an experiment tag'),
      async (req, reply) => {
        const { key, value } = body<{ key: string; value: string }>(req)
        await t.setExperimentTag(req.params.id, key, value)
        return reply.status(204).send()
      },
    )
    app.delete<{ Params: P }>(
      '/api/v1/experiments/:id/tags',
      doc('Delete an experiment tag'),
      async (req, reply) => {
        await t.deleteExperimentTag(req.params.id, stringQuery(req, 'key', true))
        return reply.status(204).send()
      },
    )

    app.post('/api/v1/runs', doc('Create a run'), async (req) =>
      encodeRun(await t.createRun(body<CreateRunInput>(req))),
    )
    app.post('/api/v1/runs/search', doc('Search runs (MLflow filter grammar)'), async (req) => {
      const page = await t.searchRuns(body<SearchRunsOptions>(req))
      return { ...page, items: page.items.map(encodeRun) }
    })
    app.get<{ Params: P }>('/api/v1/runs/:id', doc('Get a run'), async (req) =>
      encodeRun(await t.getRun(req.params.id)),
    )
    app.patch<{ Params: P }>('/api/v1/runs/:id', doc('Update status, end time or name'), async (req) =>
      t.updateRun(req.params.id, body<UpdateRunInput>(req)),
    )
    app.delete<{ Params: P }>('/api/v1/runs/:id', doc('Delete a run'), async (req, reply) => {
      await t.deleteRun(req.params.id)
      return reply.status(204).send()
    })
    app.post<{ Params: P }>('/api/v1/runs/:id/restore', doc('Restore a run'), async (req, reply) => {
      await t.restoreRun(req.params.id)
      return reply.status(204).send()
    })
    app.post<{ Params: P }>(
      '/api/v1/runs/:id/batch',
      doc('Log metrics, params and tags in one transaction (≤1000 metrics, ≤100 params, ≤100 tags)'),
      async (req, reply) => {
        const batch = body<LogBatchInput>(req)
        if (batch.metrics !== undefined && !Array.isArray(batch.metrics))
          throw new CairnError('CAIRN_INVALID_ARGUMENT', '"metrics" must be a list')
        await t.logBatch(req.params.id, {
          ...batch,
          ...(batch.metrics ? { metrics: batch.metrics.map(decodeMetricInput) } : {}),
        })
        return reply.status(204).send()
      },
    )
    app.delete<{ Params: P }>('/api/v1/runs/:id/tags', doc('Delete a run tag'), async (req, reply) => {
      await t.deleteTag(req.params.id, stringQuery(req, 'key', true))
      return reply.status(204).send()
    })
    app.get<{ Params: P }>(
      '/api/v1/runs/:id/metric-history',
      doc('Every value of one metric'),
      async (req) => {
        const maxResults = numberQuery(req, 'maxResults')
        const pageToken = stringQuery(req, 'pageToken')
        const page = await t.getMetricHistory(req.params.id, stringQuery(req, 'key', true), {
          ...(maxResults !== undefined ? { maxResults } : {}),
          ...(pageToken ? { pageToken } : {}),
        })
        return { ...page, items: page.items.map(encodeMetric) }
      },
    )
    app.post<{ Params: P }>(
      '/api/v1/runs/:id/inputs',
      doc('Log datasets the run used'),
      async (req, reply) => {
        await t.logInputs(req.params.id, body<{ inputs: never[] }>(req).inputs)
        return reply.status(204).send()
      },
    )

    const maxBytes = Number(ctx.options.maxArtifactBytes ?? 5 * 1024 ** 3)
    await app.register(async (scope) =>
      registerArtifactRoutes(scope, '/api/v1/runs/:id/artifacts', {
        resolve: (req) => t.runArtifacts((req.params as P).id),
        writable: true,
        maxBytes,
        tag: 'Tracking',
        what: "a run's artifacts",
      }),
    )
  },
}
