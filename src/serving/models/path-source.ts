import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { CairnError, hashBytes, parseStoreUri } from '../../core/index.js'
import {
  type BundleManifest,
  MANIFEST_FILE,
  type Model,
  parseManifest,
  readBundleDir,
  readBundleFromStore,
} from '../../ml/index.js'
import { type ArtifactStore, type OpenArtifactStoreOptions, openArtifactStore } from '../../store/index.js'
import type { ModelSource, ResolvedModel } from './model-source.js'

const REMOTE = /^(s3):\/\//

/**
 * Bundles given by location: a local folder (`./model`, `/abs/model`, `file:///…`) or an
 * artifact-store URI (`s3://bucket/prefix/model`). The version is the manifest's
 * `lineage.version` when it has one, otherwise the first 12 hex digits of the weights' sha256;
 * replacing the files at the location is noticed by polling.
 */
export function bundlePathSource(
  options: { base?: string; artifacts?: OpenArtifactStoreOptions } = {},
): ModelSource {
  const stores = new Map<string, ArtifactStore>()
  return {
    handles: (uri) => !/^[a-z][a-z0-9+.-]*:\//i.test(uri) || uri.startsWith('file:') || REMOTE.test(uri),
    async resolve(uri) {
      if (REMOTE.test(uri)) {
        let store = stores.get(uri)
        if (!store) {
          store = openArtifactStore(uri, options.artifacts)
          stores.set(uri, store)
        }
        const s = store
        const raw = await s.get(MANIFEST_FILE).catch((err) => {
          throw notFound(uri, err)
        })
        const name = uri.replace(/\/+$/, '').split('/').pop() ?? 'model'
        return resolved(uri, uri, raw, name, () => readBundleFromStore(s, ''))
      }
      const loc = parseStoreUri(uri, options.base)
      if (loc.scheme !== 'file')
        throw new CairnError('CAIRN_UNSUPPORTED_URI', `"${uri}" is not a bundle path`)
      const dir = loc.path
      const raw = await readFile(join(dir, MANIFEST_FILE)).catch((err) => {
        throw notFound(uri, err)
      })
      return resolved(uri, dir, raw, basename(dir), () => readBundleDir(dir))
    },
    async close() {
      for (const s of stores.values()) await s.close()
      stores.clear()
    },
  }
}

function resolved(
  uri: string,
  location: string,
  raw: Buffer,
  folderName: string,
  load: () => Promise<{ model: Model; manifest: BundleManifest }>,
): ResolvedModel {
  let manifest: BundleManifest
  try {
    manifest = parseManifest(JSON.parse(raw.toString('utf8')))
  } catch (err) {
    if (err instanceof CairnError) throw err
    throw new CairnError('CAIRN_BUNDLE_INVALID', `${location}/${MANIFEST_FILE} is not valid JSON`, {
      cause: err,
    })
  }
  const lineage = manifest.lineage as Record<string, unknown>
  const version =
    typeof lineage.version === 'number' || typeof lineage.version === 'string'
      ? String(lineage.version)
      : manifest.weights.sha256.slice(0, 12)
  const name = typeof lineage.modelName === 'string' ? lineage.modelName : folderName
  const runId = typeof lineage.runId === 'string' ? lineage.runId : undefined
  return {
    uri,
    name,
    version,
    key: hashBytes(raw),
    location,
    ...(runId ? { runId } : {}),
    load,
  }
}

function notFound(uri: string, cause: unknown): CairnError {
  return new CairnError('CAIRN_MODEL_NOT_FOUND', `No model bundle at "${uri}" (no ${MANIFEST_FILE})`, {
    cause,
    hint: 'Give a folder written by writeBundleDir, models:/name@alias, models:/name/<version> or runs:/<run-id>/<path>',
  })
}
