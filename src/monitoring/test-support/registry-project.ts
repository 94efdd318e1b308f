import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { categoryColumn, type Frame, makeFrame, numericColumn } from '../../data/index.js'
import { logisticRegression, type Model, Rng, toBundle, writeBundleToStore } from '../../ml/index.js'
import { StoreRegistryClient } from '../../registry/index.js'
import {
  type ArtifactStore,
  type MetadataStore,
  openArtifactStore,
  openMetadataStore,
} from '../../store/index.js'
import { DEFAULT_EXPERIMENT, StoreTrackingClient } from '../../tracking/index.js'

/** A project folder with cairn.yaml, its SQLite store and local artifacts, and registry/tracking clients. */
export interface RegistryProject {
  root: string
  metadata: MetadataStore
  artifacts: ArtifactStore
  tracking: StoreTrackingClient
  registry: StoreRegistryClient
  /** Log `model` in a run, register it as a new version of `name` and return the version. */
  register(name: string, model: Model, alias?: string): Promise<number>
  close(): Promise<void>
}

export async function createRegistryProject(): Promise<RegistryProject> {
  const root = await mkdtemp(join(tmpdir(), 'cairn-gate-'))
  await writeFile(join(root, 'cairn.yaml'), 'name: gate-test\n')
  await mkdir(join(root, '.cairn'), { recursive: true })
  const metadata = await openMetadataStore(`sqlite:///${join(root, '.cairn', 'cairn.db')}`)
  const artifacts = openArtifactStore(pathToFileURL(join(root, '.cairn', 'artifacts')).href)
  const tracking = new StoreTrackingClient({ metadata, artifacts })
  const registry = new StoreRegistryClient({ metadata, artifacts, tracking })
  return {
    root,
    metadata,
    artifacts,
    tracking,
    registry,
    async register(name, model, alias) {
      const run = await tracking.createRun({ experimentId: DEFAULT_EXPERIMENT.id, runName: `train-${name}` })
      const store = await tracking.runArtifacts(run.info.runId)
      await writeBundleToStore(store, 'model', toBundle(model))
      await tracking.updateRun(run.info.runId, { status: 'FINISHED', endTime: Date.now() })
      const mv = await registry.createModelVersion({ name, source: `runs:/${run.info.runId}/model` })
      if (alias) await registry.setAlias(name, alias, mv.version)
      return mv.version
    },
    async close() {
      await registry.close()
      await tracking.close()
      await metadata.close()
      await artifacts.close()
      await rm(root, { recursive: true, force: true })
    },
  }
}

/** Binary data: y = yes when 1.5·x1 − x2 + 0.8·x3 + ε > 0; `noise` is unrelated to y. */
export function binaryData(n: number, seed: number): Frame {
  const rng = new Rng(seed)
  const x1 = new Float64Array(n)
  const x2 = new Float64Array(n)
  const x3 = new Float64Array(n)
  const noise = new Float64Array(n)
  const y: string[] = []
  for (let i = 0; i < n; i++) {
    x1[i] = rng.normal()
    x2[i] = rng.normal()
    x3[i] = rng.normal()
    noise[i] = rng.normal()
    y.push(
      1.5 * (x1[i] as number) - (x2[i] as number) + 0.8 * (x3[i] as number) + 0.6 * rng.normal() > 0
        ? 'yes'
        : 'no',
    )
  }
  return makeFrame([
    numericColumn('x1', x1),
    numericColumn('x2', x2),
    numericColumn('x3', x3),
    numericColumn('noise', noise),
    categoryColumn('y', y, ['no', 'yes']),
  ])
}

/** A logistic regression on the given features of `data`. */
export function trainOn(data: Frame, features: string[]): Promise<Model> {
  return logisticRegression().fit(data, { target: 'y', features })
}
