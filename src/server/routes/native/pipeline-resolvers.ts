import type { DataService } from '../../../data/index.js'
import {
  type ExternalResolvers,
  type ResolvedExternal,
  resolveDatasetDep,
  resolveModelDep,
} from '../../../pipelines/index.js'
import type { ServerContext } from '../../context.js'

/**
 * How `data:` and `models:/` deps of a pipeline run started from the server resolve: through the
 * server's own stores (the dataset versions of the data layer, the registry), as `cairn run` does
 * through the project's.
 */
export function serverResolvers(
  ctx: ServerContext,
  root: string,
): { resolvers: ExternalResolvers; close(): Promise<void> } {
  let data: Promise<DataService> | undefined
  const resolvers: ExternalResolvers = {
    async data(name: string, version: string | undefined, uri: string): Promise<ResolvedExternal> {
      data ??= import('../../../data/index.js').then((d) =>
        d.createDataService({ metadata: ctx.metadata, artifacts: ctx.artifacts, base: root }),
      )
      return resolveDatasetDep(await data, name, version, uri)
    },
    async models(uri: string): Promise<ResolvedExternal> {
      return resolveModelDep(ctx.registry, uri)
    },
  }
  return {
    resolvers,
    async close() {
      const d = data ? await data.catch(() => undefined) : undefined
      await d?.close().catch(() => {})
    },
  }
}
