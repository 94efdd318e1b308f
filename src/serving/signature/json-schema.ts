import type { InputSpec, Signature } from '../../ml/index.js'

/** A JSON Schema object (the subset serving generates). */
export type JsonSchema = Record<string, unknown>

/** The custom ajv format that accepts anything `Date.parse` reads. */
export const DATETIME_FORMAT = 'cairn-datetime'

/** The JSON Schema of one input column's value, from its signature entry. */
export function inputJsonSchema(spec: InputSpec): JsonSchema {
  const schema = baseSchema(spec)
  if (spec.description) schema.description = spec.description
  if (!spec.nullable) return schema
  if (Array.isArray(schema.enum)) return { ...schema, type: ['string', 'null'], enum: [...schema.enum, null] }
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] }
  return { anyOf: [schema, { type: 'null' }] }
}

function baseSchema(spec: InputSpec): JsonSchema {
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const s: JsonSchema = { type: spec.type }
      if (spec.min !== undefined) s.minimum = spec.min
      if (spec.max !== undefined) s.maximum = spec.max
      return s
    }
    case 'boolean':
      return { type: 'boolean' }
    case 'category':
      if (spec.categories && spec.categories.length > 0 && spec.acceptsUnknown)
        return { type: 'string', description: `known: ${preview(spec.categories)}` }
      return spec.categories && spec.categories.length > 0
        ? { type: 'string', enum: [...spec.categories] }
        : { type: 'string' }
    case 'datetime':
      return {
        anyOf: [{ type: 'number' }, { type: 'string', format: DATETIME_FORMAT }],
        description: 'ms since the epoch or an ISO-8601 date/time',
      }
    default:
      return { type: 'string' }
  }
}

/**
 * The JSON Schema of one input row: an object with one property per signature input; inputs that
 * are not nullable are required; extra properties are allowed and ignored.
 */
export function rowJsonSchema(signature: Signature): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  for (const spec of signature.inputs) {
    properties[spec.name] = inputJsonSchema(spec)
    if (!spec.nullable) required.push(spec.name)
  }
  return { type: 'object', properties, required }
}

/** An example row built from the signature: mid-range numbers, first categories. */
export function exampleRow(signature: Signature): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  for (const spec of signature.inputs) {
    switch (spec.type) {
      case 'number':
      case 'integer': {
        const lo = spec.min ?? (spec.max !== undefined ? Math.min(0, spec.max) : 0)
        const hi = spec.max ?? Math.max(lo, 1)
        const mid = (lo + hi) / 2
        row[spec.name] = spec.type === 'integer' ? Math.round(mid) : mid
        break
      }
      case 'boolean':
        row[spec.name] = false
        break
      case 'category':
        row[spec.name] = spec.categories?.[0] ?? 'a'
        break
      case 'datetime':
        row[spec.name] = '2026-01-01T00:00:00Z'
        break
      default:
        row[spec.name] = 'text'
    }
  }
  return row
}

function preview(categories: readonly string[]): string {
  const head = categories.slice(0, 12).join(', ')
  return categories.length > 12 ? `${head}, … (${categories.length} in all)` : head
}
