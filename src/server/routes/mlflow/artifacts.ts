import { posix } from 'node:path'
import { normalizeArtifactPath } from '../../../store/index.js'
import type { RoutePlugin } from '../../context.js'
import { acceptRawBodies, sendArtifact, storeUpload } from '../artifact-routes.js'

const tags = ['MLflow artifacts']

/**
 * MLflow's artifact proxy (`mlflow server --serve-artifacts`): clients read and write
 * `mlflow-artifacts:/<path>` through `/api/2.0/mlflow-artifacts/artifacts/<path>`.
 */
export const mlflowArtifactRoutes: RoutePlugin = {
  name: 'mlflow-artifacts',
  async register(app, ctx) {
    const store = ctx.artifacts
    const maxBytes = Number(ctx.options.maxArtifactBytes ?? 5 * 1024 ** 3)
    await app.register(async (scope) => {
      acceptRawBodies(scope)
      for (const prefix of [
        '/api/2.0/mlflow-artifacts/artifacts',
        '/ajax-api/2.0/mlflow-artifacts/artifacts',
      ]) {
        const hide = prefix.startsWith('/ajax') ? { hide: true } : {}
        scope.get(
          prefix,
          { schema: { summary: 'List proxied artifacts under ?path=', tags, ...hide } },
          async (request) => {
            const path = normalizeArtifactPath(String((request.query as { path?: string }).path ?? ''), true)
            const entries = await store.list(path)
            return entries.length
              ? {
                  files: entries.map((e) => ({
                    path: posix.basename(e.path),
                    is_dir: e.isDir,
                    ...(e.isDir ? {} : { file_size: e.size ?? 0 }),
                  })),
                }
              : {}
          },
        )
        scope.get(
          `${prefix}/*`,
          { schema: { summary: 'Download a proxied artifact', tags, ...hide } },
          async (request, reply) => sendArtifact(reply, store, (request.params as { '*': string })['*']),
        )
        scope.put(
          `${prefix}/*`,
          { schema: { summary: 'Upload a proxied artifact', tags, ...hide } },
          async (request) => {
            const path = normalizeArtifactPath((request.params as { '*': string })['*'])
            await storeUpload(request, store, path, maxBytes)
            return {}
          },
        )
        scope.delete(
          `${prefix}/*`,
          { schema: { summary: 'Delete a proxied artifact', tags, ...hide } },
          async (request) => {
            await store.delete(normalizeArtifactPath((request.params as { '*': string })['*']))
            return {}
          },
        )
      }
    })
  },
}
