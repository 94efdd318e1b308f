import { describe, expect, it } from 'vitest'
import { type Frame, makeFrame, numericColumn } from '../../data/index.js'
import { fromBundle, toBundle } from '../bundle/index.js'
import { Rng } from '../nn/index.js'
import { type LambdaMartModel, lambdaGradients, lambdaMart } from './lambdamart.js'
import { groupedNdcg } from './metrics.js'

/** Queries of 20 documents; relevance 0–3 from a nonlinear function of two of five features. */
function letor(queries: number, seed: number): Frame {
  const rng = new Rng(seed)
  const qid: number[] = []
  const f = Array.from({ length: 5 }, () => [] as number[])
  const rel: number[] = []
  for (let q = 0; q < queries; q++) {
    for (let d = 0; d < 20; d++) {
      qid.push(q)
      const x = f.map((col) => {
        const v = rng.normal()
        col.push(v)
        return v
      })
      const s = x[0]! + 0.7 * x[1]! * x[1]! + 0.2 * rng.normal()
      rel.push(s > 2 ? 3 : s > 1.2 ? 2 : s > 0.5 ? 1 : 0)
    }
  }
  return makeFrame([
    numericColumn('qid', qid),
    ...f.map((v, j) => numericColumn(`f${j}`, v)),
    numericColumn('rel', rel),
  ])
}

function ndcgOf(scores: Float64Array, frame: Frame): number {
  const rel = frame.columns.find((c) => c.name === 'rel')!
  if (rel.type !== 'number') throw new Error('rel')
  return groupedNdcg(scores, rel.values, new Array(frame.rowCount / 20).fill(20), 10)
}

describe('LambdaMART', () => {
  it('gradients push a more relevant document up and a less relevant one down', () => {
    const g = new Float64Array(2)
    const h = new Float64Array(2)
    lambdaGradients(
      Float64Array.of(0, 0),
      Float64Array.of(1, 0),
      { order: Int32Array.of(0, 1), starts: Int32Array.of(0, 2) },
      1,
      0,
      g,
      h,
    )
    expect(g[0]).toBeLessThan(0)
    expect(g[1]).toBeCloseTo(-g[0]!)
    expect(h[0]).toBeGreaterThan(0)
  })

  it('learns to rank on generated queries (training NDCG rises, held-out NDCG@10 ≥ 0.8 and far above a random order) and round-trips', async () => {
    const train = letor(60, 1)
    const test = letor(30, 2)
    const model = await lambdaMart({ query: 'qid', nEstimators: 25, maxDepth: 3, learningRate: 0.2 }).fit(
      train,
      {
        target: 'rel',
        features: ['f0', 'f1', 'f2', 'f3', 'f4'],
      },
    )
    expect(model.history.at(-1)!).toBeGreaterThan(model.history[0]! + 0.05)
    const ndcg = ndcgOf(model.predict(test).values, test)
    const rng = new Rng(3)
    const random = ndcgOf(
      Float64Array.from({ length: test.rowCount }, () => rng.next()),
      test,
    )
    expect(ndcg).toBeGreaterThanOrEqual(0.8)
    expect(ndcg).toBeGreaterThan(random + 0.25)
    const b = toBundle(model)
    const back = fromBundle(b.manifest, b.weights) as LambdaMartModel
    expect([...back.predict(test).values]).toEqual([...model.predict(test).values])
    expect(back.rowPredictor().predict({ f0: 2, f1: 1, f2: 0, f3: 0, f4: 0 }).value).toBeCloseTo(
      model.predict(
        makeFrame(['f0', 'f1', 'f2', 'f3', 'f4'].map((n, j) => numericColumn(n, [[2, 1, 0, 0, 0][j]!]))),
      ).values[0]!,
      9,
    )
  })
})
