import type { FastifyInstance } from 'fastify'
import type { RegistryClient, StoreRegistryClient } from '../registry/index.js'
import type { ArtifactStore, MetadataStore } from '../store/index.js'
import type { StoreTrackingClient, TrackingClient } from '../tracking/index.js'

/** What every route plugin gets: the stores the server was started on and the clients over them. */
export interface ServerContext {
  metadata: MetadataStore
  artifacts: ArtifactStore
  tracking: StoreTrackingClient & TrackingClient
  registry: StoreRegistryClient & RegistryClient
  /** The options the server was created with (for plugins that read their own settings). */
  options: Readonly<Record<string, unknown>>
}

/**
 * A group of routes. Each layer adds its API by writing one plugin in `src/server/routes/` and
 * one line in the list in `routes/index.ts`.
 */
export interface RoutePlugin {
  name: string
  register(app: FastifyInstance, context: ServerContext): Promise<void> | void
}
