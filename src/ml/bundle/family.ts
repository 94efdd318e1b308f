import { CairnError } from '../../core/index.js'
import type { Model } from './model.js'
import type { Signature } from './signature.js'

/** A typed array a family stores in the weights file. */
export type Tensor =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array

/** A fitted model taken apart for storage: JSON-safe pieces plus named tensors. */
export interface ModelParts {
  hyperparameters: Record<string, unknown>
  signature: Signature
  /** JSON-serialisable state; large numeric arrays go in `tensors`. */
  state: unknown
  tensors: Record<string, Tensor>
}

/**
 * How one family of models is saved and rebuilt. `load` must build the model from data alone:
 * bundles are data, and loading one never runs code it carries.
 */
export interface ModelFamily<M extends Model = Model> {
  readonly name: string
  save(model: M): ModelParts
  load(parts: ModelParts): M
}

const families = new Map<string, ModelFamily>()

/** Make a family loadable by name. Registering a name twice with different objects is an error. */
export function registerFamily<M extends Model>(family: ModelFamily<M>): void {
  const existing = families.get(family.name)
  if (existing && existing !== (family as unknown as ModelFamily)) {
    throw new CairnError('CAIRN_CONFLICT', `Model family "${family.name}" is registered twice`)
  }
  families.set(family.name, family as unknown as ModelFamily)
}

/** The family registered under `name`; CAIRN_UNKNOWN_MODEL_FAMILY when none is. */
export function getFamily(name: string): ModelFamily {
  const f = families.get(name)
  if (!f) {
    throw new CairnError('CAIRN_UNKNOWN_MODEL_FAMILY', `No model family "${name}" is known to this Cairn`, {
      details: { family: name, known: [...families.keys()].sort() },
      hint: 'Upgrade Cairn, or import the module that registers this family before loading',
    })
  }
  return f
}

/** Names of every registered family. */
export function listFamilies(): string[] {
  return [...families.keys()].sort()
}

/** Prefix every tensor name, for composite models that store their parts side by side. */
export function prefixTensors(prefix: string, tensors: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {}
  for (const [k, v] of Object.entries(tensors)) out[`${prefix}${k}`] = v
  return out
}

/** The tensors whose names start with `prefix`, with the prefix removed. */
export function unprefixTensors(prefix: string, tensors: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {}
  for (const [k, v] of Object.entries(tensors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v
  return out
}
