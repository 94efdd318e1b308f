import { CairnError } from '../../../core/index.js'
import type { RoutePlugin } from '../../context.js'
import { ArtifactUriMapper, modelVersionJson, registeredModelJson } from './convert.js'
import { type Args, bool, int, keyValues, str, strList, toRecord } from './request.js'
import { mlflowRoute } from './route.js'

const tag = 'MLflow registry' as const

function version(a: Args): number {
  const v = str(a, 'version', true)
  if (!/^\d+$/.test(v))
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `Invalid value "${v}" for parameter 'version': expected a positive integer`,
    )
  return Number(v)
}

function searchArgs(a: Args) {
  const filter = str(a, 'filter')
  const orderBy = strList(a, 'order_by')
  const maxResults = int(a, 'max_results')
  const pageToken = str(a, 'page_token')
  return {
    ...(filter ? { filter } : {}),
    ...(orderBy ? { orderBy } : {}),
    ...(maxResults !== undefined ? { maxResults } : {}),
    ...(pageToken ? { pageToken } : {}),
  }
}

/** MLflow's model-registry REST API: registered models, versions, stages, tags and aliases. */
export const mlflowRegistryRoutes: RoutePlugin = {
  name: 'mlflow-registry',
  register(app, ctx) {
    const r = ctx.registry
    const uris = new ArtifactUriMapper(ctx.artifacts)
    const mv = (v: Parameters<typeof modelVersionJson>[0]) => ({ model_version: modelVersionJson(v, uris) })
    const rm = (m: Parameters<typeof registeredModelJson>[0]) => ({
      registered_model: registeredModelJson(m, uris),
    })

    mlflowRoute(
      app,
      'POST',
      'registered-models/create',
      { summary: 'Create a registered model', tag },
      async (a) => {
        const tags = toRecord(keyValues(a, 'tags'))
        const description = str(a, 'description')
        return rm(
          await r.createRegisteredModel({
            name: str(a, 'name', true),
            ...(tags ? { tags } : {}),
            ...(description !== undefined ? { description } : {}),
          }),
        )
      },
    )
    mlflowRoute(app, 'GET', 'registered-models/get', { summary: 'Get a registered model', tag }, async (a) =>
      rm(await r.getRegisteredModel(str(a, 'name', true))),
    )
    mlflowRoute(
      app,
      'POST',
      'registered-models/rename',
      { summary: 'Rename a registered model', tag },
      async (a) => rm(await r.renameRegisteredModel(str(a, 'name', true), str(a, 'new_name', true))),
    )
    mlflowRoute(
      app,
      'PATCH',
      'registered-models/update',
      { summary: "Update a model's description", tag },
      async (a) =>
        rm(await r.updateRegisteredModel(str(a, 'name', true), { description: str(a, 'description') ?? '' })),
    )
    mlflowRoute(
      app,
      'DELETE',
      'registered-models/delete',
      { summary: 'Delete a registered model', tag },
      async (a) => {
        await r.deleteRegisteredModel(str(a, 'name', true))
      },
    )
    mlflowRoute(
      app,
      'GET',
      'registered-models/search',
      { summary: 'Search registered models', tag },
      async (a) => {
        const page = await r.searchRegisteredModels(searchArgs(a))
        return {
          ...(page.items.length
            ? { registered_models: page.items.map((m) => registeredModelJson(m, uris)) }
            : {}),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        }
      },
    )
    mlflowRoute(
      app,
      ['GET', 'POST'],
      'registered-models/get-latest-versions',
      { summary: 'The newest version in each stage', tag },
      async (a) => {
        const versions = await r.getLatestVersions(str(a, 'name', true), strList(a, 'stages'))
        return versions.length ? { model_versions: versions.map((v) => modelVersionJson(v, uris)) } : {}
      },
    )
    mlflowRoute(
      app,
      'POST',
      'registered-models/set-tag',
      { summary: 'Set a registered-model tag', tag },
      async (a) => {
        await r.setRegisteredModelTag(str(a, 'name', true), str(a, 'key', true), str(a, 'value') ?? '')
      },
    )
    mlflowRoute(
      app,
      'DELETE',
      'registered-models/delete-tag',
      { summary: 'Delete a registered-model tag', tag },
      async (a) => {
        await r.deleteRegisteredModelTag(str(a, 'name', true), str(a, 'key', true))
      },
    )
    mlflowRoute(
      app,
      'POST',
      'registered-models/alias',
      { summary: 'Point an alias at a version', tag },
      async (a) => {
        await r.setAlias(str(a, 'name', true), str(a, 'alias', true), version(a))
      },
    )
    mlflowRoute(app, 'DELETE', 'registered-models/alias', { summary: 'Delete an alias', tag }, async (a) => {
      await r.deleteAlias(str(a, 'name', true), str(a, 'alias', true))
    })
    mlflowRoute(
      app,
      'GET',
      'registered-models/alias',
      { summary: 'Get the version an alias points at', tag },
      async (a) => mv(await r.getModelVersionByAlias(str(a, 'name', true), str(a, 'alias', true))),
    )

    mlflowRoute(
      app,
      'POST',
      'model-versions/create',
      { summary: 'Create a model version', tag },
      async (a) => {
        const name = str(a, 'name', true)
        await r.getRegisteredModel(name)
        const tags = toRecord(keyValues(a, 'tags'))
        const runId = str(a, 'run_id')
        const runLink = str(a, 'run_link')
        const description = str(a, 'description')
        return mv(
          await r.createModelVersion({
            name,
            source: uris.fromMlflow(str(a, 'source', true)),
            ...(runId ? { runId } : {}),
            ...(runLink ? { runLink } : {}),
            ...(description !== undefined ? { description } : {}),
            ...(tags ? { tags } : {}),
          }),
        )
      },
    )
    mlflowRoute(app, 'GET', 'model-versions/get', { summary: 'Get a model version', tag }, async (a) =>
      mv(await r.getModelVersion(str(a, 'name', true), version(a))),
    )
    mlflowRoute(
      app,
      'PATCH',
      'model-versions/update',
      { summary: "Update a version's description", tag },
      async (a) =>
        mv(
          await r.updateModelVersion(str(a, 'name', true), version(a), {
            description: str(a, 'description') ?? '',
          }),
        ),
    )
    mlflowRoute(
      app,
      'DELETE',
      'model-versions/delete',
      { summary: 'Delete a model version', tag },
      async (a) => {
        await r.deleteModelVersion(str(a, 'name', true), version(a))
      },
    )
    mlflowRoute(app, 'GET', 'model-versions/search', { summary: 'Search model versions', tag }, async (a) => {
      const page = await r.searchModelVersions(searchArgs(a))
      return {
        ...(page.items.length ? { model_versions: page.items.map((v) => modelVersionJson(v, uris)) } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      }
    })
    mlflowRoute(
      app,
      'GET',
      'model-versions/get-download-uri',
      { summary: "Where a version's files are", tag },
      async (a) => {
        const v = await r.getModelVersion(str(a, 'name', true), version(a))
        return { artifact_uri: uris.toMlflow(v.storageLocation) }
      },
    )
    mlflowRoute(
      app,
      'POST',
      'model-versions/transition-stage',
      { summary: 'Move a version to a stage', tag },
      async (a) =>
        mv(
          await r.transitionModelVersionStage(str(a, 'name', true), version(a), str(a, 'stage', true), {
            archiveExistingVersions: bool(a, 'archive_existing_versions') ?? false,
          }),
        ),
    )
    mlflowRoute(
      app,
      'POST',
      'model-versions/set-tag',
      { summary: 'Set a model-version tag', tag },
      async (a) => {
        await r.setModelVersionTag(
          str(a, 'name', true),
          version(a),
          str(a, 'key', true),
          str(a, 'value') ?? '',
        )
      },
    )
    mlflowRoute(
      app,
      'DELETE',
      'model-versions/delete-tag',
      { summary: 'Delete a model-version tag', tag },
      async (a) => {
        await r.deleteModelVersionTag(str(a, 'name', true), version(a), str(a, 'key', true))
      },
    )
  },
}
