import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Frame, frameFromRows } from '../data/index.js'
import { exportOnnx, gradientBoosting, logisticRegression, type Model } from '../ml/index.js'
import { type RunningServer, startServer } from '../server/index.js'
import { Cairn } from './cairn.js'

type Predicted = ReturnType<Model['predict']>

/** Rows with two numeric features, a numeric target and a three-class label, seeded. */
function rows(n: number, seed: number): Record<string, number | string>[] {
  let s = seed
  const r = () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
  return Array.from({ length: n }, () => {
    const a = r() * 4 - 2
    const b = r() * 4 - 2
    const y = 2 * a - b * b + (r() - 0.5) * 0.2
    return { a, b, y, cls: y > 0.5 ? 'hi' : y < -1 ? 'lo' : 'mid' }
  })
}

/** |a − b| ≤ 1e-5 (relative beyond 1) for values and class probabilities; same labels. */
function expectSamePredictions(a: Predicted, b: Predicted) {
  const close = (x: ArrayLike<number>, y: ArrayLike<number> | undefined) => {
    expect(y?.length).toBe(x.length)
    for (let i = 0; i < x.length; i++)
      if (!(Math.abs(x[i]! - y![i]!) <= 1e-5 * Math.max(1, Math.abs(x[i]!))))
        throw new Error(`row ${i}: cairn ${x[i]} vs onnx ${y![i]}`)
  }
  if (a.probabilities) close(a.probabilities, b.probabilities)
  close(a.values, b.values)
  expect(b.classes).toEqual(a.classes)
}

interface OnnxFixture {
  dir: string
  test: Frame
  regressor: Model
  classifier: Model
  regressorFile: string
  classifierFile: string
  garbageFile: string
}

/** Trains two small models, exports them to ONNX and writes a file that is not ONNX. */
async function onnxFixture(): Promise<OnnxFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-onnx-files-'))
  const train = frameFromRows(rows(400, 1))
  const test = frameFromRows(rows(100, 2))
  const features = ['a', 'b']
  const regressor = await gradientBoosting({ nEstimators: 20, maxDepth: 3 }).fit(train, {
    target: 'y',
    features,
    seed: 1,
  })
  const classifier = await logisticRegression().fit(train, { target: 'cls', features })
  const regressorFile = join(dir, 'regressor.onnx')
  const classifierFile = join(dir, 'classifier.onnx')
  const garbageFile = join(dir, 'garbage.onnx')
  await writeFile(regressorFile, exportOnnx(regressor))
  await writeFile(classifierFile, exportOnnx(classifier))
  await writeFile(garbageFile, Buffer.from('this is not a protobuf graph, just text pretending to be ONNX'))
  return { dir, test, regressor, classifier, regressorFile, classifierFile, garbageFile }
}

function suite(mode: string, open: () => Promise<{ cairn: Cairn; cleanup(): Promise<void> }>) {
  describe(`cairn.registry.registerOnnx (${mode})`, () => {
    let cairn: Cairn
    let cleanup: () => Promise<void>
    let f: OnnxFixture
    beforeAll(async () => {
      f = await onnxFixture()
      ;({ cairn, cleanup } = await open())
    })
    afterAll(async () => {
      await cairn?.close()
      await cleanup?.()
      await rm(f.dir, { recursive: true, force: true })
    })

    it('registers exported models that load back and predict like the originals', async () => {
      const reg = await cairn.registry.registerOnnx('onnx-reg', f.regressorFile, {
        aliases: ['staging'],
        tags: { origin: 'test' },
        description: 'gbdt exported to onnx',
        experiment: 'imports',
        metrics: { rmse: 0.5 },
      })
      expect(reg).toMatchObject({ name: 'onnx-reg', version: 1, aliases: ['staging'] })
      expect(reg.tags).toMatchObject({ origin: 'test' })
      const loaded = await cairn.registry.loadModel('models:/onnx-reg@staging')
      expect(loaded.manifest.family).toBe('onnx')
      expect(loaded.model.signature).toEqual(f.regressor.signature)
      expectSamePredictions(f.regressor.predict(f.test), loaded.model.predict(f.test))

      const run = await cairn.tracking.getRun(reg.runId as string)
      expect(run.info).toMatchObject({ runName: 'onnx-regressor', status: 'FINISHED' })
      expect(run.data.params).toMatchObject({ 'onnx.file': 'regressor.onnx', task: 'regression' })
      expect(run.data.params['onnx.sha256']).toMatch(/^[0-9a-f]{64}$/)
      expect(run.data.metrics.rmse?.value).toBe(0.5)
      expect((await cairn.tracking.getExperiment(run.info.experimentId)).name).toBe('imports')

      const clf = await cairn.registry.registerOnnx('onnx-clf', f.classifierFile)
      const back = await cairn.registry.loadModel('models:/onnx-clf/1')
      expect(back.model.signature.output.classes).toEqual(['hi', 'lo', 'mid'])
      expectSamePredictions(f.classifier.predict(f.test), back.model.predict(f.test))
      expect(back.modelVersion.runId).toBe(clf.runId)
      const again = await cairn.registry.registerOnnx('onnx-clf', f.classifierFile)
      expect(again.version).toBe(2)
    })

    it("stores the bundle in a given run's artifacts", async () => {
      const run = await cairn.tracking.startRun({ experiment: 'imports', runName: 'mine' })
      const mv = await cairn.registry.registerOnnx('onnx-in-run', f.regressorFile, {
        runId: run.id,
        artifactPath: 'exported/model',
      })
      await run.end()
      expect(mv.source).toBe(`runs:/${run.id}/exported/model`)
      const paths = (await cairn.tracking.listArtifacts(run.id, 'exported/model')).map((e) => e.path)
      expect(paths).toContain('exported/model/manifest.json')
      const loaded = await cairn.registry.loadModel('models:/onnx-in-run/1')
      expectSamePredictions(f.regressor.predict(f.test), loaded.model.predict(f.test))
    })

    it('rejects a file that is not ONNX (CAIRN_ONNX_INVALID) or is missing (CAIRN_NOT_FOUND), recording nothing', async () => {
      const countRuns = async () =>
        (
          await cairn.tracking.searchRuns({
            experimentIds: (
              await cairn.tracking.searchExperiments({ maxResults: 1000 })
            ).items.map((e) => e.experimentId),
            maxResults: 1000,
          })
        ).items.length
      const before = await countRuns()
      await expect(
        cairn.registry.registerOnnx('onnx-bad', f.garbageFile, { experiment: 'bad-imports' }),
      ).rejects.toMatchObject({ code: 'CAIRN_ONNX_INVALID' })
      await expect(
        cairn.registry.registerOnnx('onnx-bad', join(f.dir, 'missing.onnx')),
      ).rejects.toMatchObject({ code: 'CAIRN_NOT_FOUND', hint: expect.stringMatching(/\.onnx/) })
      expect(await countRuns()).toBe(before)
      await expect(cairn.registry.getRegisteredModel('onnx-bad')).rejects.toMatchObject({
        code: 'CAIRN_MODEL_NOT_FOUND',
      })
      expect((await cairn.registry.searchModelVersions({ filter: "name = 'onnx-bad'" })).items).toEqual([])
      await expect(cairn.tracking.getExperimentByName('bad-imports')).rejects.toMatchObject({
        code: 'CAIRN_EXPERIMENT_NOT_FOUND',
      })
    })
  })
}

suite('embedded', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cairn-sdk-onnx-'))
  const cairn = await Cairn.open({ cwd: root })
  return { cairn, cleanup: () => rm(root, { recursive: true, force: true }) }
})

let server: RunningServer
suite('remote', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cairn-sdk-onnx-'))
  const serverDir = await mkdtemp(join(tmpdir(), 'cairn-sdk-onnx-server-'))
  server = await startServer({ cwd: serverDir, port: 0 })
  const cairn = await Cairn.open({ cwd: root, trackingUri: server.url })
  return {
    cairn,
    async cleanup() {
      await server.close()
      await rm(root, { recursive: true, force: true })
      await rm(serverDir, { recursive: true, force: true })
    },
  }
})
