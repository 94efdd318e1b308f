import { readFile } from 'node:fs/promises'
import { CairnError, hashBytes } from '../../core/index.js'
import { type Frame, type FrameColumn, getColumn, isNumericColumn } from '../../data/index.js'
import {
  type Bundle,
  type InputSpec,
  type Model,
  type ModelFamily,
  type PredictionResult,
  type RowPredictor,
  registerFamily,
  type Signature,
  signatureSchema,
  type Task,
  toBundle,
} from '../bundle/index.js'
import type { OnnxOutputs } from './export-common.js'
import { type OnnxLib, onnxLib } from './onnx-proto-lib.js'
import { createSession, type OrtSession, type OrtTensor, type OrtValueMetadata } from './runtime.js'

/** How frame columns become graph inputs. */
interface OnnxLayout {
  /** `columns`: one graph input per column; `matrix`: one `[N, F]` input fed from F columns in order. */
  mode: 'columns' | 'matrix'
  inputs: { name: string; type: string; rank: number }[]
  /** Matrix mode: the columns that fill the matrix, in order. */
  features: string[]
  outputs: OnnxOutputs
  producer: string
}

/** Options for importing an ONNX graph as a Cairn model. */
export interface OnnxImportOptions {
  /** The model's contract. Checked against the graph: a mismatch is CAIRN_ONNX_INVALID. Default: read from the graph. */
  signature?: Signature
  /** Matrix-input graphs: names of the F columns (default `<input>_0 … <input>_{F-1}`). */
  featureNames?: string[]
  task?: Task
  /** Class labels in probability-column order. */
  classes?: string[]
  /** Which graph outputs hold what (default: inferred from names, types and shapes). */
  outputs?: OnnxOutputs
}

/** A model held as an ONNX graph that predicts through onnxruntime-node (family `onnx`). */
export class OnnxModel implements Model {
  readonly family = 'onnx'

  constructor(
    readonly signature: Signature,
    readonly layout: OnnxLayout,
    readonly graph: Uint8Array,
    private readonly session: OrtSession,
  ) {}

  private feeds(frame: Frame): Record<string, OrtTensor> {
    const n = frame.rowCount
    const T = this.session.Tensor
    const feeds: Record<string, OrtTensor> = {}
    if (this.layout.mode === 'matrix') {
      const inp = this.layout.inputs[0]!
      const F = this.layout.features.length
      const data = inp.type === 'float64' ? new Float64Array(n * F) : new Float32Array(n * F)
      this.layout.features.forEach((name, j) => {
        const col = numericColumn(frame, name)
        for (let i = 0; i < n; i++) data[i * F + j] = col[i]!
      })
      feeds[inp.name] = new T(inp.type, data, [n, F])
      return feeds
    }
    for (const inp of this.layout.inputs) {
      const dims = inp.rank === 1 ? [n] : [n, 1]
      if (inp.type === 'string') {
        feeds[inp.name] = new T('string', stringValues(getColumn(frame, inp.name), n), dims)
        continue
      }
      const v = numericColumn(frame, inp.name)
      let data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array
      switch (inp.type) {
        case 'float32':
          data = Float32Array.from(v)
          break
        case 'float64':
          data = Float64Array.from(v)
          break
        case 'int64':
          data = BigInt64Array.from(v, (x) => BigInt(Number.isFinite(x) ? Math.trunc(x) : 0))
          break
        case 'int32':
          data = Int32Array.from(v)
          break
        case 'bool':
          data = Uint8Array.from(v, (x) => (x ? 1 : 0))
          break
        default:
          throw new CairnError(
            'CAIRN_ONNX_INVALID',
            `Graph input "${inp.name}" has unsupported type ${inp.type}`,
          )
      }
      feeds[inp.name] = new T(inp.type, data, dims)
    }
    return feeds
  }

  predict(frame: Frame): PredictionResult {
    const n = frame.rowCount
    if (n === 0)
      return {
        values: new Float64Array(0),
        ...(this.signature.output.classes ? { classes: this.signature.output.classes } : {}),
      }
    const out = this.session.run(this.feeds(frame))
    const o = this.layout.outputs
    const classes = this.signature.output.classes
    if (o.probabilities) {
      const p = out[o.probabilities]!
      const k = p.dims[p.dims.length - 1] ?? 1
      const probabilities = Float64Array.from(p.data as ArrayLike<number>)
      const values = new Float64Array(n)
      for (let i = 0; i < n; i++) {
        let best = 0
        for (let c = 1; c < k; c++) if (probabilities[i * k + c]! > probabilities[i * k + best]!) best = c
        values[i] = best
      }
      return { values, classes: classes ?? Array.from({ length: k }, (_, i) => String(i)), probabilities }
    }
    if (o.label) {
      const l = out[o.label]!
      const cls = classes ?? []
      const values = Float64Array.from(l.data as ArrayLike<unknown>, (v) => {
        const i = cls.indexOf(String(v))
        return i >= 0 ? i : Number(v)
      })
      return { values, classes: cls }
    }
    const v = out[o.value!]!
    return { values: Float64Array.from(v.data as ArrayLike<number>) }
  }

  rowPredictor(): RowPredictor {
    const names = this.signature.inputs.map((s) => s.name)
    const types = this.signature.inputs.map((s) => s.type)
    const classes = this.signature.output.classes
    const res: { value: number; label?: string; probabilities?: Float64Array } = { value: 0 }
    return {
      predict: (row) => {
        const columns: FrameColumn[] = names.map((name, j) => {
          const raw = row[name]
          if (types[j] === 'category' || types[j] === 'string' || types[j] === 'text') {
            return { name, type: 'string', values: [raw === null || raw === undefined ? null : String(raw)] }
          }
          const v = raw === null || raw === undefined || raw === '' ? Number.NaN : Number(raw)
          return { name, type: 'number', values: Float64Array.of(v) }
        })
        const p = this.predict({ rowCount: 1, columns })
        res.value = p.values[0]!
        if (classes) res.label = classes[res.value] ?? String(res.value)
        if (p.probabilities) res.probabilities = p.probabilities
        return res
      },
    }
  }
}

function numericColumn(frame: Frame, name: string): Float64Array {
  const c = getColumn(frame, name)
  if (!isNumericColumn(c)) {
    throw new CairnError(
      'CAIRN_FEATURE_MISMATCH',
      `Column "${name}" must be numeric for this ONNX model, got ${c.type}`,
    )
  }
  return c.values
}

function stringValues(c: FrameColumn, n: number): string[] {
  const out: string[] = new Array(n)
  for (let i = 0; i < n; i++) {
    if (c.type === 'category') out[i] = c.codes[i]! < 0 ? '' : (c.categories[c.codes[i]!] ?? '')
    else if (c.type === 'string' || c.type === 'text') out[i] = c.values[i] ?? ''
    else out[i] = Number.isNaN(c.values[i]!) ? '' : String(c.values[i])
  }
  return out
}

interface ParsedGraph {
  producer: string
  metadata: Record<string, string>
}

/** Decode the protobuf far enough to reject what is not an ONNX model and read its metadata. */
function parseGraph(bytes: Uint8Array): ParsedGraph {
  const onnx = onnxLib()
  let m: ReturnType<OnnxLib['ModelProto']['decode']>
  try {
    m = onnx.ModelProto.decode(bytes)
  } catch (err) {
    throw new CairnError('CAIRN_ONNX_INVALID', `Not an ONNX model: ${(err as Error).message}`, {
      cause: err,
      hint: 'Pass the .onnx file exported by PyTorch (torch.onnx.export), skl2onnx or Cairn',
    })
  }
  const g = m.graph
  if (!g?.node?.length || !g.output?.length) {
    throw new CairnError(
      'CAIRN_ONNX_INVALID',
      'Not an ONNX model: the file has no graph with nodes and outputs',
      {
        hint: 'Pass the .onnx file exported by PyTorch (torch.onnx.export), skl2onnx or Cairn',
      },
    )
  }
  const metadata: Record<string, string> = {}
  for (const p of m.metadataProps ?? []) if (p.key) metadata[p.key] = p.value ?? ''
  return { producer: `${m.producerName ?? ''} ${m.producerVersion ?? ''}`.trim(), metadata }
}

function columnType(t: string | undefined): InputSpec['type'] {
  if (t === 'string') return 'string'
  if (t === 'bool') return 'boolean'
  if (t === 'int64' || t === 'int32' || t === 'int16' || t === 'int8' || t === 'uint8') return 'integer'
  return 'number'
}

function inferOutputs(outputs: OrtValueMetadata[]): OnnxOutputs {
  const tensors = outputs.filter((o) => o.isTensor)
  if (tensors.length === 0) {
    throw new CairnError(
      'CAIRN_ONNX_INVALID',
      'The graph has no tensor outputs (maps/sequences such as ZipMap are not supported)',
      {
        hint: 'Export classifiers without ZipMap (skl2onnx: options={id(model): {"zipmap": False}})',
      },
    )
  }
  const isFloat = (o: OrtValueMetadata) => o.type === 'float32' || o.type === 'float64'
  const last = (o: OrtValueMetadata) => o.shape?.[o.shape.length - 1]
  const probabilities = tensors.find(
    (o) =>
      isFloat(o) &&
      (o.shape?.length ?? 0) === 2 &&
      (/prob/i.test(o.name) || (typeof last(o) === 'number' && (last(o) as number) > 1)),
  )
  const label = tensors.find(
    (o) => (o.type === 'int64' || o.type === 'string' || o.type === 'int32') && (o.shape?.length ?? 0) <= 2,
  )
  if (probabilities || label)
    return {
      ...(probabilities ? { probabilities: probabilities.name } : {}),
      ...(label ? { label: label.name } : {}),
    }
  const value = tensors.find(isFloat) ?? tensors[0]!
  return { value: value.name }
}

/**
 * Wrap an ONNX graph as a Cairn model. The signature is read from the graph (or from Cairn's own
 * metadata in graphs Cairn exported); a given signature must match the graph's inputs.
 */
export function importOnnx(bytes: Uint8Array, options: OnnxImportOptions = {}): OnnxModel {
  const parsed = parseGraph(bytes)
  const session = createSession(bytes)
  const graphInputs = session.inputs
  if (graphInputs.some((i) => !i.isTensor)) {
    throw new CairnError('CAIRN_ONNX_INVALID', 'Graph inputs must be tensors')
  }
  const rank = (i: OrtValueMetadata) => i.shape?.length ?? 0
  const columnLike = graphInputs.every((i) => rank(i) === 1 || (rank(i) === 2 && i.shape![1] === 1))
  let mode: OnnxLayout['mode']
  let features: string[] = []
  if (columnLike && !(graphInputs.length === 1 && options.featureNames && options.featureNames.length !== 1))
    mode = 'columns'
  else if (
    graphInputs.length === 1 &&
    rank(graphInputs[0]!) === 2 &&
    typeof graphInputs[0]!.shape![1] === 'number'
  ) {
    mode = 'matrix'
    const F = graphInputs[0]!.shape![1] as number
    const name = graphInputs[0]!.name
    features = options.featureNames ?? Array.from({ length: F }, (_, i) => `${name}_${i}`)
    if (features.length !== F) {
      throw new CairnError(
        'CAIRN_ONNX_INVALID',
        `featureNames has ${features.length} names but the graph input "${name}" has ${F} columns`,
      )
    }
  } else {
    throw new CairnError(
      'CAIRN_ONNX_INVALID',
      'Unsupported graph inputs: expected one [N, F] tensor or one [N, 1] tensor per column',
      {
        details: { inputs: graphInputs },
      },
    )
  }
  let embedded: Signature | undefined
  if (parsed.metadata['cairn.signature']) {
    const s = signatureSchema.safeParse(JSON.parse(parsed.metadata['cairn.signature']))
    if (s.success) embedded = s.data as Signature
  }
  const outputs: OnnxOutputs =
    options.outputs ??
    (parsed.metadata['cairn.outputs']
      ? (JSON.parse(parsed.metadata['cairn.outputs']) as OnnxOutputs)
      : inferOutputs(session.outputs))
  for (const name of Object.values(outputs)) {
    if (!session.outputs.some((o) => o.name === name)) {
      throw new CairnError('CAIRN_ONNX_INVALID', `The graph has no output "${name}"`, {
        details: { outputs: session.outputs.map((o) => o.name) },
      })
    }
  }
  const graphSpecs: InputSpec[] =
    mode === 'columns'
      ? graphInputs.map((i) => ({
          name: i.name,
          type: columnType(i.type),
          nullable: i.type === 'float32' || i.type === 'float64' || i.type === 'string',
        }))
      : features.map((name) => ({ name, type: 'number', nullable: true }))
  const signature = options.signature ?? embedded ?? defaultSignature(graphSpecs, outputs, session, options)
  checkSignature(signature, graphSpecs, mode)
  return new OnnxModel(
    signature,
    {
      mode,
      inputs: graphInputs.map((i) => ({ name: i.name, type: i.type ?? 'float32', rank: rank(i) })),
      features,
      outputs,
      producer: parsed.producer,
    },
    bytes,
    session,
  )
}

function defaultSignature(
  inputs: InputSpec[],
  outputs: OnnxOutputs,
  session: OrtSession,
  options: OnnxImportOptions,
): Signature {
  if (!outputs.probabilities && !outputs.label)
    return { inputs, output: { task: options.task ?? 'regression', name: outputs.value ?? 'variable' } }
  let k = 2
  if (outputs.probabilities) {
    const last = session.outputs.find((o) => o.name === outputs.probabilities)?.shape?.at(-1)
    if (typeof last === 'number') k = last
  }
  const classes = options.classes ?? Array.from({ length: k }, (_, i) => String(i))
  return {
    inputs,
    output: {
      task: options.task ?? (classes.length === 2 ? 'binary' : 'multiclass'),
      name: outputs.label ?? 'label',
      classes,
    },
  }
}

function checkSignature(signature: Signature, graph: InputSpec[], mode: OnnxLayout['mode']): void {
  const problems: string[] = []
  const want = new Map(graph.map((g) => [g.name, g]))
  const have = new Set(signature.inputs.map((s) => s.name))
  for (const g of graph)
    if (!have.has(g.name))
      problems.push(`the graph needs input "${g.name}", the signature does not declare it`)
  for (const s of signature.inputs) {
    const g = want.get(s.name)
    if (!g) {
      problems.push(`the signature declares "${s.name}", the graph has no such input`)
      continue
    }
    const textual = (t: string) => t === 'string' || t === 'category' || t === 'text'
    if (textual(g.type) !== textual(s.type))
      problems.push(`"${s.name}" is ${s.type} in the signature but ${g.type} in the graph`)
  }
  if (mode === 'matrix' && signature.inputs.length !== graph.length) {
    problems.push(
      `the graph takes ${graph.length} columns, the signature declares ${signature.inputs.length}`,
    )
  }
  if (problems.length) {
    throw new CairnError(
      'CAIRN_ONNX_INVALID',
      `The ONNX graph does not match the declared signature: ${problems.join('; ')}`,
      {
        details: { problems, graphInputs: graph },
        hint: 'Declare the inputs the graph expects (names and types), or omit the signature to read it from the graph',
      },
    )
  }
}

/** Read an .onnx file and import it. */
export async function importOnnxFile(path: string, options: OnnxImportOptions = {}): Promise<OnnxModel> {
  return importOnnx(new Uint8Array(await readFile(path)), options)
}

/**
 * An ONNX graph as a Cairn bundle, ready to register as a model version: family `onnx`, the graph
 * bytes as the weights, lineage recording the producer and the graph's hash.
 */
export function onnxBundle(
  model: OnnxModel,
  info: { metrics?: Record<string, number>; lineage?: Record<string, unknown> } = {},
): Bundle {
  return toBundle(model, {
    ...(info.metrics ? { metrics: info.metrics } : {}),
    lineage: {
      source: 'onnx',
      producer: model.layout.producer,
      graphSha256: hashBytes(model.graph),
      ...info.lineage,
    },
  })
}

/** Bundle format of imported ONNX models: the layout in JSON, the graph bytes as the `graph` tensor. */
export const onnxFamily: ModelFamily<OnnxModel> = {
  name: 'onnx',
  save: (m) => ({
    hyperparameters: {},
    signature: m.signature,
    state: m.layout,
    tensors: { graph: m.graph },
  }),
  load: (parts) => {
    const graph = parts.tensors.graph
    if (!(graph instanceof Uint8Array))
      throw new CairnError('CAIRN_BUNDLE_INVALID', 'An onnx bundle needs a u8 "graph" tensor')
    const bytes = Uint8Array.from(graph)
    parseGraph(bytes)
    return new OnnxModel(parts.signature, parts.state as OnnxLayout, bytes, createSession(bytes))
  },
}
registerFamily(onnxFamily)
