import type {
  ChangeOptions,
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  RecordEventInput,
  SearchModelVersionsOptions,
  SearchRegisteredModelsOptions,
  TransitionStageOptions,
} from '../../../registry/index.js'
import type { RoutePlugin } from '../../context.js'
import { registerArtifactRoutes } from '../artifact-routes.js'
import { body, listQuery, numberQuery, stringQuery, versionParam } from './request.js'

const tags = ['Registry']
const doc = (summary: string) => ({ schema: { summary, tags } })

/** Cairn's native registry API under `/api/v1`: the RegistryClient interface, one route per method. */
export const nativeRegistryRoutes: RoutePlugin = {
  name: 'native-registry',
  async register(app, ctx) {
    const r = ctx.registry
    type M = { name: string }
    type V = { name: string; version: string }
    type A = { name: string; alias: string }
    const change = (q: object): ChangeOptions => ({
      ...(typeof (q as ChangeOptions).userId === 'string' ? { userId: (q as ChangeOptions).userId! } : {}),
      ...(typeof (q as ChangeOptions).comment === 'string' ? { comment: (q as ChangeOptions).comment! } : {}),
    })

    app.post('/api/v1/models', doc('Create a registered model'), async (req) =>
      r.createRegisteredModel(body<CreateRegisteredModelInput>(req)),
    )
    app.post('/api/v1/models/search', doc('Search registered models'), async (req) =>
      r.searchRegisteredModels(body<SearchRegisteredModelsOptions>(req, {})),
    )
    app.post('/api/v1/model-versions/search', doc('Search model versions'), async (req) =>
      r.searchModelVersions(body<SearchModelVersionsOptions>(req, {})),
    )
    app.get<{ Params: M }>('/api/v1/models/:name', doc('Get a registered model'), async (req) =>
      r.getRegisteredModel(req.params.name),
    )
    app.patch<{ Params: M }>('/api/v1/models/:name', doc("Update a model's description"), async (req) =>
      r.updateRegisteredModel(req.params.name, body<{ description: string }>(req)),
    )
    app.post<{ Params: M }>('/api/v1/models/:name/rename', doc('Rename a registered model'), async (req) => {
      const b = body<{ newName: string } & ChangeOptions>(req)
      return r.renameRegisteredModel(req.params.name, b.newName, change(b))
    })
    app.delete<{ Params: M }>(
      '/api/v1/models/:name',
      doc('Delete a model and its versions'),
      async (req, reply) => {
        await r.deleteRegisteredModel(req.params.name, change(req.query as object))
        return reply.status(204).send()
      },
    )
    app.put<{ Params: M }>('/api/v1/models/:name/tags', doc('Set a model tag'), async (req, reply) => {
      const { key, value } = body<{ key: string; value: string }>(req)
      await r.setRegisteredModelTag(req.params.name, key, value)
      return reply.status(204).send()
    })
    app.delete<{ Params: M }>('/api/v1/models/:name/tags', doc('Delete a model tag'), async (req, reply) => {
      await r.deleteRegisteredModelTag(req.params.name, stringQuery(req, 'key', true))
      return reply.status(204).send()
    })
    app.get<{ Params: M }>(
      '/api/v1/models/:name/latest-versions',
      doc('The newest version in each stage'),
      async (req) => r.getLatestVersions(req.params.name, listQuery(req, 'stage')),
    )
    app.post<{ Params: M }>('/api/v1/models/:name/versions', doc('Create a model version'), async (req) =>
      r.createModelVersion({ ...body<CreateModelVersionInput>(req), name: req.params.name }),
    )
    app.get<{ Params: V }>(
      '/api/v1/models/:name/versions/:version',
      doc('Get a model version'),
      async (req) => r.getModelVersion(req.params.name, versionParam(req.params.version)),
    )
    app.patch<{ Params: V }>(
      '/api/v1/models/:name/versions/:version',
      doc("Update a version's description"),
      async (req) =>
        r.updateModelVersion(
          req.params.name,
          versionParam(req.params.version),
          body<{ description: string }>(req),
        ),
    )
    app.delete<{ Params: V }>(
      '/api/v1/models/:name/versions/:version',
      doc('Delete a model version'),
      async (req, reply) => {
        await r.deleteModelVersion(
          req.params.name,
          versionParam(req.params.version),
          change(req.query as object),
        )
        return reply.status(204).send()
      },
    )
    app.put<{ Params: V }>(
      '/api/v1/models/:name/versions/:version/tags',
      doc('Set a version tag'),
      async (req, reply) => {
        const { key, value } = body<{ key: string; value: string }>(req)
        await r.setModelVersionTag(req.params.name, versionParam(req.params.version), key, value)
        return reply.status(204).send()
      },
    )
    app.delete<{ Params: V }>(
      '/api/v1/models/:name/versions/:version/tags',
      doc('Delete a version tag'),
      async (req, reply) => {
        await r.deleteModelVersionTag(
          req.params.name,
          versionParam(req.params.version),
          stringQuery(req, 'key', true),
        )
        return reply.status(204).send()
      },
    )
    app.post<{ Params: V }>(
      '/api/v1/models/:name/versions/:version/stage',
      doc('Move a version to a stage'),
      async (req) => {
        const b = body<{ stage: string } & TransitionStageOptions>(req)
        return r.transitionModelVersionStage(req.params.name, versionParam(req.params.version), b.stage, {
          ...(b.archiveExistingVersions !== undefined
            ? { archiveExistingVersions: b.archiveExistingVersions }
            : {}),
          ...change(b),
        })
      },
    )
    app.put<{ Params: A }>(
      '/api/v1/models/:name/aliases/:alias',
      doc('Point an alias at a version'),
      async (req, reply) => {
        const b = body<{ version: number } & ChangeOptions>(req)
        await r.setAlias(req.params.name, req.params.alias, Number(b.version), change(b))
        return reply.status(204).send()
      },
    )
    app.delete<{ Params: A }>(
      '/api/v1/models/:name/aliases/:alias',
      doc('Delete an alias'),
      async (req, reply) => {
        await r.deleteAlias(req.params.name, req.params.alias, change(req.query as object))
        return reply.status(204).send()
      },
    )
    app.get<{ Params: A }>(
      '/api/v1/models/:name/aliases/:alias',
      doc('The version an alias points at'),
      async (req) => r.getModelVersionByAlias(req.params.name, req.params.alias),
    )
    app.post<{ Params: M }>(
      '/api/v1/models/:name/events',
      doc("Record an event in a model's history"),
      async (req) => r.recordEvent({ ...body<RecordEventInput>(req), name: req.params.name }),
    )
    app.get<{ Params: M }>(
      '/api/v1/models/:name/events',
      doc("A model's history, newest first"),
      async (req) => {
        const version = numberQuery(req, 'version')
        const limit = numberQuery(req, 'limit')
        const kinds = listQuery(req, 'kind')
        return r.history(req.params.name, {
          ...(version !== undefined ? { version } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(kinds ? { kinds } : {}),
        })
      },
    )

    await app.register(async (scope) =>
      registerArtifactRoutes(scope, '/api/v1/models/:name/versions/:version/artifacts', {
        resolve: (req) => {
          const p = req.params as V
          return r.modelVersionArtifacts(p.name, versionParam(p.version))
        },
        writable: false,
        maxBytes: 0,
        tag: 'Registry',
        what: "a model version's files",
      }),
    )
  },
}
