import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Model, type Signature, toBundle, writeBundleDir, writeBundleToStore } from '../../ml/index.js'
import { StoreRegistryClient } from '../../registry/index.js'
import {
  type ArtifactStore,
  type MetadataStore,
  openArtifactStore,
  openMetadataStore,
} from '../../store/index.js'
import { DEFAULT_EXPERIMENT, StoreTrackingClient } from '../../tracking/index.js'
import { TempLinearModel } from './temp-linear-family.js'

/** The signature of the test housing model: numbers with a range, a nullable number, a category. */
export const housingSignature: Signature = {
  inputs: [
    { name: 'median_income', type: 'number', nullable: false, min: 0, max: 50 },
    { name: 'housing_median_age', type: 'integer', nullable: false },
    { name: 'total_rooms', type: 'number', nullable: true },
    {
      name: 'ocean_proximity',
      type: 'category',
      nullable: false,
      categories: ['INLAND', 'NEAR BAY', 'NEAR OCEAN'],
    },
  ],
  output: { task: 'regression', name: 'median_house_value' },
}

/** A valid request row for `housingSignature`. */
export const housingRow = {
  median_income: 8.3,
  housing_median_age: 41,
  total_rooms: 880,
  ocean_proximity: 'NEAR BAY',
}

/** A regression model on `housingSignature`: `bias + Σ w·x` (categories by index). */
export function housingModel(bias = 100): Model {
  return new TempLinearModel(housingSignature, Float64Array.from([40_000, 1_000, 1, 5_000]), {
    bias,
    classify: false,
  })
}

/** A binary classifier (classes no/yes) on two numbers. */
export function churnModel(): Model {
  return new TempLinearModel(
    {
      inputs: [
        { name: 'tenure', type: 'number', nullable: false },
        { name: 'charges', type: 'number', nullable: false },
      ],
      output: { task: 'binary', name: 'churn', classes: ['no', 'yes'] },
    },
    Float64Array.from([-0.1, 0.05]),
    { bias: 0, classify: true },
  )
}

/** A project on disk: a SQLite metadata store and local artifacts, with registry and tracking clients. */
export interface TestProject {
  dir: string
  trackingUri: string
  artifactsUri: string
  metadata: MetadataStore
  artifacts: ArtifactStore
  tracking: StoreTrackingClient
  registry: StoreRegistryClient
  /** Log `model` as a run artifact, register it as a new version of `name`, optionally set an alias. */
  register(name: string, model: Model, alias?: string): Promise<number>
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
    async register(name, model, alias) {
      const run = await tracking.createRun({ experimentId: DEFAULT_EXPERIMENT.id, runName: `train-${name}` })
      const store = await tracking.runArtifacts(run.info.runId)
      await writeBundleToStore(store, 'model', toBundle(model, { metrics: { rmse: 1 } }))
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
