import type { FastifyRequest } from 'fastify'
import { CairnError } from '../../../core/index.js'

export type Args = Record<string, unknown>

/** The request's parameters: the query string for GET, merged under the JSON body otherwise. */
export function args(request: FastifyRequest): Args {
  const query = (request.query ?? {}) as Args
  const body = request.body
  if (body === undefined || body === null) return query
  if (typeof body !== 'object' || Array.isArray(body))
    throw new CairnError('CAIRN_MALFORMED_BODY', 'The request body must be a JSON object')
  return { ...query, ...(body as Args) }
}

function missing(name: string): CairnError {
  return new CairnError(
    'CAIRN_INVALID_ARGUMENT',
    `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
    { details: { parameter: name } },
  )
}

function wrongType(name: string, expected: string, value: unknown): CairnError {
  return new CairnError(
    'CAIRN_INVALID_ARGUMENT',
    `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: expected ${expected}`,
    { details: { parameter: name } },
  )
}

/** A string parameter (numbers are accepted and turned into strings, as ids often arrive as numbers). */
export function str(a: Args, name: string, required: true): string
export function str(a: Args, name: string, required?: false): string | undefined
export function str(a: Args, name: string, required = false): string | undefined {
  const v = Array.isArray(a[name]) ? (a[name] as unknown[])[0] : a[name]
  if (v === undefined || v === null || v === '') {
    if (required) throw missing(name)
    return undefined
  }
  if (typeof v === 'number') return String(v)
  if (typeof v !== 'string') throw wrongType(name, 'a string', v)
  return v
}

/** The first of several names that is present (MLflow's `run_id` / `run_uuid`). */
export function strOneOf(a: Args, names: string[]): string {
  for (const n of names) {
    const v = str(a, n)
    if (v !== undefined) return v
  }
  throw missing(names[0]!)
}

/** An integer parameter (int64 may arrive as a numeric string). */
export function int(a: Args, name: string, required = false): number | undefined {
  const v = Array.isArray(a[name]) ? (a[name] as unknown[])[0] : a[name]
  if (v === undefined || v === null || v === '') {
    if (required) throw missing(name)
    return undefined
  }
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw wrongType(name, 'an integer', v)
  return n
}

export function bool(a: Args, name: string): boolean | undefined {
  const v = a[name]
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v === 'boolean') return v
  if (v === 'true' || v === 'True' || v === '1') return true
  if (v === 'false' || v === 'False' || v === '0') return false
  throw wrongType(name, 'a boolean', v)
}

/** A list of strings: a JSON array, a repeated query parameter or a single value. */
export function strList(a: Args, name: string): string[] | undefined {
  const v = a[name]
  if (v === undefined || v === null) return undefined
  const list = Array.isArray(v) ? v : [v]
  return list.map((x) => {
    if (typeof x === 'number') return String(x)
    if (typeof x !== 'string') throw wrongType(name, 'a list of strings', v)
    return x
  })
}

/** A list of `{key, value}` objects (MLflow's tags/params), turned into a record. */
export function keyValues(a: Args, name: string): Array<{ key: string; value: string }> | undefined {
  const v = a[name]
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v)) throw wrongType(name, 'a list of {key, value} objects', v)
  return v.map((x) => {
    if (x === null || typeof x !== 'object') throw wrongType(name, 'a list of {key, value} objects', v)
    const { key, value } = x as { key?: unknown; value?: unknown }
    return { key: key as string, value: (value ?? '') as string }
  })
}

export function toRecord(
  list: Array<{ key: string; value: string }> | undefined,
): Record<string, string> | undefined {
  if (!list) return undefined
  const out: Record<string, string> = {}
  for (const { key, value } of list) out[key] = value
  return out
}
