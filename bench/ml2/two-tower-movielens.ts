/**
 * Retrieval on MovieLens (small): two-tower (in-batch softmax, item genre/year features) vs implicit
 * ALS matrix factorisation vs popularity. Time-based leave-last-out: each user's latest rating is held
 * out; every other item is ranked (excluding the user's training items). Reports training seconds,
 * NDCG@10 and recall@50, and ratios to the popularity baseline.
 * Run: npx tsx bench/ml2/two-tower-movielens.ts
 */
import { readFileSync } from 'node:fs'
import { categoryColumn, makeFrame, numericColumn } from '../../src/data/index.js'
import {
  evaluateRecommender,
  leaveLastOut,
  matrixFactorization,
  popularityRecommender,
  type Recommender,
  twoTower,
} from '../../src/ml/ranking/index.js'

const dir = '/work/shared/datasets/movielens-small'
const movies = new Map<string, { genre: string; year: number }>()
for (const line of readFileSync(`${dir}/movies.csv`, 'utf8').split('\n').slice(1)) {
  if (!line) continue
  const m = /^(\d+),(?:"(.*)"|(.*)),([^,]*)$/.exec(line)
  if (!m) continue
  const title = m[2] ?? m[3] ?? ''
  const year = Number(/\((\d{4})\)\s*$/.exec(title)?.[1] ?? Number.NaN)
  movies.set(m[1]!, { genre: m[4]!.split('|')[0]!, year })
}
const users: string[] = []
const items: string[] = []
const ts: number[] = []
const genre: string[] = []
const year: number[] = []
for (const line of readFileSync(`${dir}/ratings.csv`, 'utf8').split('\n').slice(1)) {
  if (!line) continue
  const [u, i, , t] = line.split(',')
  users.push(u!)
  items.push(i!)
  ts.push(Number(t))
  const mv = movies.get(i!)
  genre.push(mv?.genre ?? '(unknown)')
  year.push(mv?.year ?? Number.NaN)
}
const frame = makeFrame([
  categoryColumn('user', users),
  categoryColumn('item', items),
  numericColumn('ts', ts),
  categoryColumn('genre', genre),
  numericColumn('year', year),
])
const { train, test } = leaveLastOut(frame, { user: 'user', time: 'ts' })
console.log(
  `MovieLens small: ${frame.rowCount} ratings, train ${train.rowCount}, test ${test.rowCount} users (leave-last-out by time)`,
)

const cols = { user: 'user', item: 'item' }
const rows: { name: string; seconds: number; report: Record<string, number> }[] = []
async function run(name: string, build: () => Promise<Recommender>) {
  const t0 = performance.now()
  const model = await build()
  const seconds = (performance.now() - t0) / 1000
  rows.push({ name, seconds, report: evaluateRecommender(model, test, { ks: [10, 50] }) })
}
await run('popularity', () => popularityRecommender(cols).fit(train))
await run('matrix factorisation (ALS, 64 factors, 15 it.)', () =>
  matrixFactorization({ ...cols, factors: 64, iterations: 15, regularization: 0.1, alpha: 10 }).fit(train),
)
await run('two-tower (id + genre/year, 64-d, 10 epochs)', () =>
  twoTower({
    ...cols,
    itemFeatures: ['genre', 'year'],
    embeddingDim: 64,
    hidden: [],
    outputDim: 64,
    epochs: 10,
    batchSize: 512,
    learningRate: 0.005,
    temperature: 0.1,
  }).fit(train, { seed: 1 }),
)
const base = rows[0]!.report
console.log('| model | train s | NDCG@10 | recall@50 | NDCG@10 vs popularity | recall@50 vs popularity |')
console.log('|---|---:|---:|---:|---:|---:|')
for (const r of rows) {
  const n = r.report['ndcg@10']!
  const rc = r.report['recall@50']!
  console.log(
    `| ${r.name} | ${r.seconds.toFixed(2)} | ${n.toFixed(4)} | ${rc.toFixed(4)} | ${(n / base['ndcg@10']!).toFixed(2)}× | ${(rc / base['recall@50']!).toFixed(2)}× |`,
  )
}
