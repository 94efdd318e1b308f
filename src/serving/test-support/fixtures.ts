import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Model, toBundle, writeBundleDir, writeBundleToStore } from '../../ml/index.js'
import { StoreRegistryClient } from '../../registry/index.js'
import {
  type ArtifactStore,
  type MetadataStore,
  openArtifactStore,
  openMetadataStore,
} from '../../store/index.js'
import { DEFAULT_EXPERIMENT, StoreTrackingClient } from '../../tracking/index.js'

/** A valid request row for the housing model. */
export const housingRow = {
  median_income: 8.3,
  housing_median_age: 41,
  total_rooms: 880,
  ocean_proximity: 'NEAR BAY',
}

/** Ranges the tests declare in the housing bundle's signature (serving rejects values outside them). */
export const housingRanges = { median_income: { min: 0, max: 50 } }

/** A project on disk: a SQLite metadata store and local artifacts, with registry and tracking clients. */
export interface TestProject {
  dir: string
  trackingUri: string
  artifactsUri: string
  metadata: MetadataStore
  artifacts: ArtifactStore
  tracking: StoreTrackingClient
  registry: StoreRegistryClient
  /**
   * Log `model` as a run artifact, register it as a new version of `name`, optionally set an alias.
   * `ranges` are declared in the bundle's signature (min/max per input), as a user would declare them.
   */
  register(
    name: string,
    model: Model,
    alias?: string,
    ranges?: Record<string, { min?: number; max?: number }>,
  ): Promise<number>
  /** Write a bundle folder under the project and return its path. */
  writeBundle(folder: string, model: Model, lineage?: Record<string, unknown>): Promise<string>
  close(): Promise<void>
}

export async function createTestProject(): Promise<TestProject> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-serving-'))
  const trackingUri = `sqlite:///${join(dir, 'cairn.db')}`
  const artifactsUri = pathToFileURL(join(dir, 'artifacts')).href
  const metadata = await openMetadataStore(trackingUri)
  const artifacts = openArtifactStore(artifactsUri)
  const tracking = new StoreTrackingClient({ metadata, artifacts })
  const registry = new StoreRegistryClient({ metadata, artifacts, tracking })
  return {
    dir,
    trackingUri,
    artifactsUri,
    metadata,
    artifacts,
    tracking,
    registry,
    async register(name, model, alias, ranges) {
      const run = await tracking.createRun({ experimentId: DEFAULT_EXPERIMENT.id, runName: `train-${name}` })
      const store = await tracking.runArtifacts(run.info.runId)
      const bundle = toBundle(model, { metrics: { rmse: 1 } })
      for (const input of bundle.manifest.signature.inputs) Object.assign(input, ranges?.[input.name])
      await writeBundleToStore(store, 'model', bundle)
      await tracking.updateRun(run.info.runId, { status: 'FINISHED', endTime: Date.now() })
      const mv = await registry.createModelVersion({ name, source: `runs:/${run.info.runId}/model` })
      if (alias) await registry.setAlias(name, alias, mv.version)
      return mv.version
    },
    async writeBundle(folder, model, lineage) {
      const path = join(dir, folder)
      await writeBundleDir(path, toBundle(model, lineage ? { lineage } : {}))
      return path
    },
    async close() {
      await registry.close()
      await tracking.close()
      await metadata.close()
      await artifacts.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
