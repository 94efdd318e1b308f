import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CairnError, getByPath, parseYaml } from '../../core/index.js'

/** The params file stages read when they name keys without a file. */
export const DEFAULT_PARAMS_FILE = 'params.yaml'

/**
 * Reads params files (YAML or JSON) once each, relative to a workspace root. `overrides`
 * replaces a file's content (experiments run with changed params without touching the files).
 */
export class ParamsFiles {
  readonly #cache = new Map<string, Record<string, unknown> | undefined>()

  constructor(
    readonly root: string,
    readonly overrides: ReadonlyMap<string, Record<string, unknown>> = new Map(),
  ) {}

  /** The parsed file, or `undefined` when it does not exist. */
  read(file: string): Record<string, unknown> | undefined {
    if (this.#cache.has(file)) return this.#cache.get(file)
    const override = this.overrides.get(file)
    let value: Record<string, unknown> | undefined
    if (override) value = override
    else {
      const abs = join(this.root, file)
      if (existsSync(abs)) {
        const text = readFileSync(abs, 'utf8')
        const parsed = file.endsWith('.json') ? parseJson(text, file) : parseYaml(text, file)
        if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
          throw new CairnError('CAIRN_CONFIG_INVALID', `${file}: a params file must hold a mapping of keys`)
        }
        value = (parsed ?? {}) as Record<string, unknown>
      }
    }
    this.#cache.set(file, value)
    return value
  }

  /** A key's value (`undefined` when the file or key is missing). The whole file when `key` is undefined. */
  get(file: string, key: string | undefined): unknown {
    const content = this.read(file)
    if (content === undefined) return undefined
    return key === undefined ? content : getByPath(content, key)
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new CairnError('CAIRN_CONFIG_INVALID', `${file}: ${(err as Error).message}`, { cause: err })
  }
}

/** Flatten nested params into dotted keys (`{train: {lr: 1}}` → `{'train.lr': 1}`); lists stay values. */
export function flattenParams(
  value: unknown,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>)
    if (entries.length === 0 && prefix) out[prefix] = {}
    for (const [k, v] of entries) flattenParams(v, prefix ? `${prefix}.${k}` : k, out)
  } else if (prefix) {
    out[prefix] = value
  }
  return out
}

/** Every param the stages can read: whole params files (params.yaml and those they name), flattened. */
export function allParams(
  params: ParamsFiles,
  stages: Iterable<{ params: readonly { file: string }[] }>,
): Record<string, Record<string, unknown>> {
  const files = new Set<string>([DEFAULT_PARAMS_FILE])
  for (const s of stages) for (const p of s.params) files.add(p.file)
  const out: Record<string, Record<string, unknown>> = {}
  for (const f of files) {
    const content = params.read(f)
    if (content !== undefined) out[f] = flattenParams(content)
  }
  return out
}

/** Params as tracking keys: `train.lr` for params.yaml, `other.yaml:seed` for other files. */
export function trackingParams(byFile: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [file, values] of Object.entries(byFile)) {
    for (const [k, v] of Object.entries(values)) out[file === DEFAULT_PARAMS_FILE ? k : `${file}:${k}`] = v
  }
  return out
}
