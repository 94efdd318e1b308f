import { CairnError } from '../core/index.js'
import type { RegistryClient } from './registry-client.js'
import { isStage, parseStage } from './stages.js'
import type { ModelStage, ModelVersion } from './types.js'

/** What a `models:/` URI names. */
export type ModelReference =
  | { kind: 'version'; name: string; version: number }
  | { kind: 'alias'; name: string; alias: string }
  | { kind: 'stage'; name: string; stage: ModelStage }
  | { kind: 'latest'; name: string }

/** A `models:/` URI resolved to one model version. */
export interface ResolvedModelVersion {
  /** The URI as given. */
  uri: string
  reference: ModelReference
  name: string
  version: number
  modelVersion: ModelVersion
}

const ALIAS_RE = /^[A-Za-z_][\w-]*$/

/**
 * Parse `models:/name/3`, `models:/name@alias`, `models:/name/Production` (the newest version in
 * that stage) or `models:/name/latest`. CAIRN_INVALID_MODEL_URI when it is none of these.
 */
export function parseModelUri(uri: string): ModelReference {
  const invalid = (why: string) =>
    new CairnError('CAIRN_INVALID_MODEL_URI', `Invalid model URI "${uri}": ${why}`, {
      details: { uri },
      hint: 'Use models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/<stage> or models:/<name>/latest',
    })
  if (typeof uri !== 'string' || !uri.startsWith('models:/')) throw invalid('it must start with models:/')
  const rest = uri.slice('models:/'.length).replace(/^\/+/, '')
  if (rest === '') throw invalid('the model name is missing')
  const at = rest.lastIndexOf('@')
  if (at !== -1 && !rest.slice(at).includes('/')) {
    const name = decodeURIComponent(rest.slice(0, at))
    const alias = rest.slice(at + 1)
    if (!name) throw invalid('the model name is missing')
    if (!ALIAS_RE.test(alias)) throw invalid(`"${alias}" is not a valid alias`)
    return { kind: 'alias', name, alias }
  }
  const slash = rest.lastIndexOf('/')
  if (slash === -1)
    throw invalid('add a version, stage or alias: models:/<name>/<version> or models:/<name>@<alias>')
  const name = decodeURIComponent(rest.slice(0, slash))
  const suffix = rest.slice(slash + 1)
  if (!name) throw invalid('the model name is missing')
  if (/^\d+$/.test(suffix)) {
    const version = Number(suffix)
    if (!Number.isSafeInteger(version) || version < 1) throw invalid('versions start at 1')
    return { kind: 'version', name, version }
  }
  if (suffix.toLowerCase() === 'latest') return { kind: 'latest', name }
  if (isStage(suffix)) return { kind: 'stage', name, stage: parseStage(suffix) }
  throw invalid(`"${suffix}" is neither a version number, a stage nor "latest"`)
}

/** Format a reference back into a `models:/` URI. */
export function formatModelUri(ref: ModelReference): string {
  const name = encodeURIComponent(ref.name).replaceAll('%20', ' ')
  switch (ref.kind) {
    case 'version':
      return `models:/${name}/${ref.version}`
    case 'alias':
      return `models:/${name}@${ref.alias}`
    case 'stage':
      return `models:/${name}/${ref.stage}`
    case 'latest':
      return `models:/${name}/latest`
  }
}

/**
 * Resolve a `models:/` URI to one model version through a registry client. Serving, batch
 * prediction and pipelines use this. Errors: CAIRN_INVALID_MODEL_URI, CAIRN_MODEL_NOT_FOUND,
 * CAIRN_MODEL_VERSION_NOT_FOUND (no such version, or nothing in that stage), CAIRN_ALIAS_NOT_FOUND.
 */
export async function resolveModelUri(registry: RegistryClient, uri: string): Promise<ResolvedModelVersion> {
  const reference = parseModelUri(uri)
  let modelVersion: ModelVersion
  switch (reference.kind) {
    case 'version':
      modelVersion = await registry.getModelVersion(reference.name, reference.version)
      break
    case 'alias':
      modelVersion = await registry.getModelVersionByAlias(reference.name, reference.alias)
      break
    case 'stage':
    case 'latest': {
      const stages = reference.kind === 'stage' ? [reference.stage] : undefined
      const versions = await registry.getLatestVersions(reference.name, stages)
      const newest = versions.reduce<ModelVersion | undefined>(
        (best, v) => (best === undefined || v.version > best.version ? v : best),
        undefined,
      )
      if (!newest)
        throw new CairnError(
          'CAIRN_MODEL_VERSION_NOT_FOUND',
          reference.kind === 'stage'
            ? `Model "${reference.name}" has no version in stage ${reference.stage}`
            : `Model "${reference.name}" has no versions`,
          {
            details: { uri },
            hint:
              reference.kind === 'stage'
                ? `Promote one: cairn models promote ${reference.name} <version> --stage ${reference.stage}`
                : 'Register a version first',
          },
        )
      modelVersion = newest
      break
    }
  }
  return { uri, reference, name: modelVersion.name, version: modelVersion.version, modelVersion }
}
