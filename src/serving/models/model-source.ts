import type { BundleManifest, Model } from '../../ml/index.js'

/** A model URI resolved to one exact bundle. */
export interface ResolvedModel {
  /** The URI as given (`models:/housing@production`, `./model`, `s3://…`). */
  uri: string
  /** The name to serve it under by default (the registered model's name, or the folder's). */
  name: string
  /** The version: the registry's version number, or a short content hash for a bare bundle. */
  version: string
  /** Identifies the exact bundle; it changes when an alias moves or the files are replaced. */
  key: string
  /** Where the bundle lives, for logs and `/v1/models`. */
  location: string
  /** The tracking run that produced it, when known. */
  runId?: string
  /** Read the bundle and rebuild the model. */
  load(): Promise<{ model: Model; manifest: BundleManifest }>
}

/**
 * Resolves model URIs to bundles. The server polls `resolve` (and listens to `subscribe` where a
 * source can push) to notice an alias that moved; a new `key` triggers a hot reload.
 */
export interface ModelSource {
  /** Whether this source understands the URI. */
  handles(uri: string): boolean
  resolve(uri: string): Promise<ResolvedModel>
  /** Call `onChange` when something may have moved; returns the unsubscribe function. */
  subscribe?(onChange: () => void): () => void
  close?(): Promise<void>
}

/** Try each source in order; the first that handles a URI resolves it. */
export function firstMatchingSource(sources: readonly ModelSource[], uri: string): ModelSource | undefined {
  return sources.find((s) => s.handles(uri))
}
