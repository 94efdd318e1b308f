import { createRequire } from 'node:module'
import { CairnError } from '../../core/index.js'

/** The parts of onnxruntime-node Cairn uses. */
export interface OrtModule {
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => OrtTensor
}
export interface OrtTensor {
  type: string
  data: ArrayLike<unknown>
  dims: readonly number[]
}

/** Metadata of one graph input or output as onnxruntime reports it. */
export interface OrtValueMetadata {
  name: string
  isTensor: boolean
  /** Element type name: float32, float64, int64, string, … */
  type?: string
  /** Dimensions; symbolic ones as strings. */
  shape?: (number | string)[]
}

/** A loaded model with a synchronous `run` (onnxruntime-node's native session runs synchronously). */
export interface OrtSession {
  inputs: OrtValueMetadata[]
  outputs: OrtValueMetadata[]
  run(feeds: Record<string, OrtTensor>): Record<string, OrtTensor>
  Tensor: OrtModule['Tensor']
}

const MODULE = 'onnxruntime-node'
const TYPES = [
  undefined,
  'float32',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'int32',
  'int64',
  'string',
  'bool',
  'float16',
  'float64',
  'uint32',
  'uint64',
]

interface NativeBinding {
  binding: {
    InferenceSession: new () => {
      loadModel(buf: ArrayBufferLike, offset: number, length: number, options: object): void
      run(
        feeds: object,
        fetches: object,
        options: object,
      ): Record<string, OrtTensor | { type: string; data: unknown; dims: number[] }>
      inputMetadata: {
        name: string
        isTensor: boolean
        type: number
        shape: number[]
        symbolicDimensions: string[]
      }[]
      outputMetadata: {
        name: string
        isTensor: boolean
        type: number
        shape: number[]
        symbolicDimensions: string[]
      }[]
    }
  }
  initOrt(): void
}

let cached: { ort: OrtModule; native: NativeBinding } | undefined

function unavailable(cause: unknown): CairnError {
  return new CairnError(
    'CAIRN_ONNX_UNAVAILABLE',
    'ONNX models need the optional package onnxruntime-node, which is not installed',
    {
      cause,
      hint: 'Install it with `npm install onnxruntime-node` (keep `onnxruntime-node-install=skip` in .npmrc so its install script downloads nothing; the CPU runtime ships inside the package)',
    },
  )
}

/**
 * Load onnxruntime-node on first use (it is an optional dependency, ~300 MB, only paid for by users
 * of ONNX). `moduleName` exists for tests of the missing-package path.
 */
export async function loadOnnxRuntime(moduleName = MODULE): Promise<void> {
  if (cached && moduleName === MODULE) return
  try {
    const ort = (await import(moduleName)) as OrtModule & { default?: OrtModule }
    const native = (await import(`${moduleName}/dist/binding.js`)) as NativeBinding & {
      default?: NativeBinding
    }
    const resolved = { ort: ort.default ?? ort, native: native.default ?? native }
    if (moduleName === MODULE) cached = resolved
  } catch (err) {
    throw unavailable(err)
  }
}

/** The runtime, loading it synchronously when `loadOnnxRuntime` has not run yet (bundle loading is synchronous). */
function runtime(): { ort: OrtModule; native: NativeBinding } {
  if (cached) return cached
  try {
    const require = createRequire(import.meta.url)
    cached = {
      ort: require(MODULE) as OrtModule,
      native: require(`${MODULE}/dist/binding.js`) as NativeBinding,
    }
    return cached
  } catch (err) {
    throw unavailable(err)
  }
}

function meta(
  m: NativeBinding['binding'] extends { InferenceSession: new () => infer S }
    ? S extends { inputMetadata: (infer M)[] }
      ? M
      : never
    : never,
): OrtValueMetadata {
  if (!m.isTensor) return { name: m.name, isTensor: false }
  return {
    name: m.name,
    isTensor: true,
    type: TYPES[m.type] ?? `type-${m.type}`,
    shape: m.shape.map((d, i) => (d === -1 ? (m.symbolicDimensions[i] ?? '?') : d)),
  }
}

/** Create a session from model bytes; an unloadable graph is CAIRN_ONNX_INVALID. */
export function createSession(bytes: Uint8Array): OrtSession {
  const { ort, native } = runtime()
  native.initOrt()
  const s = new native.binding.InferenceSession()
  try {
    s.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, {})
  } catch (err) {
    throw new CairnError(
      'CAIRN_ONNX_INVALID',
      `onnxruntime cannot load the model: ${(err as Error).message}`,
      {
        cause: err,
        hint: 'Check that the file is an ONNX model (opset supported by onnxruntime 1.30) and not truncated',
      },
    )
  }
  const outputs = s.outputMetadata.map(meta)
  const fetches = Object.fromEntries(outputs.map((o) => [o.name, null]))
  return {
    inputs: s.inputMetadata.map(meta),
    outputs,
    Tensor: ort.Tensor,
    run(feeds) {
      let raw: ReturnType<typeof s.run>
      try {
        raw = s.run(feeds, fetches, {})
      } catch (err) {
        throw new CairnError(
          'CAIRN_PREDICTION_FAILED',
          `onnxruntime failed to run the model: ${(err as Error).message}`,
          {
            cause: err,
          },
        )
      }
      const out: Record<string, OrtTensor> = {}
      for (const [k, v] of Object.entries(raw)) out[k] = v as OrtTensor
      return out
    },
  }
}
