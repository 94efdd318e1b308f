import cluster from 'node:cluster'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { Registry } from 'prom-client'
import { CairnError, findProjectRoot, loadProjectConfig } from '../../core/index.js'
import { MonitorStore, registerMonitoringMetrics } from '../../monitoring/index.js'
import {
  clusterWorkerOptions,
  configToServeOptions,
  loadServingConfig,
  parseSize,
  resolveWorkers,
  runClusterPrimary,
  type ServeOptions,
  shareWorkerMetrics,
  startServing,
} from '../../serving/index.js'
import { type MetadataStore, openMetadataStore } from '../../store/index.js'
import type { CommandRegistrar } from '../program.js'

interface ServeFlags {
  config?: string
  host?: string
  port?: number
  name?: string
  canary?: string
  canaryPercent?: number
  stickyHeader?: string
  shadow?: string
  predictionLog: boolean
  logSink?: 'store' | 'parquet'
  logUri?: string
  pollInterval?: number
  bodyLimit?: number
  maxBatchRows?: number
  requestTimeout?: number
  drainTimeout?: number
  accessLog?: 'all' | 'errors' | 'off'
  workers?: number | 'auto'
  docs: boolean
  trackingUri?: string
  artifactsUri?: string
}

const int = (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number')
  return n
}
const num = (v: string) => {
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number')
  return n
}

/** `cairn serve`: online predictions for one or many models. */
export const registerServe: CommandRegistrar = (program: Command) => {
  program
    .command('serve')
    .description(
      'Serve models over HTTP: native /v1, MLflow /invocations, KServe /v2, /metrics, OpenAPI docs at /docs',
    )
    .argument(
      '[models...]',
      'models:/name@alias, models:/name/3, runs:/<run>/<path>, a bundle folder or s3://…',
    )
    .option('-c, --config <file>', 'serving.yaml (default: ./serving.yaml when no model is given)')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('-p, --port <port>', 'port (default 8080; 0 = any free port)', int)
    .option('--name <name>', 'name to serve a single model under')
    .option('--canary <uri>', 'challenger that answers a share of requests (single model)')
    .option('--canary-percent <n>', 'share of requests for the canary, 0-100 (default 10)', num)
    .option('--sticky-header <header>', 'route canary traffic by a hash of this header')
    .option('--shadow <uri>', 'challenger that sees a copy of every request; its answers are only logged')
    .option('--no-prediction-log', 'do not log requests and answers (and accept no feedback)')
    .addOption(new Option('--log-sink <sink>', 'where the prediction log goes').choices(['store', 'parquet']))
    .option('--log-uri <uri>', 'metadata store (store sink) or artifact store (parquet sink) for the log')
    .option('--poll-interval <seconds>', 'seconds between registry polls for alias moves (default 10)', num)
    .option('--body-limit <size>', 'largest request body, e.g. 16mb (default 16mb)', (v) => parseSize(v))
    .option('--max-batch-rows <n>', 'most rows per request (default 10000)', int)
    .option('--request-timeout <seconds>', 'time to receive a request (default 30)', num)
    .option('--drain-timeout <seconds>', 'time in-flight requests get on shutdown (default 30)', num)
    .addOption(
      new Option('--access-log <mode>', 'access log lines (default all)').choices(['all', 'errors', 'off']),
    )
    .option('--workers <n>', 'processes behind one port: a number or "auto" (one per core)', (v) =>
      v === 'auto' ? 'auto' : int(v),
    )
    .option('--no-docs', 'do not serve OpenAPI and Swagger UI at /docs')
    .action(async (uris: string[], _flags: ServeFlags, cmd: Command) => {
      const flags = cmd.optsWithGlobals<ServeFlags>()
      const { options, workers } = await buildServeOptions(uris, flags)
      if (workers > 1 && cluster.isPrimary) {
        process.stderr.write(`cairn serve: ${workers} workers on port ${options.port ?? 8080}\n`)
        const monitoring = await primaryMonitoringRegistry(options)
        try {
          await runClusterPrimary(workers, monitoring ? { registry: monitoring.registry } : {})
        } finally {
          await monitoring?.close()
        }
        return
      }
      // Drift and quality gauges of `cairn monitor` on this port's /metrics: in cluster mode the
      // primary adds them once to the workers' aggregate.
      if (cluster.isWorker) options.cluster = clusterWorkerOptions()
      else options.extendMetrics = addMonitoringMetrics
      const handle = await startServing(options)
      if (cluster.isWorker) {
        shareWorkerMetrics(handle)
        process.stderr.write(`cairn serve: worker ${process.pid} listening on ${handle.url}\n`)
      } else process.stderr.write(`cairn serve: listening on ${handle.url} (docs at ${handle.url}/docs)\n`)
      await new Promise<void>((resolve) => {
        const stop = () => {
          handle.close().then(resolve, resolve)
        }
        process.once('SIGTERM', stop)
        process.once('SIGINT', stop)
        process.on('SIGHUP', () => void handle.models.refresh())
      })
      // A cluster worker's IPC channel would keep it alive after the drain.
      if (cluster.isWorker) process.disconnect()
    })
}

function addMonitoringMetrics(registry: Registry, metadata: MetadataStore): void {
  registerMonitoringMetrics(registry, { store: new MonitorStore(metadata) })
}

/** The cluster primary's own registry with the monitoring gauges (none when the store is a tracking server). */
async function primaryMonitoringRegistry(
  options: ServeOptions,
): Promise<{ registry: Registry; close: () => Promise<void> } | undefined> {
  const project = await loadProjectConfig({
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.trackingUri ? { trackingUri: options.trackingUri } : {}),
    ...(options.artifactsUri ? { artifactsUri: options.artifactsUri } : {}),
  })
  if (/^https?:\/\//.test(project.trackingUri)) return undefined
  const metadata = await openMetadataStore(project.trackingUri)
  const registry = new Registry()
  addMonitoringMetrics(registry, metadata)
  return { registry, close: () => metadata.close() }
}

async function buildServeOptions(
  uris: string[],
  flags: ServeFlags,
): Promise<{ options: ServeOptions; workers: number }> {
  const stores = {
    ...(flags.trackingUri ? { trackingUri: flags.trackingUri } : {}),
    ...(flags.artifactsUri ? { artifactsUri: flags.artifactsUri } : {}),
  }
  let options: ServeOptions
  let workers: number | 'auto' | undefined = flags.workers
  let configPath = flags.config
  if (!configPath && uris.length === 0) {
    const root = findProjectRoot() ?? process.cwd()
    if (existsSync(join(root, 'serving.yaml'))) configPath = join(root, 'serving.yaml')
  }
  if (configPath) {
    const config = await loadServingConfig(configPath)
    options = configToServeOptions(config, stores)
    workers ??= config.workers
    if (uris.length > 0) options.models = uris.map((uri) => ({ uri }))
  } else if (uris.length > 0) {
    options = { models: uris.map((uri) => ({ uri })) }
  } else {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'No model to serve', {
      hint: 'cairn serve models:/<name>@<alias> (or a bundle folder), or write a serving.yaml',
    })
  }
  const first = options.models[0]
  if (first && options.models.length === 1) {
    if (flags.name) first.name = flags.name
    if (flags.canary) {
      first.canary = {
        uri: flags.canary,
        percent: flags.canaryPercent ?? 10,
        ...(flags.stickyHeader ? { stickyHeader: flags.stickyHeader } : {}),
      }
    }
    if (flags.shadow) first.shadow = { uri: flags.shadow }
  } else if (flags.name || flags.canary || flags.shadow) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', '--name, --canary and --shadow apply to a single model', {
      hint: 'Use serving.yaml to set names and traffic policies for several models',
    })
  }
  Object.assign(options, stores)
  if (flags.host !== undefined) options.host = flags.host
  if (flags.port !== undefined) options.port = flags.port
  if (flags.predictionLog === false) options.predictionLog = false
  else if (flags.logSink || flags.logUri) {
    const kind = flags.logSink ?? 'store'
    const base = options.predictionLog === false ? {} : (options.predictionLog ?? {})
    const uri = flags.logUri ?? (kind === 'store' ? flags.trackingUri : flags.artifactsUri)
    options.predictionLog = { ...base, ...(uri ? { sink: { kind, uri } } : {}) }
    if (!uri && kind === 'parquet') {
      const { loadProjectConfig } = await import('../../core/index.js')
      const project = await loadProjectConfig(stores)
      options.predictionLog = { ...base, sink: { kind, uri: project.artifactsUri } }
    }
  }
  if (flags.pollInterval !== undefined) options.pollIntervalSeconds = flags.pollInterval
  if (flags.bodyLimit !== undefined) options.bodyLimit = flags.bodyLimit
  if (flags.maxBatchRows !== undefined) options.maxBatchRows = flags.maxBatchRows
  if (flags.requestTimeout !== undefined) options.requestTimeoutSeconds = flags.requestTimeout
  if (flags.drainTimeout !== undefined) options.drainTimeoutSeconds = flags.drainTimeout
  if (flags.accessLog !== undefined) options.accessLog = flags.accessLog
  if (flags.docs === false) options.docs = false
  return { options, workers: resolveWorkers(workers) }
}
