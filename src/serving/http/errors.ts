import type { FastifyError } from 'fastify'
import { CairnError, CairnValidationError, getLogger, shortId } from '../../core/index.js'

/** The answer shapes of each protocol. */
export type Protocol = 'native' | 'mlflow' | 'v2' | 'ops'

const log = getLogger('serving')

/** Turn anything thrown while answering into a CairnError with the right code. */
export function toServingError(err: unknown): CairnError {
  if (err instanceof CairnError) return err
  const fe = err as Partial<FastifyError>
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new CairnError('CAIRN_PAYLOAD_TOO_LARGE', 'The request body is over the size limit', {
        hint: 'Send smaller batches, or raise --body-limit',
      })
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new CairnError('CAIRN_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type', {
        hint: 'Send Content-Type: application/json (or text/csv to /invocations)',
      })
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new CairnError('CAIRN_MALFORMED_BODY', 'The JSON body is empty')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new CairnError('CAIRN_MALFORMED_BODY', 'The body is not valid JSON')
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new CairnError('CAIRN_MALFORMED_BODY', 'Content-Length does not match the body')
    case 'FST_ERR_CTP_EMPTY_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new CairnError('CAIRN_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type')
    default:
      break
  }
  if (
    err instanceof SyntaxError ||
    (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500)
  ) {
    const code =
      fe.statusCode === 413
        ? 'CAIRN_PAYLOAD_TOO_LARGE'
        : fe.statusCode === 415
          ? 'CAIRN_UNSUPPORTED_MEDIA_TYPE'
          : 'CAIRN_MALFORMED_BODY'
    return new CairnError(code, (err as Error).message || 'Bad request')
  }
  const errorId = shortId(6)
  log.error({ err, errorId }, 'unexpected error while answering')
  return new CairnError('CAIRN_INTERNAL', 'Internal server error', {
    cause: err,
    details: { errorId },
    hint: `Quote error id ${errorId} when reporting this`,
  })
}

/** The error body in a protocol's shape (native: `{error: {code, message, …}}`). */
export function errorBody(e: CairnError, protocol: Protocol): Record<string, unknown> {
  const issues = e instanceof CairnValidationError ? e.issues : undefined
  const details = e.details ? { ...e.details } : undefined
  if (details && issues) delete details.issues
  switch (protocol) {
    case 'mlflow':
      return {
        error_code: e.status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST',
        message: e.message,
        code: e.code,
        ...(issues ? { issues } : {}),
        ...(details ? { details } : {}),
        ...(e.hint ? { hint: e.hint } : {}),
      }
    case 'v2':
      return {
        error: e.message,
        code: e.code,
        ...(issues ? { issues } : {}),
        ...(details ? { details } : {}),
      }
    default:
      return {
        error: {
          code: e.code,
          message: e.message,
          ...(issues ? { issues } : {}),
          ...(details ? { details } : {}),
          ...(e.hint ? { hint: e.hint } : {}),
        },
      }
  }
}

/**
 * The raw HTTP answer to an error Node raises on a connection before a request reaches the
 * routes (`clientError`): a request not received in full within the request timeout gets 408 in
 * Cairn's error shape (CAIRN_REQUEST_TIMEOUT); header overflow (431) and other malformed requests
 * (400) are answered as Fastify answers them.
 */
export function clientErrorAnswer(
  err: Error & { code?: string },
  requestTimeoutMs: number,
): { status: number; code?: string; raw: string } {
  let status: number
  let reason: string
  let body: string
  let code: string | undefined
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    const e = new CairnError(
      'CAIRN_REQUEST_TIMEOUT',
      `The request was not received in full within ${requestTimeoutMs / 1000} s`,
      {
        details: { requestTimeoutSeconds: requestTimeoutMs / 1000 },
        hint: 'Send the whole request within the limit, or start the server with a longer --request-timeout',
      },
    )
    status = e.status
    code = e.code
    reason = 'Request Timeout'
    body = JSON.stringify(errorBody(e, 'native'))
  } else if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431
    reason = 'Request Header Fields Too Large'
    body =
      '{"error":"Request Header Fields Too Large","message":"Exceeded maximum allowed HTTP header size","statusCode":431}'
  } else {
    status = 400
    reason = 'Bad Request'
    body = '{"error":"Bad Request","message":"Client Error","statusCode":400}'
  }
  const raw = `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`
  return { status, ...(code ? { code } : {}), raw }
}
