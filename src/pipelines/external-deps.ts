import { hashObject } from '../core/index.js'
import type { DataService } from '../data/index.js'
import type { RegistryClient } from '../registry/index.js'
import type { ResolvedExternal } from './model.js'

/** A `data:name[@version]` dependency: the dataset version's content hash, size and address. */
export async function resolveDatasetDep(
  data: DataService,
  name: string,
  version: string | undefined,
  uri: string,
): Promise<ResolvedExternal> {
  const v = await data.show(version ? `${name}@${version}` : name)
  return {
    uri,
    hash: v.contentHash,
    size: v.sizeBytes,
    version: v.version,
    location: `data:${v.name}@${v.version}`,
  }
}

/** A `models:/…` dependency: the version it resolves to now, hashed by name, version, source and creation time. */
export async function resolveModelDep(registry: RegistryClient, uri: string): Promise<ResolvedExternal> {
  const { resolveModelUri } = await import('../registry/index.js')
  const v = await resolveModelUri(registry, uri)
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
}
