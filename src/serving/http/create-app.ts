import { performance } from 'node:perf_hooks'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { CairnError, cairnVersion, getLogger, type Logger } from '../../core/index.js'
import type { MetadataStore } from '../../store/index.js'
import { parseFeedback, recordFeedback } from '../log/feedback.js'
import type { PredictionLog } from '../log/prediction-log.js'
import type { ServingMetrics } from '../metrics/serving-metrics.js'
import type { Deployment } from '../models/deployment.js'
import type { ServedModels } from '../models/served-models.js'
import {
  type AnswerContext,
  answerBatch,
  answerRow,
  type BatchAnswer,
  countFailure,
  type Route,
  type RowAnswer,
} from '../predict/answer.js'
import type { PredictionIds } from '../predict/prediction-ids.js'
import type { PredictAccessLine } from './access-logger.js'
import { decodeCsv } from './decode/csv-body.js'
import { decodeMlflowBody } from './decode/mlflow-body.js'
import { decodeNativeBody, isColumnar } from './decode/native-body.js'
import { decodeV2Body } from './decode/v2-body.js'
import { clientErrorAnswer, errorBody, type Protocol, toServingError } from './errors.js'
import { mlflowJson, nativeBatchJson, nativeRowJson, v2Json } from './format.js'
import { servingOpenApi } from './openapi.js'

/** Settings of the serving HTTP app. */
export interface ServingAppOptions {
  models: ServedModels
  metrics: ServingMetrics
  ids: PredictionIds
  predictionLog?: PredictionLog | undefined
  /** Where feedback labels are stored (the metadata store of the prediction log). */
  feedbackStore?: MetadataStore | undefined
  /** Check feedback ids against the log table (default true; off when the log goes to Parquet). */
  verifyFeedbackIds?: boolean
  /** Largest request body in bytes (default 16 MiB); larger bodies get 413. */
  bodyLimit?: number
  /** Most rows per request (default 10,000); more get 413. */
  maxBatchRows?: number
  /** Time allowed to receive a whole request (default 30 s). */
  requestTimeoutMs?: number
  /** Keep-alive idle timeout (default 72 s, above common load-balancer timeouts). */
  keepAliveTimeoutMs?: number
  /** Access log lines: every request, only failures, or none (default `all`). */
  accessLog?: 'all' | 'errors' | 'off'
  logger?: Logger
  /** Where access lines go (default: a child of `logger` with `log: "access"`). */
  accessLogger?: Logger
  /** Writes prediction requests' success lines for `accessLogger` faster (must write the same lines). */
  predictAccessLine?: PredictAccessLine
  /** Serve OpenAPI and Swagger UI at /docs (default true). */
  docs?: boolean
  /** The /metrics text (cluster mode passes the primary's aggregate); default: this process's registry. */
  metricsText?: () => Promise<string>
  /** True while the server drains for shutdown (/ready answers 503). */
  draining?: () => boolean
  /** Called when feedback names ids not yet in the log (cluster mode waits for other workers' flush). */
  awaitLogged?: () => Promise<void>
}

declare module 'fastify' {
  interface FastifyRequest {
    t0: number
  }
  interface FastifyContextConfig {
    protocol?: Protocol
    route?: Route
  }
}

const JSON_TYPE = 'application/json; charset=utf-8'
const UNKNOWN = '(unknown)'

/** Build the serving Fastify app: native, MLflow and KServe v2 routes, feedback, operations and docs. */
export async function createServingApp(o: ServingAppOptions): Promise<FastifyInstance> {
  const models = o.models
  const metrics = o.metrics
  const ids = o.ids
  const ctx: AnswerContext = { metrics, ids, maxBatchRows: o.maxBatchRows ?? 10_000 }
  const access = o.accessLog ?? 'all'
  const accessLog = o.accessLogger ?? (o.logger ? o.logger.child({ log: 'access' }) : getLogger('access'))
  const fastLine = o.accessLogger !== undefined ? o.predictAccessLine : undefined
  const scratch: RowAnswer = {
    model: undefined as never,
    variant: 0,
    seq: 0,
    value: 0,
    probabilities: undefined,
    pending: undefined,
  }
  const draining = o.draining ?? (() => false)
  const requestTimeout = o.requestTimeoutMs ?? 30_000

  const app = Fastify({
    logger: false,
    bodyLimit: o.bodyLimit ?? 16 * 1024 * 1024,
    requestTimeout,
    // Node 20 lets requestTimeout pass unenforced while headersTimeout (60 s) is longer, and checks
    // only every 30 s unless told to check more often.
    http: {
      requestTimeout,
      headersTimeout: Math.min(60_000, requestTimeout),
      connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(requestTimeout / 4))),
    },
    keepAliveTimeout: o.keepAliveTimeoutMs ?? 72_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    clientErrorHandler(err, socket) {
      if (err.code === 'ECONNRESET' || socket.destroyed) return
      const answer = clientErrorAnswer(err, requestTimeout)
      if (access !== 'off' && answer.code !== undefined)
        accessLog.info({ status: answer.status, code: answer.code, remote: socket.remoteAddress })
      if (socket.writable) socket.write(answer.raw)
      socket.destroy(err)
    },
  })
  app.decorateRequest('t0', 0)

  function logAccess(
    req: FastifyRequest,
    status: number,
    model: string | undefined,
    version: string | undefined,
    variant: number,
    rows: number,
  ): void {
    const ms = Math.round((performance.now() - req.t0) * 1000) / 1000
    const variantName = variant === 0 ? 'champion' : 'canary'
    if (fastLine !== undefined && status === 200 && model !== undefined && version !== undefined) {
      fastLine(req.method, req.url, ms, model, version, variantName, rows)
      return
    }
    accessLog.info({
      method: req.method,
      url: req.url,
      status,
      ms,
      model,
      version,
      variant: variantName,
      rows,
    })
  }

  app.setErrorHandler((err, req, reply) => {
    const e = toServingError(err)
    const config = req.routeOptions.config
    const protocol: Protocol = config?.protocol ?? 'native'
    const route = config?.route
    if (route !== undefined) {
      const name = modelNameOf(req, route)
      const d = name === undefined ? undefined : models.get(name)
      const modelLabel = d ? d.name : UNKNOWN
      const version = d ? d.champion.version : ''
      countFailure(
        metrics,
        modelLabel,
        version,
        route,
        e.status,
        req.t0 ? (performance.now() - req.t0) / 1000 : undefined,
      )
    }
    if (access !== 'off') {
      const level = e.status >= 500 ? 'error' : 'info'
      accessLog[level]({
        method: req.method,
        url: req.url,
        status: e.status,
        ms: req.t0 ? Math.round((performance.now() - req.t0) * 1000) / 1000 : undefined,
        code: e.code,
        errorId: e.details?.errorId,
      })
    }
    reply
      .status(e.status)
      .header('content-type', JSON_TYPE)
      .send(JSON.stringify(errorBody(e, protocol)))
  })

  app.setNotFoundHandler((req, reply) => {
    const e = new CairnError('CAIRN_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`, {
      hint: 'See /docs for the routes this server answers',
    })
    if (access === 'all') accessLog.info({ method: req.method, url: req.url, status: 404 })
    reply
      .status(404)
      .header('content-type', JSON_TYPE)
      .send(JSON.stringify(errorBody(e, 'native')))
  })

  function modelOr404(name: string): Deployment {
    const d = models.get(name)
    if (d !== undefined) return d
    if (!models.ready) {
      throw new CairnError('CAIRN_MODEL_NOT_LOADED', 'The models are still loading', {
        hint: 'Retry when GET /ready answers 200',
      })
    }
    throw new CairnError('CAIRN_MODEL_NOT_FOUND', `This server does not serve a model named "${name}"`, {
      details: { served: models.list().map((x) => x.name) },
      hint: 'GET /v1/models lists the models served here',
    })
  }

  function sticky(d: Deployment, req: FastifyRequest): string | undefined {
    const h = d.stickyHeader
    if (h === undefined) return undefined
    const v = req.headers[h]
    return Array.isArray(v) ? v[0] : v
  }

  function sendBatch(
    reply: FastifyReply,
    req: FastifyRequest,
    a: BatchAnswer,
    body: string | Record<string, unknown>,
  ): FastifyReply | Promise<FastifyReply> {
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    if (access === 'all') logAccess(req, 200, a.model.name, a.model.version, a.variant, a.rowCount)
    if (a.pending !== undefined)
      return a.pending.then(() => reply.header('content-type', JSON_TYPE).send(text))
    return reply.header('content-type', JSON_TYPE).send(text)
  }

  // Prediction routes: request start time stamped on arrival; access lines written by the handlers.
  await app.register(async (scope) => {
    scope.removeContentTypeParser('text/plain')
    scope.addHook('onRequest', (req, _reply, done) => {
      req.t0 = performance.now()
      done()
    })

    scope.post<{ Params: { name: string } }>(
      '/v1/models/:name/predict',
      { config: { protocol: 'native', route: 'native' } },
      (req, reply) => {
        const d = modelOr404(req.params.name)
        const body = req.body as Record<string, unknown>
        if (body !== null && typeof body === 'object' && !Array.isArray(body) && !isColumnar(body)) {
          const a = answerRow(
            ctx,
            d,
            body,
            req.t0,
            'native',
            d.stickyHeader === undefined ? undefined : sticky(d, req),
            scratch,
          )
          const json = nativeRowJson(a, ids)
          if (access === 'all') logAccess(req, 200, a.model.name, a.model.version, a.variant, 1)
          if (a.pending !== undefined)
            return a.pending.then(() => reply.header('content-type', JSON_TYPE).send(json))
          return reply.header('content-type', JSON_TYPE).send(json)
        }
        const { rows } = decodeNativeBody(body)
        const a = answerBatch(ctx, d, rows, req.t0, 'native', sticky(d, req))
        return sendBatch(reply, req, a, nativeBatchJson(a, ids))
      },
    )

    scope.post<{ Params: { name: string } }>(
      '/v2/models/:name/infer',
      { config: { protocol: 'v2', route: 'v2' } },
      (req, reply) => {
        const d = modelOr404(req.params.name)
        const { id, rows } = decodeV2Body(req.body, d.champion.signature)
        const a = answerBatch(ctx, d, rows, req.t0, 'v2', sticky(d, req))
        return sendBatch(reply, req, a, v2Json(a, ids, id))
      },
    )

    await scope.register(async (mlflow) => {
      mlflow.addContentTypeParser(
        ['text/csv', 'application/csv'],
        { parseAs: 'string' },
        (_req, body, done) => {
          done(null, body)
        },
      )
      mlflow.post('/invocations', { config: { protocol: 'mlflow', route: 'mlflow' } }, (req, reply) => {
        const d = models.default
        if (d === undefined) throw new CairnError('CAIRN_MODEL_NOT_LOADED', 'No model has loaded yet')
        const rows =
          typeof req.body === 'string'
            ? decodeCsv(req.body, d.champion.signature)
            : decodeMlflowBody(req.body, d.champion.signature)
        const a = answerBatch(ctx, d, rows, req.t0, 'mlflow', sticky(d, req))
        return sendBatch(reply, req, a, mlflowJson(a, ids))
      })
    })
  })

  // Everything else: one access line per request from an onResponse hook.
  await app.register(async (scope) => {
    scope.addHook('onRequest', (req, _reply, done) => {
      req.t0 = performance.now()
      done()
    })
    if (access === 'all') {
      scope.addHook('onResponse', (req, reply, done) => {
        if (reply.statusCode < 400) {
          accessLog.info({
            method: req.method,
            url: req.url,
            status: reply.statusCode,
            ms: Math.round((performance.now() - req.t0) * 1000) / 1000,
          })
        }
        done()
      })
    }

    scope.get('/health', async () => ({ status: 'ok', version: cairnVersion() }))
    scope.get('/ready', async (_req, reply) => {
      const ready = models.ready && !draining()
      reply.status(ready ? 200 : 503)
      return {
        ready,
        draining: draining(),
        models: models.list().map((d) => ({ name: d.name, version: d.champion.version })),
        ...(models.problems.length > 0 ? { problems: models.problems } : {}),
      }
    })
    scope.get('/metrics', async (_req, reply) => {
      const text = o.metricsText ? await o.metricsText() : await metrics.registry.metrics()
      reply.header('content-type', metrics.registry.contentType)
      return text
    })
    scope.get('/ping', async (_req, reply) => {
      reply.status(models.ready ? 200 : 503).header('content-type', 'text/plain; charset=utf-8')
      return '\n'
    })
    scope.get('/version', async (_req, reply) => {
      reply.header('content-type', 'text/plain; charset=utf-8')
      return cairnVersion()
    })

    scope.get('/v1/models', async () => ({ models: models.list().map(describe) }))
    scope.get<{ Params: { name: string } }>('/v1/models/:name', async (req) =>
      describe(modelOr404(req.params.name)),
    )

    scope.post('/v1/feedback', async (req) => {
      const store = o.feedbackStore
      if (!store) {
        throw new CairnError(
          'CAIRN_NOT_IMPLEMENTED',
          'This server keeps no prediction log, so it takes no feedback',
          {
            hint: 'Start cairn serve with the prediction log on (the default) to accept feedback',
          },
        )
      }
      const items = parseFeedback(req.body)
      const known = (id: string) => ids.issued(id)
      try {
        const r = await recordFeedback(store, items, {
          alsoKnown: known,
          verify: o.verifyFeedbackIds !== false,
        })
        metrics.feedback.cell().value += r.accepted
        return r
      } catch (err) {
        if (!(err instanceof CairnError) || err.code !== 'CAIRN_PREDICTION_NOT_FOUND' || !o.awaitLogged)
          throw err
        await o.awaitLogged()
        const r = await recordFeedback(store, items, {
          alsoKnown: known,
          verify: o.verifyFeedbackIds !== false,
        })
        metrics.feedback.cell().value += r.accepted
        return r
      }
    })

    // KServe / Open Inference Protocol v2 metadata and health
    scope.get('/v2', { config: { protocol: 'v2' } }, async () => ({
      name: 'cairn',
      version: cairnVersion(),
      extensions: [],
    }))
    scope.get('/v2/health/live', { config: { protocol: 'v2' } }, async () => ({ live: true }))
    scope.get('/v2/health/ready', { config: { protocol: 'v2' } }, async (_req, reply) => {
      const ready = models.ready && !draining()
      reply.status(ready ? 200 : 503)
      return { ready }
    })
    scope.get<{ Params: { name: string } }>('/v2/models/:name', { config: { protocol: 'v2' } }, async (req) =>
      v2Metadata(modelOr404(req.params.name)),
    )
    scope.get<{ Params: { name: string; version: string } }>(
      '/v2/models/:name/versions/:version',
      { config: { protocol: 'v2' } },
      async (req) => {
        const d = modelOr404(req.params.name)
        const m = [d.champion, d.canary, d.shadow].find((x) => x?.version === req.params.version)
        if (!m) {
          throw new CairnError(
            'CAIRN_MODEL_VERSION_NOT_FOUND',
            `${d.name} version ${req.params.version} is not loaded here`,
          )
        }
        return v2Metadata(d, m.version)
      },
    )
    scope.get<{ Params: { name: string } }>(
      '/v2/models/:name/ready',
      { config: { protocol: 'v2' } },
      async (req) => {
        modelOr404(req.params.name)
        return { name: req.params.name, ready: true }
      },
    )

    if (o.docs !== false) {
      await scope.register(swagger, {
        mode: 'static',
        specification: { document: servingOpenApi([]) as never },
      })
      await scope.register(swaggerUi, {
        routePrefix: '/docs',
        transformSpecification: () => servingOpenApi(models.list()),
        transformSpecificationClone: false,
      })
      scope.get('/openapi.json', async () => servingOpenApi(models.list()))
    }
  })

  return app
}

function modelNameOf(req: FastifyRequest, route: Route): string | undefined {
  if (route === 'mlflow') return undefined
  return (req.params as { name?: string } | undefined)?.name
}

function describe(d: Deployment): Record<string, unknown> {
  const m = d.champion
  return {
    name: d.name,
    version: m.version,
    uri: m.resolved.uri,
    location: m.resolved.location,
    runId: m.resolved.runId ?? null,
    family: m.model.family,
    task: m.task,
    classes: m.classes ?? null,
    signature: m.signature,
    metrics: m.manifest.metrics,
    loadedAt: new Date(m.loadedAt).toISOString(),
    canary: d.canary
      ? { version: d.canary.version, uri: d.canary.resolved.uri, percent: d.canaryFraction * 100 }
      : null,
    shadow: d.shadow ? { version: d.shadow.version, uri: d.shadow.resolved.uri } : null,
  }
}

function v2Datatype(type: string): string {
  switch (type) {
    case 'number':
    case 'datetime':
      return 'FP64'
    case 'integer':
      return 'INT64'
    case 'boolean':
      return 'BOOL'
    default:
      return 'BYTES'
  }
}

function v2Metadata(d: Deployment, version?: string): Record<string, unknown> {
  const m = d.champion
  const versions = [d.champion, d.canary, d.shadow].flatMap((x) => (x ? [x.version] : []))
  return {
    name: d.name,
    versions: version ? [version] : [...new Set(versions)],
    platform: `cairn-${m.model.family}`,
    inputs: m.signature.inputs.map((i) => ({ name: i.name, datatype: v2Datatype(i.type), shape: [-1] })),
    outputs: m.classes
      ? [
          { name: 'label', datatype: 'BYTES', shape: [-1] },
          { name: 'probabilities', datatype: 'FP64', shape: [-1, m.classes.length] },
          { name: 'prediction_id', datatype: 'BYTES', shape: [-1] },
        ]
      : [
          { name: 'predict', datatype: 'FP64', shape: [-1] },
          { name: 'prediction_id', datatype: 'BYTES', shape: [-1] },
        ],
  }
}
