import { CairnError } from '../../core/index.js'
import { StoreRegistryClient } from '../../registry/index.js'
import {
  type ArtifactStore,
  type MetadataStore,
  openArtifactStore,
  openMetadataStore,
} from '../../store/index.js'
import { StoreTrackingClient } from '../../tracking/index.js'
import type { ModelSource } from './model-source.js'
import { bundlePathSource } from './path-source.js'
import { registrySource, runArtifactSource } from './registry-source.js'

/** The stores and model sources of a project, opened together and closed together. */
export interface OpenedSources {
  sources: ModelSource[]
  metadata: MetadataStore | undefined
  artifacts: ArtifactStore | undefined
  tracking: StoreTrackingClient | undefined
  close(): Promise<void>
}

/** True when a URI needs the registry or tracking store (`models:/`, `runs:/`). */
export function needsRegistry(uri: string): boolean {
  return uri.startsWith('models:/') || uri.startsWith('runs:/')
}

/**
 * Open the metadata and artifact stores (when `withStores`) and the model sources on them:
 * `models:/` through the registry, `runs:/` through tracking, then bundle folders and `s3://`.
 */
export async function openModelSources(options: {
  trackingUri: string
  artifactsUri: string
  root: string
  withStores: boolean
  extra?: ModelSource[]
}): Promise<OpenedSources> {
  const sources: ModelSource[] = [...(options.extra ?? [])]
  let metadata: MetadataStore | undefined
  let artifacts: ArtifactStore | undefined
  let tracking: StoreTrackingClient | undefined
  if (options.withStores) {
    if (/^https?:\/\//.test(options.trackingUri)) {
      throw new CairnError(
        'CAIRN_UNSUPPORTED_URI',
        'Serving and batch scoring need direct access to the metadata store',
        {
          details: { trackingUri: options.trackingUri },
          hint: 'Point --tracking-uri at the store itself (sqlite:///… or postgresql://…), as the tracking server does',
        },
      )
    }
    metadata = await openMetadataStore(options.trackingUri)
    artifacts = openArtifactStore(options.artifactsUri)
    tracking = new StoreTrackingClient({ metadata, artifacts })
    const registry = new StoreRegistryClient({ metadata, artifacts, tracking })
    sources.push(registrySource(registry), runArtifactSource(tracking))
  }
  sources.push(bundlePathSource({ base: options.root }))
  const m = metadata
  const a = artifacts
  return {
    sources,
    metadata,
    artifacts,
    tracking,
    async close() {
      for (const s of sources) await s.close?.()
      await m?.close()
      await a?.close()
    },
  }
}
