import { describe, expect, it } from 'vitest'
import { type Frame, frameToRows, takeRows } from '../../data/index.js'
import { fromBundle, type Model, toBundle } from '../bundle/index.js'
import { mlpClassifier } from '../nn/index.js'
import { moons } from '../nn/testing/synthetic.js'
import { pipeline } from '../pipeline/index.js'
import { oneHotEncoder, standardScaler } from '../transforms/index.js'
import { updateFromStream } from './online-model.js'

function accuracy(model: Model, frame: Frame): number {
  const p = model.predict(frame)
  const label = frame.columns.find((c) => c.name === 'label')!
  if (label.type !== 'category') throw new Error('label')
  let ok = 0
  for (let i = 0; i < frame.rowCount; i++)
    if (p.classes![p.values[i]!] === label.categories[label.codes[i]!]) ok++
  return ok / frame.rowCount
}

describe('online learning from a stream', () => {
  it('starts an MLP from a first batch, re-versions it per batch with lineage, and improves on the shifted stream', async () => {
    const first = moons(200, 1)
    let model: Model = await mlpClassifier({ learningRate: 0.01 }).partialFit(first, {
      target: 'label',
      classes: ['a', 'b'],
      seed: 1,
    })
    const stream = moons(1500, 2, 0.8)
    const holdout = takeRows(
      stream,
      Int32Array.from({ length: 300 }, (_, i) => 1200 + i),
    )
    const before = accuracy(model, holdout)
    async function* batches() {
      for (let b = 0; b < 6; b++)
        yield takeRows(
          stream,
          Int32Array.from({ length: 200 }, (_, i) => b * 200 + i),
        )
    }
    const versions: { version: number; parent: unknown; acc: number }[] = []
    model = await updateFromStream(model, batches(), {
      epochs: 3,
      evaluate: (m) => ({ accuracy: accuracy(m, holdout) }),
      onUpdate: ({ version, bundle }) => {
        versions.push({
          version,
          parent: bundle.manifest.lineage.parentWeightsSha256,
          acc: bundle.manifest.metrics.accuracy!,
        })
        const back = fromBundle(bundle.manifest, bundle.weights)
        expect(back.family).toBe('mlp')
      },
    })
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6])
    expect(new Set(versions.map((v) => v.parent)).size).toBe(6)
    expect(versions.at(-1)!.acc).toBeGreaterThan(before + 0.1)
    expect(accuracy(model, holdout)).toBeGreaterThan(0.9)
  })

  it('rejects models that cannot learn online', async () => {
    const m = await pipeline([standardScaler()], mlpClassifier({ epochs: 1, patience: 0 })).fit(
      moons(50, 1),
      { target: 'label' },
    )
    await expect(updateFromStream(m, [moons(10, 1)])).rejects.toMatchObject({ code: 'CAIRN_NOT_IMPLEMENTED' })
  })
})

describe('MLP as the final step of a pipeline', () => {
  it('fits after scaling and one-hot encoding, predicts by frame and by row, and round-trips as a pipeline bundle', async () => {
    const train = moons(400, 3)
    const test = moons(200, 4)
    const est = pipeline(
      [standardScaler(), oneHotEncoder()],
      mlpClassifier({ hiddenLayers: [32, 16], epochs: 60, learningRate: 0.01, patience: 0 }),
    )
    const model = await est.fit(train, { target: 'label', seed: 1 })
    expect(model.family).toBe('pipeline')
    expect(accuracy(model, test)).toBeGreaterThan(0.95)
    const b = toBundle(model)
    const back = fromBundle(b.manifest, b.weights)
    expect([...back.predict(test).probabilities!]).toEqual([...model.predict(test).probabilities!])
    const one = takeRows(test, [7])
    const row = frameToRows(one)[0]!
    expect(back.rowPredictor().predict(row).probabilities![0]).toBeCloseTo(
      model.predict(one).probabilities![0]!,
      6,
    )
  })
})
