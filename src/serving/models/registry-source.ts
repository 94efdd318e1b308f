import { CairnError, hashBytes } from '../../core/index.js'
import { MANIFEST_FILE, parseManifest, readBundleFromStore } from '../../ml/index.js'
import { type RegistryClient, resolveModelUri } from '../../registry/index.js'
import { joinArtifactPath } from '../../store/index.js'
import type { TrackingClient } from '../../tracking/index.js'
import type { ModelSource } from './model-source.js'

/**
 * `models:/name@alias`, `models:/name/3`, `models:/name/Production`, `models:/name/latest` through
 * the model registry. Polling re-resolves the URI: an alias that moved (or a newer version in a
 * stage) gives a new key, and the server hot-reloads.
 */
export function registrySource(registry: RegistryClient): ModelSource {
  return {
    handles: (uri) => uri.startsWith('models:/'),
    async resolve(uri) {
      const r = await resolveModelUri(registry, uri)
      const mv = r.modelVersion
      return {
        uri,
        name: r.name,
        version: String(r.version),
        key: `${r.name}\u0001${r.version}\u0001${mv.storageLocation}`,
        location: mv.storageLocation || mv.source,
        ...(mv.runId ? { runId: mv.runId } : {}),
        async load() {
          const store = await registry.modelVersionArtifacts(r.name, r.version)
          return readBundleFromStore(store, '')
        },
      }
    },
  }
}

/**
 * `runs:/<run-id>/<path>`: a bundle logged as a run artifact. The version is the manifest's
 * `lineage.version` when set, else `run-<first 8 of the run id>`; replacing the files is noticed.
 */
export function runArtifactSource(tracking: TrackingClient): ModelSource {
  return {
    handles: (uri) => uri.startsWith('runs:/'),
    async resolve(uri) {
      const rest = uri.slice('runs:/'.length).replace(/^\/+/, '')
      const slash = rest.indexOf('/')
      const runId = slash === -1 ? rest : rest.slice(0, slash)
      const path = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '')
      if (!runId) {
        throw new CairnError('CAIRN_INVALID_MODEL_URI', `"${uri}" names no run`, {
          hint: 'Use runs:/<run-id>/<artifact path of the bundle>',
        })
      }
      const store = await tracking.runArtifacts(runId)
      const raw = await store.get(joinArtifactPath(path, MANIFEST_FILE)).catch((err) => {
        throw new CairnError('CAIRN_MODEL_NOT_FOUND', `No model bundle at "${uri}"`, {
          cause: err,
          hint: 'Check the artifact path: cairn runs show <run-id> lists the run artifacts',
        })
      })
      const manifest = parseManifest(JSON.parse(raw.toString('utf8')))
      const lineage = manifest.lineage as Record<string, unknown>
      const version =
        typeof lineage.version === 'number' || typeof lineage.version === 'string'
          ? String(lineage.version)
          : `run-${runId.slice(0, 8)}`
      return {
        uri,
        name: path.split('/').pop() || 'model',
        version,
        key: hashBytes(raw),
        location: store.uriFor(path),
        runId,
        load: () => readBundleFromStore(store, path),
      }
    },
  }
}
