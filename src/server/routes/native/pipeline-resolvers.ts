import { hashObject } from '../../../core/index.js'
import type { DataService } from '../../../data/index.js'
import type { ExternalResolvers, ResolvedExternal } from '../../../pipelines/index.js'
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
      const v = await (await data).show(version ? `${name}@${version}` : name)
      return {
        uri,
        hash: v.contentHash,
        size: v.sizeBytes,
        version: v.version,
        location: `data:${v.name}@${v.version}`,
      }
    },
    async models(uri: string): Promise<ResolvedExternal> {
      const { resolveModelUri } = await import('../../../registry/index.js')
      const v = await resolveModelUri(ctx.registry, uri)
      return {
        uri,
        hash: hashObject({
          name: v.name,
          version: v.version,
          source: v.modelVersion.storageLocation,
          created: v.modelVersion.creationTime,
        }),
        version: String(v.version),
        location: v.modelVersion.storageLocation,
      }
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
