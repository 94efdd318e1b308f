import { onnxLib } from './onnx-proto-lib.js'

/** ONNX tensor element types Cairn writes. */
export const ElemType = { FLOAT: 1, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const
export type ElemType = (typeof ElemType)[keyof typeof ElemType]

type Dim = number | string
type AttrValue =
  | { f: number }
  | { i: number }
  | { s: string }
  | { floats: ArrayLike<number> }
  | { ints: ArrayLike<number> }
  | { strings: readonly string[] }
  | { tensor: { type: ElemType; dims: number[]; data: Float32Array | Float64Array | BigInt64Array } }

/** Attribute helpers, typed so each value is encoded with the right ONNX attribute type. */
export const attr = {
  f: (f: number): AttrValue => ({ f }),
  i: (i: number): AttrValue => ({ i }),
  s: (s: string): AttrValue => ({ s }),
  floats: (v: ArrayLike<number>): AttrValue => ({ floats: v }),
  ints: (v: ArrayLike<number>): AttrValue => ({ ints: v }),
  strings: (v: readonly string[]): AttrValue => ({ strings: v }),
  doubles: (v: ArrayLike<number>): AttrValue => ({
    tensor: { type: ElemType.DOUBLE, dims: [v.length], data: Float64Array.from(v) },
  }),
}

function encodeAttr(name: string, v: AttrValue): Record<string, unknown> {
  const A = onnxLib().AttributeProto.AttributeType
  if ('f' in v) return { name, type: A.FLOAT, f: v.f }
  if ('i' in v) return { name, type: A.INT, i: v.i }
  if ('s' in v) return { name, type: A.STRING, s: new TextEncoder().encode(v.s) }
  if ('floats' in v) return { name, type: A.FLOATS, floats: Array.from(v.floats) }
  if ('ints' in v) return { name, type: A.INTS, ints: Array.from(v.ints) }
  if ('strings' in v)
    return { name, type: A.STRINGS, strings: v.strings.map((s) => new TextEncoder().encode(s)) }
  return { name, type: A.TENSOR, t: tensorProto('', v.tensor.type, v.tensor.dims, v.tensor.data) }
}

function tensorProto(
  name: string,
  type: ElemType,
  dims: number[],
  data: Float32Array | Float64Array | BigInt64Array,
): Record<string, unknown> {
  return {
    name,
    dataType: type,
    dims,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
  }
}

function valueInfo(name: string, type: ElemType, shape: readonly Dim[]): Record<string, unknown> {
  return {
    name,
    type: {
      tensorType: {
        elemType: type,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  }
}

/** Builds an ONNX graph node by node and serialises it as a ModelProto with onnx-proto. */
export class GraphBuilder {
  private readonly nodes: Record<string, unknown>[] = []
  private readonly initializers: Record<string, unknown>[] = []
  private readonly inputs: Record<string, unknown>[] = []
  private readonly outputs: Record<string, unknown>[] = []
  private counter = 0

  /** A fresh tensor name. */
  name(prefix: string): string {
    return `${prefix}_${this.counter++}`
  }

  input(name: string, type: ElemType, shape: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, type, shape))
    return name
  }

  output(name: string, type: ElemType, shape: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, type, shape))
  }

  /** A constant tensor (graph initializer). */
  constant(prefix: string, data: Float32Array | Float64Array | BigInt64Array, dims: number[]): string {
    const name = this.name(prefix)
    const type =
      data instanceof Float32Array
        ? ElemType.FLOAT
        : data instanceof Float64Array
          ? ElemType.DOUBLE
          : ElemType.INT64
    this.initializers.push(tensorProto(name, type, dims, data))
    return name
  }

  /** Add a node; returns its output names (fresh names unless given). */
  node(
    op: string,
    inputs: string[],
    options: { outputs?: string[] | number; attrs?: Record<string, AttrValue>; domain?: string } = {},
  ): string[] {
    const outs =
      typeof options.outputs === 'number' || options.outputs === undefined
        ? Array.from({ length: (options.outputs as number | undefined) ?? 1 }, () =>
            this.name(op.toLowerCase()),
          )
        : options.outputs
    this.nodes.push({
      opType: op,
      domain: options.domain ?? '',
      input: inputs,
      output: outs,
      name: this.name(`n_${op}`),
      attribute: Object.entries(options.attrs ?? {}).map(([k, v]) => encodeAttr(k, v)),
    })
    return outs
  }

  /** One-output node shorthand. */
  op(op: string, inputs: string[], attrs?: Record<string, AttrValue>, domain?: string): string {
    return this.node(op, inputs, { ...(attrs ? { attrs } : {}), ...(domain ? { domain } : {}) })[0]!
  }

  /** Serialise. Opsets: the default domain at 17 (20 when GELU is used) and ai.onnx.ml at 3. */
  toBytes(options: {
    graphName: string
    opset?: number
    metadata?: Record<string, string>
    docString?: string
  }): Uint8Array {
    const onnx = onnxLib()
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'cairn',
      producerVersion: '1',
      docString: options.docString ?? '',
      opsetImport: [
        { domain: '', version: options.opset ?? 17 },
        { domain: 'ai.onnx.ml', version: 3 },
      ],
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: options.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    } as never)
    return onnx.ModelProto.encode(model).finish()
  }
}
