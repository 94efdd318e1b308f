import { join } from 'node:path'
import { loadProjectConfig, type ProjectConfig, STATE_DIR } from '../core/index.js'
import type { DataService } from '../data/index.js'
import type { ArtifactStore, MetadataStore } from '../store/index.js'
import type { TrackingClient } from '../tracking/index.js'
import type { PipelineDefinition } from './definition/define-pipeline.js'
import { loadPipelines, type ProjectPipelines } from './definition/load-pipelines.js'
import { resolveDatasetDep, resolveModelDep } from './external-deps.js'
import type { ExternalResolvers, ResolvedExternal } from './model.js'

/** A project's pipelines with the stores they use, opened lazily. */
export interface PipelineWorkspace {
  config: ProjectConfig
  /** The workspace the pipelines were resolved against. */
  root: string
  /** The project's `.cairn` (shared by experiment workspaces). */
  stateDir: string
  project: ProjectPipelines
  /** The artifact store (opened on first call; the stores' modules load only then). */
  artifacts(): Promise<ArtifactStore>
  /** The metadata store; undefined when the tracking URI is a server (`http://`). */
  metadata(): Promise<MetadataStore | undefined>
  tracking(): Promise<TrackingClient | undefined>
  /** `data:` deps through the data layer's dataset versions, `models:/` deps through the registry. */
  resolvers(): ExternalResolvers
  close(): Promise<void>
}

export interface OpenWorkspaceOptions {
  cwd?: string
  trackingUri?: string
  artifactsUri?: string
  /** Resolve the pipelines against another folder (an experiment's copy) with the project's config. */
  root?: string
  paramsOverrides?: ReadonlyMap<string, Record<string, unknown>>
  definitions?: Record<string, PipelineDefinition>
  /** How `data:name@version` deps resolve (the data layer's dataset versions). */
  dataResolver?: ExternalResolvers['data']
}

/** Load the project's config and pipelines; stores open on first use. */
export async function openPipelineWorkspace(options: OpenWorkspaceOptions = {}): Promise<PipelineWorkspace> {
  const config = await loadProjectConfig({
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.trackingUri ? { trackingUri: options.trackingUri } : {}),
    ...(options.artifactsUri ? { artifactsUri: options.artifactsUri } : {}),
  })
  const root = options.root ?? config.root
  const project = await loadPipelines({
    root,
    file: config.file,
    ...(options.paramsOverrides ? { paramsOverrides: options.paramsOverrides } : {}),
    ...(options.definitions ? { definitions: options.definitions } : {}),
  })
  let artifacts: Promise<ArtifactStore> | undefined
  let metadata: Promise<MetadataStore | undefined> | undefined
  let tracking: Promise<TrackingClient | undefined> | undefined
  let dataService: Promise<DataService> | undefined
  const ws: PipelineWorkspace = {
    config,
    root,
    stateDir: join(config.root, STATE_DIR),
    project,
    artifacts() {
      artifacts ??= import('../store/index.js').then((s) =>
        s.openArtifactStore(config.artifactsUri, { base: config.root }),
      )
      return artifacts
    },
    metadata() {
      metadata ??= config.trackingUri.startsWith('http')
        ? Promise.resolve(undefined)
        : import('../store/index.js').then((s) =>
            s.openMetadataStore(config.trackingUri, { base: config.root }),
          )
      return metadata
    },
    tracking() {
      tracking ??= ws.metadata().then(async (m) => {
        if (!m) return undefined
        const { StoreTrackingClient } = await import('../tracking/index.js')
        return new StoreTrackingClient({ metadata: m, artifacts: await ws.artifacts() })
      })
      return tracking
    },
    resolvers() {
      return {
        data:
          options.dataResolver ??
          (async (name: string, version: string | undefined, uri: string): Promise<ResolvedExternal> => {
            const m = await ws.metadata()
            if (!m) throw new Error('data: deps need a metadata store (sqlite:// or postgresql://)')
            dataService ??= import('../data/index.js').then(async (d) =>
              d.createDataService({ metadata: m, artifacts: await ws.artifacts(), base: config.root }),
            )
            return resolveDatasetDep(await dataService, name, version, uri)
          }),
        models: async (uri: string): Promise<ResolvedExternal> => {
          const m = await ws.metadata()
          if (!m) throw new Error('models:/ deps need a metadata store (sqlite:// or postgresql://)')
          const { StoreRegistryClient } = await import('../registry/index.js')
          return resolveModelDep(
            new StoreRegistryClient({ metadata: m, artifacts: await ws.artifacts() }),
            uri,
          )
        },
      }
    },
    async close() {
      const d = dataService ? await dataService.catch(() => undefined) : undefined
      await d?.close()
      const m = metadata ? await metadata.catch(() => undefined) : undefined
      await m?.close()
      const a = artifacts ? await artifacts.catch(() => undefined) : undefined
      await a?.close()
    },
  }
  return ws
}
