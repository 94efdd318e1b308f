import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCairnCli } from '../../../test/support/cairn-cli.js'
import { type Frame, frameFromRows } from '../../data/index.js'
import { exportOnnx, gradientBoosting, logisticRegression, type Model } from '../../ml/index.js'
import { Cairn } from '../../sdk/index.js'

const cairn = runCairnCli

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

/** Predictions of the registered version agree with the model that was exported (1e-5). */
function expectSamePredictions(original: Model, loaded: Model, frame: Frame) {
  const a = original.predict(frame)
  const b = loaded.predict(frame)
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

describe('cairn models register --onnx', () => {
  let dir: string
  let test: Frame
  let regressor: Model
  let classifier: Model

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-cli-onnx-'))
    const train = frameFromRows(rows(400, 1))
    test = frameFromRows(rows(100, 2))
    const features = ['a', 'b']
    regressor = await gradientBoosting({ nEstimators: 20, maxDepth: 3 }).fit(train, {
      target: 'y',
      features,
      seed: 1,
    })
    classifier = await logisticRegression().fit(train, { target: 'cls', features })
    await writeFile(join(dir, 'regressor.onnx'), exportOnnx(regressor))
    await writeFile(join(dir, 'classifier.onnx'), exportOnnx(classifier))
    await writeFile(join(dir, 'garbage.onnx'), Buffer.from('not a protobuf graph at all, only text'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('registers exported graphs as versions that load back and predict like the originals', async () => {
    const json = await cairn(
      dir,
      'models',
      'register',
      'churn',
      '--onnx',
      'regressor.onnx',
      '--alias',
      'staging',
      '--tag',
      'team=ml',
      '-d',
      'from the CLI',
      '--json',
    )
    expect(json.stderr).toBe('')
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: 'churn',
      version: 1,
      aliases: ['staging'],
      tags: { team: 'ml' },
      description: 'from the CLI',
    })
    const human = await cairn(dir, 'models', 'register', 'species', '--onnx', join(dir, 'classifier.onnx'))
    expect(human.code).toBe(0)
    expect(human.stdout).toContain('Registered species v1 (onnx, multiclass) from')
    expect(human.stdout).toContain('inputs: a:number, b:number')
    expect(human.stdout).toContain('cairn serve models:/species/1')

    const c = await Cairn.open({ cwd: dir })
    try {
      const reg = await c.registry.loadModel('models:/churn@staging')
      expect(reg.manifest.family).toBe('onnx')
      expectSamePredictions(regressor, reg.model, test)
      const clf = await c.registry.loadModel('models:/species/1')
      expectSamePredictions(classifier, clf.model, test)
      const run = await c.tracking.getRun(clf.modelVersion.runId as string)
      expect(run.data.params['onnx.file']).toBe('classifier.onnx')
    } finally {
      await c.close()
    }
  })

  it('rejects a garbage file and a missing one with their codes, recording nothing', async () => {
    const garbage = await cairn(dir, 'models', 'register', 'broken', '--onnx', 'garbage.onnx', '-e', 'bad')
    expect(garbage.code).toBe(2)
    expect(garbage.stderr).toContain('CAIRN_ONNX_INVALID')
    const missing = await cairn(dir, 'models', 'register', 'broken', '--onnx', 'nowhere.onnx')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('CAIRN_NOT_FOUND')
    expect(missing.stderr).toContain('nowhere.onnx')

    const c = await Cairn.open({ cwd: dir })
    try {
      await expect(c.registry.getRegisteredModel('broken')).rejects.toMatchObject({
        code: 'CAIRN_MODEL_NOT_FOUND',
      })
      await expect(c.tracking.getExperimentByName('bad')).rejects.toMatchObject({
        code: 'CAIRN_EXPERIMENT_NOT_FOUND',
      })
      const experiments = (await c.tracking.searchExperiments()).items.map((e) => e.experimentId)
      const runs = (await c.tracking.searchRuns({ experimentIds: experiments })).items
      // Only the two imports of the first test recorded runs.
      expect(runs.map((r) => r.info.runName).sort()).toEqual(['onnx-classifier', 'onnx-regressor'])
    } finally {
      await c.close()
    }
  })
})
