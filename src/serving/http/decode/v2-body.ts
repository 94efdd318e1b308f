import type { Signature } from '../../../ml/index.js'
import { malformed } from './native-body.js'

/** One Open Inference Protocol (KServe v2) tensor. */
export interface V2Tensor {
  name: string
  shape: number[]
  datatype: string
  data: unknown[]
  parameters?: Record<string, unknown>
}

const DATATYPES = new Set([
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
])

/**
 * Rows from a v2 inference request. Either one tensor per signature column (shape `[n]` or `[n,1]`),
 * or a single tensor of shape `[n, k]` holding the k signature columns in order.
 */
export function decodeV2Body(
  body: unknown,
  signature: Signature,
): { id: string | undefined; rows: Record<string, unknown>[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw malformed('The body must be a JSON object with an "inputs" array of tensors')
  }
  const req = body as Record<string, unknown>
  const id = typeof req.id === 'string' ? req.id : undefined
  if (!Array.isArray(req.inputs) || req.inputs.length === 0)
    throw malformed('"inputs" must be a non-empty array of tensors')
  const tensors = req.inputs.map((t, i) => checkTensor(t, i))
  const names = signature.inputs.map((s) => s.name)
  const first = tensors[0] as V2Tensor
  if (tensors.length === 1 && first.shape.length === 2 && !names.includes(first.name)) {
    const [n, k] = first.shape as [number, number]
    if (k !== names.length) {
      throw malformed(
        `Tensor "${first.name}" has ${k} columns; the model takes ${names.length} (${names.join(', ')})`,
      )
    }
    const rows: Record<string, unknown>[] = new Array(n)
    for (let r = 0; r < n; r++) {
      const row: Record<string, unknown> = {}
      for (let j = 0; j < k; j++) row[names[j] as string] = first.data[r * k + j]
      rows[r] = row
    }
    return { id, rows }
  }
  let n = -1
  for (const t of tensors) {
    const rowsOf = t.shape[0] as number
    if (t.shape.length > 2 || (t.shape.length === 2 && t.shape[1] !== 1)) {
      throw malformed(`Tensor "${t.name}" must have shape [n] or [n, 1] (one value per row)`)
    }
    if (n === -1) n = rowsOf
    else if (rowsOf !== n) throw malformed('Every input tensor must have the same number of rows')
  }
  const rows: Record<string, unknown>[] = new Array(n)
  for (let r = 0; r < n; r++) {
    const row: Record<string, unknown> = {}
    for (const t of tensors) row[t.name] = t.data[r]
    rows[r] = row
  }
  return { id, rows }
}

function checkTensor(t: unknown, i: number): V2Tensor {
  if (t === null || typeof t !== 'object' || Array.isArray(t))
    throw malformed(`inputs[${i}] must be a tensor object`)
  const o = t as Record<string, unknown>
  if (typeof o.name !== 'string' || o.name === '') throw malformed(`inputs[${i}].name must be a string`)
  if (
    !Array.isArray(o.shape) ||
    o.shape.length === 0 ||
    !o.shape.every((d) => Number.isInteger(d) && d >= 0)
  ) {
    throw malformed(`inputs[${i}].shape must be an array of non-negative integers`)
  }
  if (typeof o.datatype !== 'string' || !DATATYPES.has(o.datatype)) {
    throw malformed(`inputs[${i}].datatype must be one of ${[...DATATYPES].join(', ')}`)
  }
  if (!Array.isArray(o.data)) throw malformed(`inputs[${i}].data must be an array`)
  const data = (o.data as unknown[]).flat(Number.POSITIVE_INFINITY) as unknown[]
  const size = (o.shape as number[]).reduce((a, b) => a * b, 1)
  if (data.length !== size) {
    throw malformed(
      `inputs[${i}] ("${o.name}") has ${data.length} values; its shape [${o.shape.join(', ')}] needs ${size}`,
    )
  }
  return { name: o.name, shape: o.shape as number[], datatype: o.datatype, data }
}
