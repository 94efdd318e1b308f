import { CairnError, type ErrorCode } from '../../core/index.js'

/** Turn a DuckDB error into a CairnError with a stable code and the query's context. */
export function duckError(err: unknown, context: string, code: ErrorCode = 'CAIRN_INTERNAL'): CairnError {
  if (err instanceof CairnError) return err
  const raw = err instanceof Error ? err.message : String(err)
  const message = raw.split('\n')[0] ?? raw
  if (/No files found that match the pattern/i.test(raw)) {
    return new CairnError('CAIRN_SOURCE_NOT_FOUND', `${context}: ${message}`, { cause: err })
  }
  if (/Referenced column|Catalog Error: Column .*(does not exist|not found)/i.test(raw)) {
    return new CairnError('CAIRN_COLUMN_NOT_FOUND', `${context}: ${message}`, { cause: err })
  }
  if (/Catalog Error: Table with name .* does not exist/i.test(raw)) {
    return new CairnError('CAIRN_INVALID_ARGUMENT', `${context}: ${message}`, {
      cause: err,
      hint: 'Name every table the SQL reads as an input (e.g. { orders: "orders@latest" }).',
    })
  }
  if (/Conversion Error|Could not convert/i.test(raw)) {
    return new CairnError('CAIRN_TYPE_CAST_FAILED', `${context}: ${message}`, { cause: err })
  }
  if (/Parser Error|Binder Error/i.test(raw)) {
    return new CairnError('CAIRN_INVALID_ARGUMENT', `${context}: ${message}`, {
      cause: err,
      details: { duckdb: raw },
    })
  }
  return new CairnError(code, `${context}: ${message}`, { cause: err, details: { duckdb: raw } })
}
