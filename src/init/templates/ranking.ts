import { seeded, type TemplateSpec } from '../template.js'

const ITEMS = 120
const USERS = 150
const GENRES = 6

/** Ranking: recommend items from implicit feedback (matrix factorization, NDCG@10). */
export const ranking: TemplateSpec = {
  name: 'ranking',
  summary: 'recommendations from implicit feedback (user × item plays), matrix factorization, NDCG@10',
  dataset: 'plays',
  model: 'recommender',
  target: 'plays',
  id: 'event_id',
  task: 'ranking',
  metric: 'ndcg_at_10',
  greaterIsBetter: true,
  sampleDay(day, seed) {
    // every user prefers one genre; items belong to genres; popular items get more plays
    const r = seeded(seed + day * 32_452_843)
    const rows: Record<string, string | number>[] = []
    const t0 = Date.UTC(2026, 10, 20 + day)
    for (let u = 0; u < USERS; u++) {
      const genre = u % GENRES
      const n = 2 + Math.floor(r() * 5)
      for (let k = 0; k < n; k++) {
        const own = r() < 0.8
        const g = own ? genre : Math.floor(r() * GENRES)
        const item = g + GENRES * Math.floor(r() ** 1.6 * (ITEMS / GENRES))
        rows.push({
          event_id: `e${day}-${u}-${k}`,
          user_id: `u${String(u).padStart(3, '0')}`,
          item_id: `i${String(item).padStart(3, '0')}`,
          plays: 1 + Math.floor(r() * 4),
          ts: t0 + Math.floor(r() * 86_400_000),
        })
      }
    }
    return rows
  },
  expectations: [
    '{ kind: not_null, column: user_id }',
    '{ kind: not_null, column: item_id }',
    '{ kind: unique, column: event_id }',
    '{ kind: between, column: plays, min: 1 }',
    '{ kind: row_count_between, min: 100 }',
  ],
  params: `features:
  seed: 7              # the test split is each user's last interaction (leave-last-out)
train:
  factors: 16
  iterations: 12
  regularization: 0.05
  alpha: 10
evaluate:
  register: true       # register the model when it beats the current champion
`,
  featuresModule: `import { dropColumns, type Frame } from 'cairn/data'
import { leaveLastOut } from 'cairn/ml'

/** The model's features: who played what, how often, and when (the event id is dropped). */
export function buildFeatures(frame: Frame): Frame {
  return dropColumns(frame, ['event_id', 'dt'].filter((c) => frame.columns.some((x) => x.name === c)))
}

/** Train and test interactions: each user's last one is held out (leave-last-out). */
export function splitTrainTest(frame: Frame, _p: { seed: number }): { train: Frame; test: Frame } {
  return leaveLastOut(frame, { user: 'user_id', time: 'ts' })
}
`,
  modelModule: `import type { Frame } from 'cairn/data'
import { type Estimator, evaluateRecommender, matrixFactorization, type Model, type Recommender } from 'cairn/ml'

export const TARGET = 'plays'
export interface TrainParams {
  factors: number
  iterations: number
  regularization: number
  alpha: number
}

/** The estimator train.ts fits (change the family or its params here and in params.yaml). */
export function makeEstimator(p: TrainParams): Estimator {
  return matrixFactorization({
    user: 'user_id',
    item: 'item_id',
    weight: 'plays',
    factors: p.factors,
    iterations: p.iterations,
    regularization: p.regularization,
    alpha: p.alpha,
  })
}

/** Metrics on held-out interactions; the first one is what evaluate compares with the champion. */
export function score(model: Model, test: Frame): Record<string, number> {
  const m = evaluateRecommender(model as unknown as Recommender, test, { ks: [10] })
  return { ndcg_at_10: m['ndcg@10'] as number, recall_at_10: m['recall@10'] as number, users: m.users as number }
}
`,
  featuresTest: `import assert from 'node:assert/strict'
import { test } from 'node:test'
import { frameFromRows } from 'cairn/data'
import { buildFeatures } from '../src/lib/features.js'

test('buildFeatures keeps users, items, plays and time', () => {
  const frame = frameFromRows([{ event_id: 'e1', user_id: 'u1', item_id: 'i1', plays: 2, ts: 1 }])
  assert.deepEqual(
    buildFeatures(frame).columns.map((c) => c.name),
    ['user_id', 'item_id', 'plays', 'ts'],
  )
})
`,
  exampleRow: { user_id: 'u001', item_id: 'i007' },
}
