import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { CairnError, type ErrorCode, getLogger, httpStatusFor, toCairnError } from '../core/index.js'

/** MLflow's error codes and the HTTP status MLflow answers each with. */
const MLFLOW_STATUS = {
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
  INVALID_STATE: 400,
  BAD_REQUEST: 400,
  ENDPOINT_NOT_FOUND: 404,
  INTERNAL_ERROR: 500,
  TEMPORARILY_UNAVAILABLE: 503,
  NOT_IMPLEMENTED: 501,
} as const

type MlflowCode = keyof typeof MLFLOW_STATUS

/** The MLflow error code a Cairn error code is reported as on the MLflow API. */
export function mlflowErrorCode(code: ErrorCode): MlflowCode {
  if (code.endsWith('_NOT_FOUND')) return 'RESOURCE_DOES_NOT_EXIST'
  if (code.endsWith('_ALREADY_EXISTS')) return 'RESOURCE_ALREADY_EXISTS'
  if (code === 'CAIRN_INTERNAL' || code === 'CAIRN_STORE_MIGRATION_FAILED') return 'INTERNAL_ERROR'
  if (code === 'CAIRN_STORE_UNAVAILABLE' || code === 'CAIRN_TIMEOUT') return 'TEMPORARILY_UNAVAILABLE'
  if (code === 'CAIRN_NOT_IMPLEMENTED') return 'NOT_IMPLEMENTED'
  if (
    code === 'CAIRN_PAYLOAD_TOO_LARGE' ||
    code === 'CAIRN_MALFORMED_BODY' ||
    code === 'CAIRN_UNSUPPORTED_MEDIA_TYPE'
  )
    return 'BAD_REQUEST'
  return 'INVALID_PARAMETER_VALUE'
}

/** True for the MLflow-compatible API paths, which answer errors in MLflow's shape. */
export function isMlflowPath(url: string): boolean {
  return url.startsWith('/api/2.0/') || url.startsWith('/ajax-api/2.0/')
}

/** Turn Fastify's own errors (body parsing, size limit, content type) into Cairn errors. */
export function fromFastifyError(err: FastifyError): CairnError {
  const status = err.statusCode ?? 500
  if (status === 413)
    return new CairnError('CAIRN_PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts', {
      hint: 'Split the request (e.g. several log-batch calls), or start the server with a larger --body-limit',
    })
  if (status === 415)
    return new CairnError('CAIRN_UNSUPPORTED_MEDIA_TYPE', err.message, {
      hint: 'Send JSON with content-type: application/json',
    })
  if (status === 400 && err.code?.startsWith('FST_'))
    return new CairnError('CAIRN_MALFORMED_BODY', `Malformed request body: ${err.message}`, {
      hint: 'Send a JSON object with content-type: application/json',
    })
  if (status === 404) return new CairnError('CAIRN_NOT_FOUND', err.message)
  return toCairnError(err)
}

/**
 * Answer errors as `{"error_code", "message"}` with MLflow's status on the MLflow API, and as
 * `{"error": {code, message, details, hint}}` with the status of `httpStatusFor` elsewhere.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const err = error instanceof CairnError ? error : fromFastifyError(error)
    if (err.code === 'CAIRN_INTERNAL') getLogger().error({ err: error, url: request.url }, 'request failed')
    void sendError(request, reply, err)
  })
  app.setNotFoundHandler((request, reply) => {
    const err = new CairnError(
      'CAIRN_NOT_FOUND',
      `No endpoint ${request.method} ${request.url.split('?')[0]}`,
      {
        hint: 'See the API at /docs',
      },
    )
    if (isMlflowPath(request.url))
      return reply.status(404).send({ error_code: 'ENDPOINT_NOT_FOUND', message: err.message })
    return sendError(request, reply, err)
  })
}

function sendError(request: FastifyRequest, reply: FastifyReply, err: CairnError): FastifyReply {
  if (isMlflowPath(request.url)) {
    const code = mlflowErrorCode(err.code)
    const status = err.code === 'CAIRN_PAYLOAD_TOO_LARGE' ? 413 : MLFLOW_STATUS[code]
    return reply.status(status).send({ error_code: code, message: err.message })
  }
  return reply.status(httpStatusFor(err.code)).send({ error: err.toJSON() })
}
