import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyInstance } from 'fastify'
import { cairnVersion, loadProjectConfig } from '../core/index.js'
import type { PipelineDefinition } from '../pipelines/index.js'
import { StoreRegistryClient } from '../registry/index.js'
import type { ArtifactStore, MetadataStore } from '../store/index.js'
import { openArtifactStore, openMetadataStore } from '../store/index.js'
import { StoreTrackingClient } from '../tracking/index.js'
import type { RoutePlugin, ServerContext } from './context.js'
import { installErrorHandling } from './errors.js'
import { routePlugins } from './routes/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The stores and clients the Cairn server runs on. */
    cairn: ServerContext
  }
}

export interface ServerOptions {
  /** Metadata store: `sqlite:///path.db` or `postgresql://…` (default: the project's `.cairn/cairn.db`). */
  backendStoreUri?: string
  /** Artifact store: `file:///path` or `s3://bucket/prefix` (default: the project's `.cairn/artifacts`). */
  artifactsDestination?: string
  /** Stores already open; they stay open when the server closes. */
  metadata?: MetadataStore
  artifacts?: ArtifactStore
  /** Folder to look for cairn.yaml / .cairn in (default: the working folder). */
  cwd?: string
  /** Largest JSON request body in bytes (default 16 MiB); larger requests get 413. */
  bodyLimit?: number
  /** Largest artifact upload in bytes (default 5 GiB). */
  maxArtifactBytes?: number
  /** Serve the OpenAPI document and Swagger UI at /docs (default true). */
  docs?: boolean
  /** Serve Prometheus metrics (requests, process, monitoring gauges) at /metrics (default true). */
  metrics?: boolean
  /** How long a scrape's view of the monitoring results is reused, in ms (default 5,000). */
  metricsCacheMs?: number
  /** Log each request (default false). */
  logRequests?: boolean
  /** Folder of the built web UI (default: `CAIRN_UI_DIR`, else `dist/ui` in the package). */
  uiDir?: string
  /** Route plugins mounted after the built-in ones. */
  plugins?: RoutePlugin[]
  /**
   * Pipelines defined in TypeScript, by name, shown and run beside cairn.yaml's (the record is
   * read on each request, so entries may be added after the server started).
   */
  pipelines?: Record<string, PipelineDefinition>
}

/** The default JSON body limit: far above MLflow's largest legal log-batch (about 1.5 MB). */
export const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024

/**
 * Build the Cairn server (not yet listening): the MLflow REST API at `/api/2.0/mlflow/…` (and
 * `/ajax-api/2.0/mlflow/…`), the artifact proxy at `/api/2.0/mlflow-artifacts/artifacts/…`, the
 * native API under `/api/v1/`, `/health`, Prometheus metrics at `/metrics` (requests, process, monitoring
 * gauges) and OpenAPI with Swagger UI at `/docs`.
 */
export async function createServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const project = await loadProjectConfig({
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.backendStoreUri ? { trackingUri: options.backendStoreUri } : {}),
    ...(options.artifactsDestination ? { artifactsUri: options.artifactsDestination } : {}),
  })
  const ownsMetadata = options.metadata === undefined
  const ownsArtifacts = options.artifacts === undefined
  const metadata = options.metadata ?? (await openMetadataStore(project.trackingUri, { base: project.root }))
  let artifacts: ArtifactStore
  try {
    artifacts = options.artifacts ?? openArtifactStore(project.artifactsUri, { base: project.root })
  } catch (err) {
    if (ownsMetadata) await metadata.close()
    throw err
  }
  const tracking = new StoreTrackingClient({ metadata, artifacts })
  const registry = new StoreRegistryClient({ metadata, artifacts, tracking })
  const context: ServerContext = {
    metadata,
    artifacts,
    tracking,
    registry,
    options: { maxArtifactBytes: options.maxArtifactBytes ?? 5 * 1024 ** 3, ...options },
  }

  const app = Fastify({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: options.logRequests ? { level: 'info' } : false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
  })
  app.decorate('cairn', context)
  installErrorHandling(app)
  app.addHook('onClose', async () => {
    await registry.close()
    await tracking.close()
    if (ownsArtifacts) await artifacts.close()
    if (ownsMetadata) await metadata.close()
  })

  if (options.docs !== false) {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'Cairn API',
          version: cairnVersion(),
          description:
            'Experiment tracking and model registry. `/api/2.0/mlflow/…` speaks the MLflow REST API (errors as `{"error_code", "message"}`); `/api/v1/…` is Cairn\'s native JSON API (errors as `{"error": {code, message, details, hint}}`).',
        },
        tags: [
          { name: 'Server' },
          { name: 'Tracking', description: 'Native tracking API' },
          { name: 'Registry', description: 'Native registry API' },
          { name: 'MLflow tracking' },
          { name: 'MLflow registry' },
          { name: 'MLflow artifacts' },
        ],
      },
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
  }

  for (const plugin of [...routePlugins, ...(options.plugins ?? [])]) await plugin.register(app, context)
  return app
}

/** A server that is listening. */
export interface RunningServer {
  app: FastifyInstance
  /** `http://host:port` */
  url: string
  close(): Promise<void>
}

/** Create the server and listen on `host:port` (port 0 picks a free port). */
export async function startServer(
  options: ServerOptions & { host?: string; port?: number } = {},
): Promise<RunningServer> {
  const app = await createServer(options)
  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 5000 })
  } catch (err) {
    await app.close()
    throw err
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host =
    options.host === undefined || options.host === '0.0.0.0' || options.host === '::'
      ? '127.0.0.1'
      : options.host
  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, close: () => app.close() }
}
