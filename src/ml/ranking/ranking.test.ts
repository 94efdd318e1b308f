import { beforeAll, describe, expect, it } from 'vitest'
import { categoryColumn, type Frame, makeFrame, numericColumn, takeRows } from '../../data/index.js'
import { fromBundle, toBundle } from '../bundle/index.js'
import { Rng } from '../nn/index.js'
import { alsHalfStep, alsHalfStepCg } from './als.js'
import { evaluateRecommender } from './evaluate.js'
import { leaveLastOut } from './interactions.js'
import { matrixFactorization } from './matrix-factorization.js'
import {
  averagePrecisionAtK,
  groupedNdcg,
  hitRateAtK,
  ndcgAtK,
  recallAtK,
  reciprocalRank,
} from './metrics.js'
import { popularityRecommender } from './popularity.js'
import type { Recommender } from './recommender.js'
import { topK } from './top-k.js'
import { type TwoTowerModel, twoTower } from './two-tower.js'

const GENRES = 8
/**
 * Users each like one genre (a user feature); items belong to a genre (an item feature) and are
 * Zipf-popular. A user's interactions are 85% items of their genre, picked by popularity.
 */
function interactions(users: number, items: number, perUser: number, seed: number, firstUser = 0): Frame {
  const rng = new Rng(seed)
  const byGenre: number[][] = Array.from({ length: GENRES }, () => [])
  for (let i = 0; i < items; i++) byGenre[i % GENRES]!.push(i)
  const pick = (list: number[]) =>
    list[Math.min(list.length - 1, Math.floor(list.length * rng.next() ** 2.5))]!
  const u: string[] = []
  const it: string[] = []
  const t: number[] = []
  const ug: string[] = []
  const ig: string[] = []
  const age: number[] = []
  for (let k = 0; k < users; k++) {
    const id = firstUser + k
    const g = id % GENRES
    const seen = new Set<number>()
    for (let n = 0; n < perUser; n++) {
      let item: number
      do item = rng.next() < 0.85 ? pick(byGenre[g]!) : rng.int(items)
      while (seen.has(item) && seen.size < items)
      seen.add(item)
      u.push(`u${id}`)
      it.push(`i${item}`)
      t.push(n * 1000 + rng.int(1000))
      ug.push(`g${g}`)
      ig.push(`g${item % GENRES}`)
      age.push(20 + (id % 40))
    }
  }
  return makeFrame([
    categoryColumn('user', u),
    categoryColumn('item', it),
    numericColumn('ts', t),
    categoryColumn('user_genre', ug),
    numericColumn('age', age),
    categoryColumn('item_genre', ig),
  ])
}

describe('ranking metrics', () => {
  it('match hand-computed values', () => {
    const ranked = ['a', 'b', 'c', 'd']
    const rel = new Set(['b', 'd'])
    expect(recallAtK(ranked, rel, 2)).toBe(0.5)
    expect(hitRateAtK(ranked, rel, 1)).toBe(0)
    expect(reciprocalRank(ranked, rel)).toBe(0.5)
    expect(averagePrecisionAtK(ranked, rel, 4)).toBeCloseTo((1 / 2 + 2 / 4) / 2)
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5)
    expect(ndcgAtK(ranked, rel, 4)).toBeCloseTo(dcg / (1 + 1 / Math.log2(3)))
    const graded = new Map([
      ['a', 1],
      ['c', 3],
    ])
    expect(ndcgAtK(['c', 'a', 'b'], graded, 3)).toBeCloseTo(1)
    expect(groupedNdcg([0.1, 0.9, 0.5, 0.2], [1, 0, 0, 1], [2, 2], 2)).toBeCloseTo(
      (1 / Math.log2(3) + 1 / Math.log2(3)) / 2,
    )
  })

  it('conjugate-gradient ALS converges to the exact (Cholesky) solve', () => {
    const rng = new Rng(2)
    const f = 6
    const y = Float32Array.from({ length: 20 * f }, () => rng.normal())
    const offsets = Int32Array.of(0, 3, 7)
    const cols = Int32Array.of(1, 4, 9, 0, 2, 3, 19)
    const vals = Float32Array.of(1, 2, 1, 5, 1, 1, 3)
    const exact = new Float32Array(2 * f)
    const cg = new Float32Array(2 * f)
    alsHalfStep(2, offsets, cols, vals, y, f, 0.1, 10, exact)
    alsHalfStepCg(2, offsets, cols, vals, y, f, 0.1, 10, cg, 50)
    for (let i = 0; i < exact.length; i++) expect(cg[i]).toBeCloseTo(exact[i]!, 3)
  })

  it('top-k keeps the best k in order and honours exclusions', () => {
    const s = Float32Array.from([0.1, 0.9, 0.3, 0.95, 0.5, Number.NaN])
    expect([...topK(s, 3).indices]).toEqual([3, 1, 4])
    expect([...topK(s, 2, new Set([3])).indices]).toEqual([1, 4])
    expect([...topK(s, 10).indices]).toHaveLength(5)
  })
})

describe('recommenders', () => {
  const all = interactions(240, 320, 25, 1)
  const { train, test } = leaveLastOut(all, { user: 'user', time: 'ts' })
  const cols = { user: 'user', item: 'item' }
  let tt: TwoTowerModel
  beforeAll(async () => {
    tt = await twoTower({
      ...cols,
      epochs: 10,
      batchSize: 128,
      embeddingDim: 16,
      hidden: [32],
      outputDim: 16,
      userFeatures: ['user_genre', 'age'],
      itemFeatures: ['item_genre'],
    }).fit(train, { seed: 1 })
  })

  it('leave-last-out holds out each user’s latest interaction', () => {
    expect(test.rowCount).toBe(240)
    expect(train.rowCount).toBe(240 * 24)
  })

  it('matrix factorisation and two-tower beat popularity on held-out interactions; two-tower loss falls', async () => {
    const pop = await popularityRecommender(cols).fit(train)
    const mf = await matrixFactorization({ ...cols, factors: 16, iterations: 8 }).fit(train)
    const ks = { ks: [10, 50] }
    const rp = evaluateRecommender(pop, test, ks)
    const rm = evaluateRecommender(mf, test, ks)
    const rt = evaluateRecommender(tt, test, ks)
    expect(tt.towerState.trainLoss.at(-1)!).toBeLessThan(tt.towerState.trainLoss[0]! * 0.9)
    expect(rm['ndcg@10']!).toBeGreaterThan(rp['ndcg@10']! * 1.3)
    expect(rt['ndcg@10']!).toBeGreaterThan(rp['ndcg@10']! * 1.3)
    expect(rt['recall@50']!).toBeGreaterThan(0.4)
    expect(rt.coldUsers).toBe(0)

    for (const m of [pop, mf, tt] as Recommender[]) {
      const b = toBundle(m)
      const back = fromBundle(b.manifest, b.weights) as Recommender
      expect(back.recommend('u3', 5)).toEqual(m.recommend('u3', 5))
      const frame = takeRows(test, [0, 1, 2])
      expect([...back.predict(frame).values]).toEqual([...m.predict(frame).values])
    }
  })

  it('cold start: unseen users rank from features (two-tower) or popularity, and the answer says so', async () => {
    const mf = await matrixFactorization({ ...cols, factors: 16, iterations: 5 }).fit(train)
    const fresh = interactions(40, 320, 10, 9, 10_000)
    const features = (u: string) => {
      const id = Number(u.slice(1))
      return { user_genre: `g${id % GENRES}`, age: 20 + (id % 40) }
    }
    const viaFeatures = evaluateRecommender(tt, fresh, { ks: [10], features })
    const viaPopularity = evaluateRecommender(mf, fresh, { ks: [10], features })
    expect(viaFeatures.coldUsers).toBe(40)
    expect(viaFeatures['ndcg@10']!).toBeGreaterThan(viaPopularity['ndcg@10']! * 1.5)
    const rec = tt.recommend('nobody', 3, { features: { user_genre: 'g2', age: 30 } })
    expect(rec.coldStart).toBe('features')
    expect(tt.recommend('nobody', 3).coldStart).toBe('popularity')
    expect(mf.recommend('nobody', 3).coldStart).toBe('popularity')
    expect(mf.recommend('u1', 3).coldStart).toBeNull()
    const pred = tt.predict(takeRows(fresh, [0]))
    expect(pred.coldStart[0]).toBe(1)
    expect(Number.isFinite(pred.values[0]!)).toBe(true)
    expect(mf.rowPredictor().predict({ user: 'ghost', item: 'i0' }).value).toBeGreaterThan(0)
  })
})
