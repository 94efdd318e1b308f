import { join } from 'node:path'
import { CairnError, loadProjectConfig, type ProjectConfig, parseStoreUri, STATE_DIR } from '../core/index.js'
import type { DataService, Frame } from '../data/index.js'
import type { Estimator } from '../ml/index.js'
import { HttpRegistryClient, type RegistryClient, StoreRegistryClient } from '../registry/index.js'
import type { ArtifactStore, MetadataStore } from '../store/index.js'
import { openArtifactStore, openMetadataStore } from '../store/index.js'
import {
  HttpTrackingClient,
  HttpTransport,
  StoreTrackingClient,
  type TrackingClient,
} from '../tracking/index.js'
import { CairnRegistry } from './cairn-registry.js'
import { CairnTracking } from './cairn-tracking.js'
import type { TrackedTuneOptions, TrackedTuneResult } from './tracked-tune.js'

export interface CairnOpenOptions {
  /**
   * Where metadata lives: `sqlite:///path.db`, `postgresql://…` (embedded: Cairn talks to the
   * store itself) or `http(s)://host:port` (remote: a `cairn server`). Default: `CAIRN_TRACKING_URI`,
   * cairn.yaml's `store.metadata`, or `.cairn/cairn.db` in the project.
   */
  trackingUri?: string
  /** Where artifacts live when embedded: `file:///…` or `s3://bucket/prefix` (default `.cairn/artifacts`). */
  artifactsUri?: string
  /** Folder to find the project in (default: the working folder). */
  cwd?: string
  /** How often runs send buffered metrics, in ms (default 1000). */
  flushIntervalMs?: number
  /** Extra headers for a remote server (e.g. Authorization). */
  headers?: Record<string, string>
}

/**
 * Everything a layer needs to build its part of the SDK: the project, and either the open stores
 * (embedded) or the HTTP transport to a server (remote).
 */
export interface CairnContext {
  project: ProjectConfig
  mode: 'embedded' | 'remote'
  trackingUri: string
  /** Embedded only. */
  metadata?: MetadataStore
  /** Embedded only. */
  artifacts?: ArtifactStore
  /** Remote only. */
  transport?: HttpTransport
}

/**
 * The Cairn SDK: one object for tracking, the registry and (as later layers attach) data,
 * pipelines, serving and monitoring. The same API works embedded and against a server:
 *
 * ```ts
 * const cairn = await Cairn.open()                      // .cairn/ in the project
 * const run = await cairn.tracking.startRun({ experiment: 'housing' })
 * await run.logParams({ maxDepth: 6 })
 * run.logMetric('rmse', 48210.5, { step: 3 })
 * await run.end()
 * await cairn.close()
 * ```
 *
 * A layer attaches with a getter that calls `this.facet('name', (context) => …)`: created on first
 * use, closed with the Cairn object.
 */
export class Cairn {
  readonly context: CairnContext
  readonly tracking: CairnTracking
  readonly registry: CairnRegistry
  readonly #facets = new Map<string, unknown>()
  readonly #facetClosers: Array<() => Promise<void>> = []
  readonly #closers: Array<() => Promise<void>> = []
  #closed = false

  protected constructor(
    context: CairnContext,
    tracking: TrackingClient,
    registry: RegistryClient,
    flushIntervalMs?: number,
  ) {
    this.context = context
    this.tracking = new CairnTracking(tracking, {
      cwd: context.project.root,
      ...(flushIntervalMs !== undefined ? { flushIntervalMs } : {}),
    })
    this.registry = new CairnRegistry(registry, this.tracking)
  }

  /** Open Cairn embedded (SQLite/Postgres + files/S3) or remote (`http://…` → a `cairn server`). */
  static async open(options: CairnOpenOptions = {}): Promise<Cairn> {
    const project = await loadProjectConfig({
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.trackingUri ? { trackingUri: options.trackingUri } : {}),
      ...(options.artifactsUri ? { artifactsUri: options.artifactsUri } : {}),
    })
    const location = parseStoreUri(project.trackingUri, project.root)
    if (location.scheme === 'http') {
      const transport = new HttpTransport(location.url, options.headers ? { headers: options.headers } : {})
      const context: CairnContext = { project, mode: 'remote', trackingUri: location.url, transport }
      return new Cairn(
        context,
        new HttpTrackingClient(transport),
        new HttpRegistryClient(transport),
        options.flushIntervalMs,
      )
    }
    const metadata = await openMetadataStore(project.trackingUri, { base: project.root })
    let artifacts: ArtifactStore
    try {
      artifacts = openArtifactStore(project.artifactsUri, { base: project.root })
    } catch (err) {
      await metadata.close()
      throw err
    }
    const tracking = new StoreTrackingClient({ metadata, artifacts })
    const registry = new StoreRegistryClient({ metadata, artifacts, tracking })
    const context: CairnContext = {
      project,
      mode: 'embedded',
      trackingUri: project.trackingUri,
      metadata,
      artifacts,
    }
    const cairn = new Cairn(context, tracking, registry, options.flushIntervalMs)
    cairn.onClose(async () => {
      await artifacts.close()
      await metadata.close()
    })
    return cairn
  }

  get mode(): 'embedded' | 'remote' {
    return this.context.mode
  }

  /**
   * The data layer (embedded only): ingest sources, validate, profile, version, split and read
   * datasets in the project's stores. Downloads are cached in the project's `.cairn/cache/data`, as
   * `cairn data` does (`CAIRN_DATA_CACHE` overrides). Created on first use, closed with Cairn.
   */
  get data(): Promise<DataService> {
    return this.facet('data', (context) => {
      const { metadata, artifacts } = context
      const service =
        metadata && artifacts
          ? import('../data/index.js').then((d) =>
              d.createDataService({
                metadata,
                artifacts,
                base: context.project.root,
                cacheDir:
                  process.env.CAIRN_DATA_CACHE || join(context.project.root, STATE_DIR, 'cache', 'data'),
              }),
            )
          : Promise.reject(
              new CairnError(
                'CAIRN_NOT_IMPLEMENTED',
                'cairn.data works on the stores directly, not through a server',
                {
                  details: { trackingUri: context.trackingUri },
                  hint: 'Open Cairn with the metadata store itself (sqlite:///… or postgresql://…) to use datasets',
                },
              ),
            )
      service.catch(() => {})
      return { service, close: async () => (await service.catch(() => undefined))?.close() }
    }).service
  }

  /**
   * A lazily created part of the SDK (`cairn.data`, `cairn.pipelines`, …): `create` runs once with
   * the context; a `close()` on the result is called when Cairn closes.
   */
  protected facet<T>(name: string, create: (context: CairnContext) => T): T {
    if (this.#facets.has(name)) return this.#facets.get(name) as T
    const value = create(this.context)
    this.#facets.set(name, value)
    const closable = value as { close?: () => Promise<void> | void }
    if (typeof closable?.close === 'function') this.#facetClosers.unshift(async () => closable.close?.())
    return value
  }

  /**
   * Search hyperparameters and track the search: a parent run with the best params and score, and
   * a nested child run per trial (params, cross-validation scores, status), as MLflow's Optuna and
   * scikit-learn integrations record them. Returns the search's result with the run ids.
   *
   * ```ts
   * const result = await cairn.tune(gradientBoosting(), frame, {
   *   target: 'price', space: { maxDepth: intParam(3, 8) }, trials: 20, experiment: 'housing',
   * })
   * result.bestParams; result.runId; result.bestRunId
   * ```
   */
  async tune(estimator: Estimator, frame: Frame, options: TrackedTuneOptions): Promise<TrackedTuneResult> {
    const { trackedTune } = await import('./tracked-tune.js')
    return trackedTune(this.tracking, estimator, frame, options)
  }

  /** Run `fn` when Cairn closes, after the tracking and registry clients (stores close this way). */
  onClose(fn: () => Promise<void>): void {
    this.#closers.push(fn)
  }

  /** End open runs (FINISHED, metrics flushed), close every part, then the stores. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.tracking.endAll()
    for (const fn of this.#facetClosers.splice(0)) await fn()
    await this.registry.close()
    await this.tracking.close()
    for (const fn of this.#closers.splice(0)) await fn()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}
