import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { ValidationIssue } from '../../core/index.js'
import type { Signature } from '../../ml/index.js'
import { DATETIME_FORMAT, rowJsonSchema } from './json-schema.js'

/** Checks one request row against a model's signature. Compiled once per model. */
export interface RowValidator {
  /** True when the row is valid (the fast path: no allocation). */
  check(row: unknown): boolean
  /**
   * Every problem with the row that `check` just rejected, each with a stable code and a path
   * (`field`, or `prefix.field` when a prefix such as `rows[3]` is given).
   */
  issues(row: unknown, prefix?: string): ValidationIssue[]
}

let shared: Ajv | undefined

function ajv(): Ajv {
  if (shared) return shared
  shared = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false, messages: true })
  shared.addFormat(DATETIME_FORMAT, { type: 'string', validate: (s: string) => !Number.isNaN(Date.parse(s)) })
  return shared
}

/** Compile the validator for a signature (JSON Schema through ajv, all errors collected). */
export function compileRowValidator(signature: Signature): RowValidator {
  const validate: ValidateFunction = ajv().compile(rowJsonSchema(signature))
  const specs = new Map(signature.inputs.map((s) => [s.name, s]))
  return {
    check: (row) => validate(row) as boolean,
    issues(row, prefix) {
      if (validate(row)) return []
      return mapErrors(validate.errors ?? [], specs, prefix)
    },
  }
}

/** Which error to report when a field has several: a plain type error first, ranges last. */
function rank(e: ErrorObject): number {
  if (e.keyword === 'type') return e.schemaPath.includes('anyOf') ? 4 : 0
  return { format: 1, enum: 2, minimum: 3, maximum: 3 }[e.keyword] ?? 5
}

function mapErrors(
  errors: ErrorObject[],
  specs: Map<string, Signature['inputs'][number]>,
  prefix: string | undefined,
): ValidationIssue[] {
  const at = (field: string) => (prefix ? (field ? `${prefix}.${field}` : prefix) : field || '(row)')
  const missing: string[] = []
  const byField = new Map<string, ErrorObject>()
  for (const e of errors) {
    if (e.keyword === 'required') {
      missing.push(String((e.params as { missingProperty: string }).missingProperty))
      continue
    }
    const field = decodePointer(e.instancePath)
    if (field === '') {
      if (e.keyword === 'type') {
        return [{ code: 'CAIRN_NOT_AN_OBJECT', path: at(''), message: 'a row must be a JSON object' }]
      }
      continue
    }
    const top = field.split('/')[0] ?? field
    const prev = byField.get(top)
    if (!prev || rank(e) < rank(prev)) byField.set(top, e)
  }
  const out: ValidationIssue[] = []
  for (const spec of specs.values()) {
    if (missing.includes(spec.name)) {
      out.push({ code: 'CAIRN_MISSING_FIELD', path: at(spec.name), message: `"${spec.name}" is required` })
      continue
    }
    const e = byField.get(spec.name)
    if (e) out.push(issueFor(e, spec, at(spec.name)))
  }
  return out
}

function issueFor(e: ErrorObject, spec: Signature['inputs'][number], path: string): ValidationIssue {
  const expected = spec.nullable ? `${spec.type} or null` : spec.type
  switch (e.keyword) {
    case 'enum':
      return {
        code: 'CAIRN_UNKNOWN_CATEGORY',
        path,
        message: `not one of the categories the model knows (${preview(spec.categories ?? [])})`,
      }
    case 'minimum':
    case 'maximum':
      return {
        code: 'CAIRN_OUT_OF_RANGE',
        path,
        message: `must be within [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]`,
      }
    case 'format':
      return {
        code: 'CAIRN_INVALID_VALUE',
        path,
        message: 'must be a date/time (ISO-8601) or ms since the epoch',
      }
    case 'anyOf':
    case 'type':
      return { code: 'CAIRN_WRONG_TYPE', path, message: `must be ${article(expected)}` }
    default:
      return { code: 'CAIRN_INVALID_VALUE', path, message: e.message ?? 'invalid value' }
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

function preview(values: readonly string[]): string {
  const shown = values.slice(0, 10).map((v) => JSON.stringify(v))
  return values.length > 10 ? `${shown.join(', ')}, … ${values.length - 10} more` : shown.join(', ')
}

function decodePointer(pointer: string): string {
  if (pointer === '') return ''
  return pointer.slice(1).replaceAll('~1', '/').replaceAll('~0', '~')
}
