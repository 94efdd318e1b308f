import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { makeFrame, numericColumn, takeRows } from '../../data/index.js'
import { fromBundle, manifestText, toBundle } from '../bundle/index.js'
import { gaussianNb, multinomialNb, NaiveBayesModel } from './index.js'

const fx = JSON.parse(readFileSync(new URL('./fixtures/naive-bayes.json', import.meta.url), 'utf8'))

function frame(X: number[][], y?: number[], w?: number[]) {
  return makeFrame([
    ...X.map((c, j) => numericColumn(`x${j}`, c)),
    ...(y ? [numericColumn('y', y)] : []),
    ...(w ? [numericColumn('w', w)] : []),
  ])
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)))
  return m
}

const rows = (n: number, from = 0) => Int32Array.from({ length: n }, (_, i) => from + i)

describe('Gaussian naive Bayes agrees with scikit-learn (probabilities to 1e-9)', () => {
  const c = fx.gaussian
  const test = frame(c.Xtest)
  it('fit, with and without weights', async () => {
    const m = await gaussianNb().fit(frame(c.X, c.y), { target: 'y' })
    expect(maxDiff(m.stat1, c.theta)).toBeLessThan(1e-12)
    expect(maxDiff(m.stat2, c.var)).toBeLessThan(1e-12)
    expect(maxDiff(m.predict(test).probabilities as Float64Array, c.proba)).toBeLessThan(1e-9)
    const mw = await gaussianNb().fit(frame(c.X, c.y, c.weight), { target: 'y', weight: 'w' })
    expect(maxDiff(mw.predict(test).probabilities as Float64Array, c.probaWeighted)).toBeLessThan(1e-9)
  })
  it('partialFit in two batches matches scikit-learn’s partial_fit', async () => {
    const all = frame(c.X, c.y)
    const first = await gaussianNb().partialFit(takeRows(all, rows(100)), {
      target: 'y',
      classes: ['0', '1', '2'],
    })
    const m = await first.partialFit(takeRows(all, rows(all.rowCount - 100, 100)))
    expect(maxDiff(m.predict(test).probabilities as Float64Array, c.probaPartial)).toBeLessThan(1e-9)
    expect(m.state.updates).toBe(1)
  })
})

describe('multinomial naive Bayes agrees with scikit-learn', () => {
  const c = fx.multinomial
  const test = frame(c.Xtest)
  it('fit and partialFit', async () => {
    const m = await multinomialNb({ alpha: 0.5 }).fit(frame(c.X, c.y), { target: 'y' })
    expect(maxDiff(m.predict(test).probabilities as Float64Array, c.proba)).toBeLessThan(1e-9)
    const all = frame(c.X, c.y)
    const first = await multinomialNb({ alpha: 0.5 }).partialFit(takeRows(all, rows(80)), {
      target: 'y',
      classes: ['0', '1'],
    })
    const m2 = await first.partialFit(takeRows(all, rows(all.rowCount - 80, 80)))
    expect(maxDiff(m2.predict(test).probabilities as Float64Array, c.probaPartial)).toBeLessThan(1e-9)
  })
  it('refuses negative counts, naming the column', async () => {
    await expect(multinomialNb().fit(frame([[1, -2]], [0, 1]), { target: 'y' })).rejects.toMatchObject({
      code: 'CAIRN_INVALID_ARGUMENT',
      details: { column: 'x0', value: -2 },
    })
  })
})

describe('naive Bayes bundles', () => {
  it.each([
    ['gaussian', gaussianNb()],
    ['multinomial', multinomialNb()],
  ] as const)(
    '%s: same bytes for the same fit, same predictions after loading, row path = batch',
    async (name, est) => {
      const c = name === 'gaussian' ? fx.gaussian : fx.multinomial
      const data = frame(c.X, c.y)
      const a = toBundle(await est.fit(data, { target: 'y' }))
      const b = toBundle(await est.fit(data, { target: 'y' }))
      expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).toBe(true)
      expect(manifestText(a.manifest)).toBe(manifestText(b.manifest))
      const back = fromBundle(JSON.parse(manifestText(a.manifest)), a.weights) as NaiveBayesModel
      expect(back).toBeInstanceOf(NaiveBayesModel)
      const test = frame(c.Xtest)
      const batch = back.predict(test)
      const rp = back.rowPredictor()
      const row = Object.fromEntries(c.Xtest.map((col: number[], j: number) => [`x${j}`, col[0]]))
      expect(rp.predict(row).probabilities?.[0]).toBeCloseTo(batch.probabilities?.[0] as number, 12)
    },
  )
})
