import type { BundleManifest, Model } from '../ml/index.js'
import { readBundleFromStore } from '../ml/index.js'
import { resolveModelUri } from './model-uri.js'
import type { RegistryClient } from './registry-client.js'
import type { ModelVersion } from './types.js'

/** A registered model version loaded into memory. */
export interface LoadedModelVersion {
  model: Model
  manifest: BundleManifest
  modelVersion: ModelVersion
}

/**
 * Load the model bundle of a registered version named by a `models:/` URI (see
 * `resolveModelUri`). The bundle is data only: nothing from it is executed.
 */
export async function loadRegisteredModel(
  registry: RegistryClient,
  uri: string,
): Promise<LoadedModelVersion> {
  const resolved = await resolveModelUri(registry, uri)
  const store = await registry.modelVersionArtifacts(resolved.name, resolved.version)
  const { model, manifest } = await readBundleFromStore(store, '')
  return { model, manifest, modelVersion: resolved.modelVersion }
}
