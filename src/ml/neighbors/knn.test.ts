import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { makeFrame, numericColumn } from '../../data/index.js'
import { fromBundle, manifestText, toBundle } from '../bundle/index.js'
import { Rng } from '../matrix/index.js'
import { KnnModel, knnClassifier, knnRegressor, NeighborIndex } from './index.js'

const fx = JSON.parse(readFileSync(new URL('./fixtures/knn.json', import.meta.url), 'utf8'))

const frame = (X: number[][], y?: number[]) =>
  makeFrame([...X.map((c, j) => numericColumn(`x${j}`, c)), ...(y ? [numericColumn('y', y)] : [])])

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)))
  return m
}

describe('k-nearest neighbours agree with scikit-learn (neighbour sets exact, values to 1e-12)', () => {
  const train = frame(fx.X, fx.y)
  const trainR = frame(fx.X, fx.yr)
  const test = frame(fx.Xtest)
  const cases = Object.entries(
    fx.cases as Record<
      string,
      {
        weights: string
        metric: string
        p: number
        proba: number[]
        regression: number[]
        neighbors: number[]
      }
    >,
  )
  const algorithms = ['brute', 'kd-tree'] as const
  it.each(
    cases.flatMap(([name, c]) =>
      algorithms.filter((a) => !(a === 'kd-tree' && c.metric === 'cosine')).map((a) => [name, a, c] as const),
    ),
  )('%s (%s)', async (_, algorithm, c) => {
    const params = { k: 7, weights: c.weights, metric: c.metric, p: c.p, algorithm, leafSize: 10 } as never
    const cls = await knnClassifier(params).fit(train, { target: 'y' })
    const { indices } = cls.kneighbors(test)
    expect([...indices]).toEqual(c.neighbors)
    expect(maxDiff(cls.predict(test).probabilities as Float64Array, c.proba)).toBeLessThan(1e-12)
    const reg = await knnRegressor(params).fit(trainR, { target: 'y' })
    expect(maxDiff(reg.predict(test).values, c.regression)).toBeLessThan(1e-12)
  })
})

describe('neighbour index', () => {
  it('k-d tree and brute force agree on random data with duplicates (ties go to the lower index)', () => {
    const rng = new Rng(1)
    const n = 2000
    const p = 3
    const pts = Float64Array.from({ length: n * p }, () => Math.round(rng.normal() * 4) / 4)
    const brute = new NeighborIndex(pts, p, 'euclidean', 2, 9, false)
    const tree = new NeighborIndex(pts, p, 'euclidean', 2, 9, true, 16)
    const d1 = new Float64Array(9)
    const d2 = new Float64Array(9)
    const i1 = new Int32Array(9)
    const i2 = new Int32Array(9)
    for (let q = 0; q < 200; q++) {
      const x = Float64Array.from({ length: p }, () => rng.normal())
      brute.query(x, d1, i1)
      tree.query(x, d2, i2)
      expect([...i2]).toEqual([...i1])
      expect([...d2]).toEqual([...d1])
    }
  })
})

describe('kNN bundles and bad input', () => {
  it('round-trips (the tree is rebuilt on load) and rejects weights', async () => {
    const train = frame(fx.X, fx.y)
    const m = await knnClassifier({ k: 3, weights: 'distance' }).fit(train, { target: 'y' })
    const b = toBundle(m)
    const back = fromBundle(JSON.parse(manifestText(b.manifest)), b.weights)
    expect(back).toBeInstanceOf(KnnModel)
    const test = frame(fx.Xtest)
    expect([...(back.predict(test).probabilities as Float64Array)]).toEqual([
      ...(m.predict(test).probabilities as Float64Array),
    ])
    const row = Object.fromEntries(fx.Xtest.map((c: number[], j: number) => [`x${j}`, c[5]]))
    expect(back.rowPredictor().predict(row).value).toBe(back.predict(test).values[5])
    const weighted = makeFrame([
      numericColumn('x0', [1, 2]),
      numericColumn('y', [0, 1]),
      numericColumn('w', [1, 1]),
    ])
    await expect(knnClassifier().fit(weighted, { target: 'y', weight: 'w' })).rejects.toMatchObject({
      code: 'CAIRN_INVALID_ARGUMENT',
    })
  })
})
