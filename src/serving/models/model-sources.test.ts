import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBucket, testS3Credentials, useService } from '../../../test/support/use-service.js'
import { isCairnError } from '../../core/index.js'
import { toBundle, writeBundleToStore } from '../../ml/index.js'
import { openArtifactStore } from '../../store/index.js'
import { DEFAULT_EXPERIMENT } from '../../tracking/index.js'
import { createTestProject, type TestProject } from '../test-support/fixtures.js'
import { churnModel, housingModel } from '../test-support/models.js'
import { bundlePathSource } from './path-source.js'
import { runArtifactSource } from './registry-source.js'
import { ServedModels } from './served-models.js'

let project: TestProject

beforeAll(async () => {
  project = await createTestProject()
})

afterAll(async () => {
  await project?.close()
})

describe('model sources', () => {
  it('serves a bundle folder: version from its lineage or its weights hash; replacing the files is a new key', async () => {
    const path = await project.writeBundle('bundles/housing', await housingModel(), {
      version: 7,
      modelName: 'houses',
    })
    const source = bundlePathSource({ base: project.dir })
    expect(source.handles('bundles/housing')).toBe(true)
    expect(source.handles('models:/x@y')).toBe(false)
    const a = await source.resolve('bundles/housing')
    expect(a).toMatchObject({ name: 'houses', version: '7', location: path })
    expect((await a.load()).model.family).toBe('pipeline')
    const plain = await source.resolve(await project.writeBundle('bundles/plain', await churnModel()))
    expect(plain.version).toMatch(/^[0-9a-f]{12}$/)
    expect(plain.name).toBe('plain')
    // hot reload of a folder: new files at the same path give a new key, and the served version follows
    const served = new ServedModels([{ uri: 'bundles/housing', name: 'h' }], {
      sources: [source],
      pollIntervalMs: 0,
    })
    await served.start()
    expect(served.get('h')?.champion.version).toBe('7')
    await project.writeBundle('bundles/housing', await housingModel(1000), { version: 8 })
    await served.refresh()
    expect(served.get('h')?.champion.version).toBe('8')
    await served.close()
    const err = await source.resolve('bundles/none').catch((e) => e)
    expect(isCairnError(err, 'CAIRN_MODEL_NOT_FOUND')).toBe(true)
  })

  it('serves a run artifact through runs:/<run-id>/<path>', async () => {
    const run = await project.tracking.createRun({ experimentId: DEFAULT_EXPERIMENT.id })
    await writeBundleToStore(
      await project.tracking.runArtifacts(run.info.runId),
      'models/churn',
      toBundle(await churnModel()),
    )
    const source = runArtifactSource(project.tracking)
    const r = await source.resolve(`runs:/${run.info.runId}/models/churn`)
    expect(r).toMatchObject({
      name: 'churn',
      version: `run-${run.info.runId.slice(0, 8)}`,
      runId: run.info.runId,
    })
    expect((await r.load()).model.signature.output.classes).toEqual(['no', 'yes'])
    const missing = await source.resolve(`runs:/${run.info.runId}/nothing`).catch((e) => e)
    expect(isCairnError(missing, 'CAIRN_MODEL_NOT_FOUND')).toBe(true)
  })

  it('refuses URIs no source understands, and two models under one name', async () => {
    const source = bundlePathSource({ base: project.dir })
    const unknown = new ServedModels([{ uri: 'ftp://x/y' }], { sources: [source], pollIntervalMs: 0 })
    expect(isCairnError(await unknown.start().catch((e) => e), 'CAIRN_INVALID_MODEL_URI')).toBe(true)
    await project.writeBundle('bundles/a', await churnModel())
    const twice = new ServedModels(
      [
        { uri: 'bundles/a', name: 'same' },
        { uri: 'bundles/a', name: 'same' },
      ],
      { sources: [source], pollIntervalMs: 0 },
    )
    expect(isCairnError(await twice.start().catch((e) => e), 'CAIRN_CONFLICT')).toBe(true)
    await twice.close()
  })
})

const s3 = useService('s3')
describe.skipIf(s3.skip)('model bundles on S3', () => {
  it('serves s3://bucket/prefix as a bundle', async () => {
    const endpoint = s3.require()
    const bucket = await createBucket(endpoint)
    const s3Options = { endpoint, client: testS3Credentials }
    const store = openArtifactStore(`s3://${bucket}/models/churn`, { s3: s3Options })
    await writeBundleToStore(store, '', toBundle(await churnModel(), { lineage: { version: 3 } }))
    await store.close()
    const source = bundlePathSource({ artifacts: { s3: s3Options } })
    const r = await source.resolve(`s3://${bucket}/models/churn`)
    expect(r).toMatchObject({ name: 'churn', version: '3' })
    expect((await r.load()).model.family).toBe('logistic-regression')
    await source.close?.()
  })
})
