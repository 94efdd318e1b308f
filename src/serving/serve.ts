import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import { getLogger, type Logger, loadProjectConfig } from '../core/index.js'
import type { MetadataStore } from '../store/index.js'
import { bufferedAccessLogger } from './http/access-logger.js'
import { createServingApp } from './http/create-app.js'
import { PredictionLog, type PredictionLogOptions } from './log/prediction-log.js'
import type { LogSinkOptions } from './log/sinks/log-sink.js'
import { ServingMetrics } from './metrics/serving-metrics.js'
import type { ModelSource } from './models/model-source.js'
import { needsRegistry, openModelSources } from './models/open-sources.js'
import { type ServedModelSpec, ServedModels } from './models/served-models.js'
import { PredictionIds } from './predict/prediction-ids.js'

/** Everything `cairn serve` can be told (flags or serving.yaml). */
export interface ServeOptions {
  models: ServedModelSpec[]
  /** Default 127.0.0.1. */
  host?: string
  /** Default 8080; 0 picks a free port. */
  port?: number
  /** Metadata store (registry, feedback, prediction log); default: the project's. */
  trackingUri?: string
  /** Artifact store; default: the project's. */
  artifactsUri?: string
  /** Project folder to read cairn.yaml from (default: the working folder). */
  cwd?: string
  /**
   * The prediction log: on by default, into the metadata store. `false` turns it off (then no
   * feedback either). Or where to write and how to queue.
   */
  predictionLog?:
    | false
    | (Partial<Omit<PredictionLogOptions, 'metrics' | 'idPrefix'>> & { sink?: LogSinkOptions })
  /** Seconds between registry polls for alias moves (default 10; 0 = never). */
  pollIntervalSeconds?: number
  /** Body-size limit in bytes (default 16 MiB). */
  bodyLimit?: number
  /** Most rows per request (default 10,000). */
  maxBatchRows?: number
  /** Seconds to receive a whole request (default 30). */
  requestTimeoutSeconds?: number
  /** Seconds to let in-flight requests finish on shutdown (default 30). */
  drainTimeoutSeconds?: number
  accessLog?: 'all' | 'errors' | 'off'
  docs?: boolean
  /** Extra model sources tried before the built-in ones. */
  sources?: ModelSource[]
  logger?: Logger
  /**
   * Add series to the prom-client registry that `/metrics` exposes, given the project's metadata
   * store (`cairn serve` adds the monitoring gauges this way). Not called when the tracking URI is
   * a tracking server (http), since serving then has no store of its own.
   */
  extendMetrics?: (registry: Registry, metadata: MetadataStore) => void
  /** Cluster workers: the /metrics text of the whole cluster, and the wait for other workers' log flush. */
  cluster?: { metricsText: () => Promise<string>; awaitLogged: () => Promise<void> }
}

/** A running serving process. */
export interface ServingHandle {
  /** `http://host:port` */
  url: string
  port: number
  app: FastifyInstance
  models: ServedModels
  metrics: ServingMetrics
  predictionLog: PredictionLog | undefined
  ids: PredictionIds
  /** The project's metadata store, when serving opened one (registry models, prediction log, extendMetrics). */
  metadata: MetadataStore | undefined
  /** Drain in-flight requests, flush the prediction log, close stores. Safe to call twice. */
  close(): Promise<void>
}

/**
 * Start serving: open the stores, start the prediction log, listen, then load and warm every model
 * (`/ready` answers 503 until they are in). Rejects, leaving nothing running, if a model cannot load.
 */
export async function startServing(options: ServeOptions): Promise<ServingHandle> {
  const logger = options.logger ?? getLogger('serving')
  const project = await loadProjectConfig({
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.trackingUri ? { trackingUri: options.trackingUri } : {}),
    ...(options.artifactsUri ? { artifactsUri: options.artifactsUri } : {}),
  })
  const cleanup: (() => Promise<void>)[] = []
  const runCleanup = async () => {
    for (const fn of cleanup.reverse())
      await fn().catch((err) => logger.error({ err }, 'error while closing'))
    cleanup.length = 0
  }
  try {
    const metrics = new ServingMetrics()
    const ids = new PredictionIds()
    const opened = await openModelSources({
      trackingUri: project.trackingUri,
      artifactsUri: project.artifactsUri,
      root: project.root,
      withStores:
        options.models.some(usesRegistry) ||
        options.predictionLog !== false ||
        (options.extendMetrics !== undefined && !/^https?:\/\//.test(project.trackingUri)),
      ...(options.sources ? { extra: options.sources } : {}),
    })
    cleanup.push(() => opened.close())
    const metadata = opened.metadata
    if (options.extendMetrics && metadata) options.extendMetrics(metrics.registry, metadata)
    let predictionLog: PredictionLog | undefined
    if (options.predictionLog !== false) {
      const pl = options.predictionLog ?? {}
      const sink: LogSinkOptions = pl.sink ?? { kind: 'store', uri: project.trackingUri }
      predictionLog = await PredictionLog.open({ ...pl, sink, metrics, idPrefix: ids.prefix })
      const p = predictionLog
      cleanup.push(() => p.close())
    }
    const models = new ServedModels(options.models, {
      sources: opened.sources,
      ...(predictionLog ? { predictionLog } : {}),
      metrics,
      pollIntervalMs: (options.pollIntervalSeconds ?? 10) * 1000,
    })
    cleanup.push(() => models.close())
    let draining = false
    // Access lines in batches unless the caller brought its own logger; written out after the drain.
    const access = options.logger || options.accessLog === 'off' ? undefined : bufferedAccessLogger()
    if (access) cleanup.push(() => access.flush())
    const app = await createServingApp({
      models,
      metrics,
      ids,
      predictionLog,
      feedbackStore: predictionLog ? metadata : undefined,
      verifyFeedbackIds: options.predictionLog === false || options.predictionLog?.sink?.kind !== 'parquet',
      ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
      ...(options.maxBatchRows !== undefined ? { maxBatchRows: options.maxBatchRows } : {}),
      requestTimeoutMs: (options.requestTimeoutSeconds ?? 30) * 1000,
      accessLog: options.accessLog ?? 'all',
      logger,
      ...(access ? { accessLogger: access.logger, predictAccessLine: access.predictLine } : {}),
      docs: options.docs ?? true,
      draining: () => draining,
      ...(options.cluster ? { metricsText: options.cluster.metricsText } : {}),
      awaitLogged: async () => {
        await predictionLog?.flush()
        await options.cluster?.awaitLogged()
      },
    })
    const drainMs = (options.drainTimeoutSeconds ?? 30) * 1000
    cleanup.push(async () => {
      draining = true
      const forced = setTimeout(() => {
        logger.warn({ drainMs }, 'drain timeout: closing the remaining connections')
        app.server.closeAllConnections()
      }, drainMs)
      forced.unref()
      await app.close()
      clearTimeout(forced)
    })
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 })
    const address = app.server.address()
    const port = typeof address === 'object' && address ? address.port : (options.port ?? 8080)
    await models.start()
    const host = options.host ?? '127.0.0.1'
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
    logger.info(
      {
        url,
        models: models.list().map((d) => ({ name: d.name, version: d.champion.version })),
      },
      'serving',
    )
    let closing: Promise<void> | undefined
    return {
      url,
      port,
      app,
      models,
      metrics,
      predictionLog,
      ids,
      metadata,
      close: () => {
        closing ??= runCleanup()
        return closing
      },
    }
  } catch (err) {
    await runCleanup()
    throw err
  }
}

function usesRegistry(spec: ServedModelSpec): boolean {
  return [spec.uri, spec.canary?.uri, spec.shadow?.uri].some((u) => u !== undefined && needsRegistry(u))
}
