import { CairnError, parseStoreUri } from '../../core/index.js'
import type { ArtifactStore } from './artifact-store.js'
import { LocalArtifactStore } from './local/local-artifact-store.js'
import { S3ArtifactStore, type S3ArtifactStoreOptions } from './s3/s3-artifact-store.js'

export interface OpenArtifactStoreOptions {
  /** Resolve relative local paths against this folder. */
  base?: string
  /** S3 settings (endpoint, region, credentials) when the URI is `s3://`. */
  s3?: Omit<S3ArtifactStoreOptions, 'bucket' | 'prefix'>
}

/** Open the artifact store a URI names: `file:///…`, a plain path, or `s3://bucket/prefix`. */
export function openArtifactStore(uri: string, options: OpenArtifactStoreOptions = {}): ArtifactStore {
  const loc = parseStoreUri(uri, options.base)
  if (loc.scheme === 'file') return new LocalArtifactStore(loc.path)
  if (loc.scheme === 's3')
    return new S3ArtifactStore({ bucket: loc.bucket, prefix: loc.prefix, ...options.s3 })
  throw new CairnError('CAIRN_UNSUPPORTED_URI', `"${uri}" is not an artifact store URI`, {
    hint: 'Use file:///path/to/artifacts or s3://bucket/prefix',
  })
}
