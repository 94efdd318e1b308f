import { type ErrorCode, httpStatusFor } from './error-codes.js'

/** One problem found while validating input: data, not an exception. */
export interface ValidationIssue {
  /** A stable code, e.g. `CAIRN_MISSING_FIELD` or an expectation name. */
  code: string
  /** Where the problem is: a field path (`rows[3].age`), a column, a file:line. */
  path: string
  message: string
}

/** Options accepted by every Cairn error. */
export interface CairnErrorOptions {
  cause?: unknown
  /** Structured facts about the error, safe to send to a client. */
  details?: Record<string, unknown>
  /** What the user can do about it, shown after the message. */
  hint?: string
}

/**
 * The base of every error Cairn throws on purpose. `code` is stable and maps to an HTTP status;
 * `details` carries structured facts; `hint` says what to do next.
 */
export class CairnError extends Error {
  readonly code: ErrorCode
  readonly details: Record<string, unknown> | undefined
  readonly hint: string | undefined

  constructor(code: ErrorCode, message: string, options: CairnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'CairnError'
    this.code = code
    this.details = options.details
    this.hint = options.hint
  }

  /** The HTTP status this error is answered with. */
  get status(): number {
    return httpStatusFor(this.code)
  }

  /** A plain object for logs and API bodies. */
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown>; hint?: string } {
    return {
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
    }
  }
}

/** Input failed validation; `issues` lists every problem, not only the first. */
export class CairnValidationError extends CairnError {
  readonly issues: ValidationIssue[]

  constructor(
    message: string,
    issues: ValidationIssue[],
    options: CairnErrorOptions & { code?: ErrorCode } = {},
  ) {
    super(options.code ?? 'CAIRN_VALIDATION_FAILED', message, {
      ...options,
      details: { ...options.details, issues },
    })
    this.name = 'CairnValidationError'
    this.issues = issues
  }
}

/** True when `err` is a CairnError, optionally with the given code. */
export function isCairnError(err: unknown, code?: ErrorCode): err is CairnError {
  return err instanceof CairnError && (code === undefined || err.code === code)
}

/** Wrap anything thrown into a CairnError, keeping Cairn errors as they are. */
export function toCairnError(err: unknown, fallback: ErrorCode = 'CAIRN_INTERNAL'): CairnError {
  if (err instanceof CairnError) return err
  const message = err instanceof Error ? err.message : String(err)
  return new CairnError(fallback, message, { cause: err })
}

/** Throw a CAIRN_INVALID_ARGUMENT error unless `condition` holds. */
export function invariant(
  condition: unknown,
  message: string,
  code: ErrorCode = 'CAIRN_INVALID_ARGUMENT',
): asserts condition {
  if (!condition) throw new CairnError(code, message)
}

/** Format an error for a terminal: code, message, hint. */
export function formatError(err: unknown): string {
  if (err instanceof CairnValidationError) {
    const lines = err.issues.slice(0, 20).map((i) => `  - ${i.path}: ${i.message} [${i.code}]`)
    if (err.issues.length > 20) lines.push(`  … and ${err.issues.length - 20} more`)
    return [`${err.code}: ${err.message}`, ...lines, ...(err.hint ? [`hint: ${err.hint}`] : [])].join('\n')
  }
  if (err instanceof CairnError) return `${err.code}: ${err.message}${err.hint ? `\nhint: ${err.hint}` : ''}`
  if (err instanceof Error) return err.stack ?? err.message
  return String(err)
}
