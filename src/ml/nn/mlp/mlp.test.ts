import { describe, expect, it } from 'vitest'
import { takeRows } from '../../../data/index.js'
import { fromBundle, toBundle } from '../../bundle/index.js'
import { moons, wave } from '../testing/synthetic.js'
import { mlpClassifier, mlpRegressor } from './mlp-estimator.js'
import './mlp-family.js'
import type { MlpModel } from './mlp-model.js'

function accuracy(model: MlpModel, frame: ReturnType<typeof moons>): number {
  const pred = model.predict(frame)
  const label = frame.columns.find((c) => c.name === 'label')!
  if (label.type !== 'category') throw new Error('label')
  let ok = 0
  for (let i = 0; i < frame.rowCount; i++)
    if (pred.classes![pred.values[i]!] === label.categories[label.codes[i]!]) ok++
  return ok / frame.rowCount
}

describe('MLP classifier', () => {
  it('learns two moons (loss falls, held-out accuracy ≥ 0.95) and round-trips through a bundle', async () => {
    const train = moons(600, 1)
    const test = moons(300, 2)
    const model = await mlpClassifier({
      hiddenLayers: [32, 16],
      epochs: 60,
      learningRate: 0.01,
      patience: 10,
    }).fit(train, { target: 'label', seed: 7 })
    const losses = model.state.trainLoss
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.5)
    expect(accuracy(model, test)).toBeGreaterThanOrEqual(0.95)
    expect(model.signature.output).toEqual({ task: 'binary', name: 'label', classes: ['a', 'b'] })

    const bundle = toBundle(model)
    const back = fromBundle(bundle.manifest, bundle.weights) as MlpModel
    expect([...back.predict(test).probabilities!]).toEqual([...model.predict(test).probabilities!])
    const row = { x1: 0.5, x2: 0.9, colour: 'purple' }
    const one = back.rowPredictor().predict(row)
    expect(one.label).toBe('a')
    expect(one.probabilities![0]).toBeGreaterThan(0.5)
  })

  it('is deterministic for a seed and trains with AdamW, SGD, GELU, layer norm and dropout', async () => {
    const train = moons(300, 3)
    const est = mlpClassifier({ epochs: 5, patience: 0 })
    const a = await est.fit(train, { target: 'label', seed: 1 })
    const b = await est.fit(train, { target: 'label', seed: 1 })
    expect([...a.predict(train).values]).toEqual([...b.predict(train).values])
    for (const p of [
      {
        optimizer: 'adamw' as const,
        activation: 'gelu' as const,
        layerNorm: true,
        dropout: 0.1,
        learningRate: 0.01,
      },
      {
        optimizer: 'sgd' as const,
        activation: 'tanh' as const,
        learningRate: 0.05,
        schedule: { kind: 'cosine' as const },
      },
    ]) {
      const m = await mlpClassifier({ ...p, epochs: 40, patience: 0 }).fit(train, {
        target: 'label',
        seed: 2,
      })
      expect(accuracy(m, moons(200, 4))).toBeGreaterThan(0.9)
    }
  })

  it('updates from a shifted stream with partialFit and improves on the new distribution', async () => {
    const model = await mlpClassifier({ epochs: 40, learningRate: 0.01, patience: 0 }).fit(moons(400, 5), {
      target: 'label',
      seed: 3,
    })
    const shifted = moons(1200, 6, 0.8)
    const holdout = takeRows(
      shifted,
      Int32Array.from({ length: 300 }, (_, i) => 900 + i),
    )
    const before = accuracy(model, holdout)
    let m = model
    for (let b = 0; b < 3; b++) {
      m = await m.partialFit(
        takeRows(
          shifted,
          Int32Array.from({ length: 300 }, (_, i) => b * 300 + i),
        ),
        { epochs: 5 },
      )
    }
    const after = accuracy(m, holdout)
    expect(after).toBeGreaterThan(before + 0.05)
    expect(after).toBeGreaterThan(0.9)
    expect(m.state.updates).toBe(3)
    expect(model.state.updates).toBe(0)
    const back = fromBundle(toBundle(m).manifest, toBundle(m).weights) as MlpModel
    expect(back.state.steps).toBe(m.state.steps)
    await expect(m.partialFit(takeRows(moons(10, 1), []))).rejects.toMatchObject({
      code: 'CAIRN_EMPTY_TRAINING_DATA',
    })
  })
})

describe('MLP regressor', () => {
  it('fits a nonlinear surface to R² ≥ 0.9 with early stopping on a validation frame', async () => {
    const train = wave(1500, 1)
    const test = wave(400, 2)
    const model = await mlpRegressor({
      hiddenLayers: [32, 32],
      epochs: 60,
      learningRate: 0.005,
      patience: 5,
    }).fit(train, { target: 'y', seed: 1, validation: wave(300, 3) })
    const pred = model.predict(test).values
    const y = test.columns.find((c) => c.name === 'y')!
    if (y.type !== 'number') throw new Error('y')
    let mean = 0
    for (const v of y.values) mean += v / y.values.length
    let ssr = 0
    let sst = 0
    y.values.forEach((v, i) => {
      ssr += (v - pred[i]!) ** 2
      sst += (v - mean) ** 2
    })
    expect(1 - ssr / sst).toBeGreaterThan(0.9)
    expect(model.state.validationLoss.length).toBeGreaterThan(0)
  })

  it('rejects text columns and empty frames with clear codes', async () => {
    await expect(mlpRegressor().fit(takeRows(wave(10, 1), []), { target: 'y' })).rejects.toMatchObject({
      code: 'CAIRN_EMPTY_TRAINING_DATA',
    })
  })
})
