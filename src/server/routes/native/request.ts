import type { FastifyRequest } from 'fastify'
import { CairnError } from '../../../core/index.js'

/** The JSON body as an object (`fallback` when there is none). */
export function body<T>(request: FastifyRequest, fallback?: T): T {
  const b = request.body
  if (b === undefined || b === null) {
    if (fallback !== undefined) return fallback
    throw new CairnError('CAIRN_MALFORMED_BODY', 'This endpoint needs a JSON body', {
      hint: 'Send a JSON object with content-type: application/json',
    })
  }
  if (typeof b !== 'object' || Array.isArray(b))
    throw new CairnError('CAIRN_MALFORMED_BODY', 'The body must be a JSON object')
  return b as T
}

export function stringQuery(request: FastifyRequest, name: string, required: true): string
export function stringQuery(request: FastifyRequest, name: string, required?: false): string | undefined
export function stringQuery(request: FastifyRequest, name: string, required = false): string | undefined {
  const raw = (request.query as Record<string, unknown>)[name]
  const v = Array.isArray(raw) ? raw[0] : raw
  if (v === undefined || v === '') {
    if (required) throw new CairnError('CAIRN_INVALID_ARGUMENT', `The query parameter "${name}" is required`)
    return undefined
  }
  return String(v)
}

export function listQuery(request: FastifyRequest, name: string): string[] | undefined {
  const raw = (request.query as Record<string, unknown>)[name]
  if (raw === undefined) return undefined
  return (Array.isArray(raw) ? raw : [raw]).map(String)
}

export function numberQuery(request: FastifyRequest, name: string): number | undefined {
  const v = stringQuery(request, name)
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isSafeInteger(n))
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `The query parameter "${name}" must be an integer, got "${v}"`,
    )
  return n
}

/** A model version number from a path segment. */
export function versionParam(v: string): number {
  if (!/^\d+$/.test(v))
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `Invalid model version "${v}"`, {
      hint: 'Versions are whole numbers starting at 1',
    })
  return Number(v)
}
