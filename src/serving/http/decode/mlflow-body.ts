import type { Signature } from '../../../ml/index.js'
import { columnsToRows, malformed, splitToRows } from './native-body.js'

const KEYS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const
const HINT =
  'Send {"dataframe_split": {"columns": [...], "data": [[...]]}}, {"dataframe_records": [{...}]}, {"instances": [...]} or {"inputs": ...}'

/** Rows from an MLflow scoring-protocol JSON body (`/invocations`). */
export function decodeMlflowBody(body: unknown, signature: Signature): Record<string, unknown>[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw malformed(
      'The body must be a JSON object with one of dataframe_split, dataframe_records, instances, inputs',
      HINT,
    )
  }
  const obj = body as Record<string, unknown>
  const present = KEYS.filter((k) => k in obj)
  if (present.length !== 1) {
    throw malformed(
      present.length === 0
        ? 'The body has none of dataframe_split, dataframe_records, instances, inputs'
        : `The body has more than one input key (${present.join(', ')})`,
      HINT,
    )
  }
  const key = present[0] as (typeof KEYS)[number]
  const value = obj[key]
  switch (key) {
    case 'dataframe_split': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw malformed('dataframe_split must be an object {"columns": [...], "data": [[...]]}', HINT)
      }
      const split = value as Record<string, unknown>
      if (!Array.isArray(split.data)) throw malformed('dataframe_split.data must be an array of rows', HINT)
      const columns = Array.isArray(split.columns) ? split.columns : signature.inputs.map((i) => i.name)
      return splitToRows(columns, split.data, 'dataframe_split.data')
    }
    case 'dataframe_records':
      if (!Array.isArray(value)) throw malformed('dataframe_records must be an array of row objects', HINT)
      return value as Record<string, unknown>[]
    default:
      return tensorRows(value, signature, key)
  }
}

/** `instances`/`inputs`: rows as objects, rows as arrays in signature order, or `{column: [...]}`. */
function tensorRows(value: unknown, signature: Signature, key: string): Record<string, unknown>[] {
  if (Array.isArray(value)) {
    if (value.length > 0 && Array.isArray(value[0])) {
      return splitToRows(
        signature.inputs.map((i) => i.name),
        value,
        key,
      )
    }
    return value as Record<string, unknown>[]
  }
  if (value !== null && typeof value === 'object') return columnsToRows(value as Record<string, unknown>, key)
  throw malformed(`${key} must be an array of rows or an object of columns`, HINT)
}
