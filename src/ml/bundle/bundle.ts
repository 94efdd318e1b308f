import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CairnError, cairnVersion, hashBytes, stableStringify, writeFileAtomic } from '../../core/index.js'
import type { ArtifactStore } from '../../store/index.js'
import { joinArtifactPath } from '../../store/index.js'
import { getFamily, type Tensor } from './family.js'
import {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  type BundleManifest,
  MANIFEST_FILE,
  manifestSchema,
  type TensorDtype,
  type TensorRef,
  WEIGHTS_FILE,
} from './manifest.js'
import type { Model } from './model.js'

/** A model bundle in memory: the manifest and the weights bytes. */
export interface Bundle {
  manifest: BundleManifest
  weights: Uint8Array
}

export interface BundleInfo {
  /** Training/evaluation metrics to record with the model. */
  metrics?: Record<string, number>
  /** Where the model came from: run id, dataset versions, git commit… */
  lineage?: Record<string, unknown>
}

const ctors: Record<
  TensorDtype,
  { new (buf: ArrayBuffer, off: number, len: number): Tensor; BYTES_PER_ELEMENT: number }
> = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
}

function dtypeOf(t: Tensor): TensorDtype {
  if (t instanceof Float64Array) return 'f64'
  if (t instanceof Float32Array) return 'f32'
  if (t instanceof Int32Array) return 'i32'
  if (t instanceof Uint32Array) return 'u32'
  if (t instanceof Int16Array) return 'i16'
  if (t instanceof Uint16Array) return 'u16'
  if (t instanceof Int8Array) return 'i8'
  return 'u8'
}

/**
 * Take a fitted model apart into a bundle. The bytes depend only on the model, metrics and
 * lineage given (no timestamps), so the same fit gives the same bundle.
 */
export function toBundle(model: Model, info: BundleInfo = {}): Bundle {
  const parts = getFamily(model.family).save(model)
  const names = Object.keys(parts.tensors).sort()
  const refs: TensorRef[] = []
  let size = 0
  for (const name of names) {
    const t = parts.tensors[name] as Tensor
    size = align8(size)
    refs.push({ name, dtype: dtypeOf(t), offset: size, length: t.length })
    size += t.byteLength
  }
  const weights = new Uint8Array(size)
  for (const [i, name] of names.entries()) {
    const t = parts.tensors[name] as Tensor
    weights.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), (refs[i] as TensorRef).offset)
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    family: model.family,
    hyperparameters: parts.hyperparameters,
    signature: parts.signature,
    state: parts.state,
    tensors: refs,
    weights: { file: WEIGHTS_FILE, size, sha256: hashBytes(weights) },
    metrics: info.metrics ?? {},
    lineage: info.lineage ?? {},
    library: { name: 'cairn', version: cairnVersion() },
  }
  return { manifest, weights }
}

/** Check a manifest (parsed JSON) and weights, and rebuild the model through its family. */
export function fromBundle(manifestJson: unknown, weights: Uint8Array): Model {
  const manifest = parseManifest(manifestJson)
  if (weights.byteLength !== manifest.weights.size || hashBytes(weights) !== manifest.weights.sha256) {
    throw new CairnError(
      'CAIRN_BUNDLE_INVALID',
      'The weights file does not match the manifest (size or sha256 differ)',
      {
        details: { expectedSize: manifest.weights.size, actualSize: weights.byteLength },
      },
    )
  }
  const aligned = new ArrayBuffer(weights.byteLength)
  new Uint8Array(aligned).set(weights)
  const tensors: Record<string, Tensor> = {}
  for (const ref of manifest.tensors) {
    const Ctor = ctors[ref.dtype]
    const end = ref.offset + ref.length * Ctor.BYTES_PER_ELEMENT
    if (ref.offset % 8 !== 0 || end > aligned.byteLength) {
      throw new CairnError('CAIRN_BUNDLE_INVALID', `Tensor "${ref.name}" lies outside the weights file`)
    }
    tensors[ref.name] = new Ctor(aligned, ref.offset, ref.length)
  }
  try {
    return getFamily(manifest.family).load({
      hyperparameters: manifest.hyperparameters,
      signature: manifest.signature,
      state: manifest.state,
      tensors,
    })
  } catch (err) {
    if (err instanceof CairnError) throw err
    throw new CairnError(
      'CAIRN_BUNDLE_INVALID',
      `The ${manifest.family} bundle is malformed: ${(err as Error).message}`,
      {
        cause: err,
      },
    )
  }
}

/** Validate a manifest object; CAIRN_BUNDLE_INVALID lists what is wrong. */
export function parseManifest(json: unknown): BundleManifest {
  const parsed = manifestSchema.safeParse(json)
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new CairnError('CAIRN_BUNDLE_INVALID', `Not a valid Cairn model manifest: ${issues.join('; ')}`, {
      details: { issues },
    })
  }
  return parsed.data
}

/** The manifest as stable, indented JSON (same model → same bytes). */
export function manifestText(manifest: BundleManifest): string {
  return `${stableStringify(manifest, 2)}\n`
}

/** Write a bundle to a local folder (manifest.json + weights.bin, each atomically; weights first). */
export async function writeBundleDir(dir: string, bundle: Bundle): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFileAtomic(join(dir, WEIGHTS_FILE), bundle.weights)
  await writeFileAtomic(join(dir, MANIFEST_FILE), manifestText(bundle.manifest))
}

/** Read a bundle folder and rebuild its model. */
export async function readBundleDir(dir: string): Promise<{ model: Model; manifest: BundleManifest }> {
  const manifestRaw = await readFile(join(dir, MANIFEST_FILE), 'utf8').catch((err) => {
    throw new CairnError('CAIRN_BUNDLE_INVALID', `No ${MANIFEST_FILE} in ${dir}`, { cause: err })
  })
  const weights = await readFile(join(dir, WEIGHTS_FILE)).catch((err) => {
    throw new CairnError('CAIRN_BUNDLE_INVALID', `No ${WEIGHTS_FILE} in ${dir}`, { cause: err })
  })
  const json = parseJson(manifestRaw, join(dir, MANIFEST_FILE))
  return { model: fromBundle(json, weights), manifest: parseManifest(json) }
}

/** Write a bundle under `prefix` in an artifact store (weights first, so a manifest never points at nothing). */
export async function writeBundleToStore(
  store: ArtifactStore,
  prefix: string,
  bundle: Bundle,
): Promise<void> {
  await store.put(joinArtifactPath(prefix, WEIGHTS_FILE), bundle.weights)
  await store.put(joinArtifactPath(prefix, MANIFEST_FILE), manifestText(bundle.manifest))
}

/** Read a bundle from an artifact store and rebuild its model. */
export async function readBundleFromStore(
  store: ArtifactStore,
  prefix: string,
): Promise<{ model: Model; manifest: BundleManifest }> {
  const raw = await store.get(joinArtifactPath(prefix, MANIFEST_FILE)).catch((err) => {
    throw new CairnError('CAIRN_BUNDLE_INVALID', `No model bundle at "${prefix}" in ${store.uri}`, {
      cause: err,
    })
  })
  const json = parseJson(raw.toString('utf8'), `${prefix}/${MANIFEST_FILE}`)
  const weights = await store.get(joinArtifactPath(prefix, WEIGHTS_FILE))
  return { model: fromBundle(json, weights), manifest: parseManifest(json) }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new CairnError('CAIRN_BUNDLE_INVALID', `${where} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    })
  }
}

function align8(n: number): number {
  return (n + 7) & ~7
}
