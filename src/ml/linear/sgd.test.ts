import { describe, expect, it } from 'vitest'
import { makeFrame, numericColumn } from '../../data/index.js'
import { fromBundle, manifestText, toBundle } from '../bundle/index.js'
import { Rng } from '../matrix/index.js'
import { accuracy, r2, scoreModel } from '../metrics/index.js'
import { SgdModel, sgdClassifier, sgdRegressor } from './index.js'

function regressionFrame(n: number, seed: number, w: [number, number], b: number) {
  const rng = new Rng(seed)
  const x1 = Array.from({ length: n }, () => rng.normal())
  const x2 = Array.from({ length: n }, () => rng.normal())
  const y = x1.map((v, i) => w[0] * v + w[1] * (x2[i] as number) + b + 0.1 * rng.normal())
  return makeFrame([numericColumn('x1', x1), numericColumn('x2', x2), numericColumn('y', y)])
}

function blobs(n: number, seed: number, k: number, shift = 0) {
  const rng = new Rng(seed)
  const x1: number[] = []
  const x2: number[] = []
  const y: number[] = []
  for (let i = 0; i < n; i++) {
    const c = i % k
    const angle = (2 * Math.PI * c) / k + shift
    x1.push(3 * Math.cos(angle) + rng.normal())
    x2.push(3 * Math.sin(angle) + rng.normal())
    y.push(c)
  }
  return makeFrame([numericColumn('x1', x1), numericColumn('x2', x2), numericColumn('y', y)])
}

describe('SGD regressor', () => {
  it('learns a linear relation (R² > 0.99, coefficients within 0.05)', async () => {
    const frame = regressionFrame(2000, 1, [2, -1], 3)
    const m = await sgdRegressor({ alpha: 1e-6 }).fit(frame, { target: 'y', seed: 1 })
    expect(
      r2((frame.columns[2] as { values: Float64Array }).values, m.predict(frame).values),
    ).toBeGreaterThan(0.99)
    expect(Math.abs((m.coef[0] as number) - 2)).toBeLessThan(0.05)
    expect(Math.abs((m.coef[1] as number) + 1)).toBeLessThan(0.05)
    expect(Math.abs((m.intercept[0] as number) - 3)).toBeLessThan(0.05)
  })
  it('is deterministic for a seed and round-trips through a bundle, still learning afterwards', async () => {
    const frame = regressionFrame(300, 2, [1, 1], 0)
    const est = sgdRegressor({ loss: 'huber', penalty: 'elasticnet', maxIter: 20 })
    const a = toBundle(await est.fit(frame, { target: 'y', seed: 9 }))
    const b = toBundle(await est.fit(frame, { target: 'y', seed: 9 }))
    expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).toBe(true)
    expect(manifestText(a.manifest)).toBe(manifestText(b.manifest))
    const back = fromBundle(JSON.parse(manifestText(a.manifest)), a.weights)
    expect(back).toBeInstanceOf(SgdModel)
    const next = await (back as SgdModel).partialFit(frame)
    expect(next.samplesSeen).toBe((back as SgdModel).samplesSeen + 300)
  })
  it('adapts to a shifted stream with partialFit', async () => {
    const before = regressionFrame(1000, 3, [2, -1], 3)
    // A constant rate keeps tracking drift; invscaling's decayed rate would adapt slowly.
    const m0 = await sgdRegressor({ learningRate: 'constant' }).fit(before, { target: 'y', seed: 1 })
    const holdout = regressionFrame(500, 4, [-1, 2], 0)
    const score = (m: SgdModel) => scoreModel(m, holdout, { target: 'y', metrics: ['r2'] }).r2 as number
    let m = m0
    const scores = [score(m)]
    for (let batch = 0; batch < 5; batch++) {
      m = await m.partialFit(regressionFrame(400, 10 + batch, [-1, 2], 0), { seed: batch })
      scores.push(score(m))
    }
    expect(scores[0]).toBeLessThan(0)
    expect(scores[5]).toBeGreaterThan(0.95)
    expect(m0.predict(holdout).values).toEqual(m0.predict(holdout).values)
    expect(m.state.online?.updates).toBe(5)
  })
})

describe('SGD classifier', () => {
  it.each(['hinge', 'log-loss', 'modified-huber', 'perceptron', 'squared-hinge'] as const)(
    '%s separates three blobs (accuracy > 0.9)',
    async (loss) => {
      const train = blobs(900, 1, 3)
      const test = blobs(300, 2, 3)
      const m = await sgdClassifier({ loss }).fit(train, { target: 'y', seed: 3 })
      const pred = m.predict(test)
      const truth = Int32Array.from((test.columns[2] as { values: Float64Array }).values)
      expect(accuracy(truth, Int32Array.from(pred.values))).toBeGreaterThan(0.9)
      expect(pred.probabilities !== undefined).toBe(loss === 'log-loss' || loss === 'modified-huber')
    },
  )
  it('starts from a first batch with declared classes, then learns online', async () => {
    const est = sgdClassifier({ loss: 'log-loss' })
    const first = blobs(30, 5, 2)
    let m = await est.partialFit(first, { target: 'y', classes: ['0', '1', '2'], seed: 1 })
    expect(m.classes).toEqual(['0', '1', '2'])
    const test = blobs(300, 6, 3)
    const acc0 = scoreModel(m, test, { target: 'y', metrics: ['accuracy'] }).accuracy as number
    for (let i = 0; i < 5; i++) m = await m.partialFit(blobs(300, 20 + i, 3))
    const acc1 = scoreModel(m, test, { target: 'y', metrics: ['accuracy'] }).accuracy as number
    expect(acc0).toBeLessThan(0.7)
    expect(acc1).toBeGreaterThan(0.9)
  })
  it('names a class never seen at fit time', async () => {
    const m = await sgdClassifier().fit(blobs(60, 1, 2), { target: 'y' })
    await expect(m.partialFit(blobs(60, 2, 3))).rejects.toMatchObject({
      code: 'CAIRN_UNSEEN_CLASS',
      details: expect.objectContaining({ column: 'y', label: '2' }),
    })
  })
})
