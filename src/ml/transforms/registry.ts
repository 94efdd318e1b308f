import { CairnError } from '../../core/index.js'
import type { FittedTransform, Transformer, TransformParts } from './transform.js'

/** How one kind of transform is rebuilt from a bundle, and built from params. */
export interface TransformKind {
  readonly kind: string
  /** Rebuild a fitted transform from stored parts (data only; never runs stored code). */
  load(parts: TransformParts): FittedTransform
  /** An unfitted transform with these params. */
  create(params: Record<string, unknown>): Transformer
}

const kinds = new Map<string, TransformKind>()

/** Make a transform kind loadable from bundles and constructible from specs. */
export function registerTransformKind(kind: TransformKind): void {
  const existing = kinds.get(kind.kind)
  if (existing && existing !== kind) {
    throw new CairnError('CAIRN_CONFLICT', `Transform kind "${kind.kind}" is registered twice`)
  }
  kinds.set(kind.kind, kind)
}

/** The kind registered under `name`; CAIRN_UNKNOWN_MODEL_FAMILY when none is. */
export function getTransformKind(name: string): TransformKind {
  const k = kinds.get(name)
  if (!k) {
    throw new CairnError('CAIRN_UNKNOWN_MODEL_FAMILY', `No transform kind "${name}" is known to this Cairn`, {
      details: { kind: name, known: listTransformKinds() },
    })
  }
  return k
}

/** Names of every registered transform kind. */
export function listTransformKinds(): string[] {
  return [...kinds.keys()].sort()
}

/** A transform described as data. */
export interface TransformSpec {
  kind: string
  params: Record<string, unknown>
}

/** Build an unfitted transform from its spec. */
export function transformerFromSpec(spec: TransformSpec): Transformer {
  return getTransformKind(spec.kind).create(spec.params)
}

/** Rebuild a fitted transform from stored parts. */
export function loadTransform(parts: TransformParts): FittedTransform {
  return getTransformKind(parts.kind).load(parts)
}
