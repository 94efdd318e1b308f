import { describe, expect, it } from 'vitest'
import { makeFrame, numericColumn } from '../../data/index.js'
import { linearRegression, logisticRegression } from '../linear/index.js'
import { Rng } from '../matrix/index.js'
import {
  crossValidate,
  groupKFold,
  kFold,
  learningCurve,
  makeClassification,
  makeRegression,
  permutationImportance,
  stratifiedKFold,
  timeSeriesSplit,
  trainTestSplit,
} from './index.js'

function partitions(folds: { train: Int32Array; test: Int32Array }[], n: number) {
  const seen = new Uint8Array(n)
  for (const f of folds) {
    expect(f.train.length + f.test.length).toBe(n)
    const inTrain = new Set(f.train)
    for (const i of f.test) {
      expect(inTrain.has(i)).toBe(false)
      seen[i] = (seen[i] as number) + 1
    }
  }
  expect([...seen].every((v) => v === 1)).toBe(true)
}

describe('splitters', () => {
  it('k-fold partitions the rows into near-equal folds, shuffled by seed', () => {
    const folds = kFold({ k: 3 }).split(10)
    partitions(folds, 10)
    expect(folds.map((f) => f.test.length)).toEqual([4, 3, 3])
    expect([...(folds[0]?.test ?? [])]).toEqual([0, 1, 2, 3])
    const a = kFold({ k: 3, shuffle: true, seed: 1 }).split(10)
    expect(a).toEqual(kFold({ k: 3, shuffle: true, seed: 1 }).split(10))
    expect(a).not.toEqual(folds)
  })
  it('stratified k-fold keeps class shares in every fold', () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 'rare' : 'common'))
    const folds = stratifiedKFold({ k: 5, seed: 2 }).split(100, { labels })
    partitions(folds, 100)
    for (const f of folds) expect([...f.test].filter((i) => labels[i] === 'rare').length).toBe(2)
  })
  it('group k-fold never splits a group', () => {
    const groups = Array.from({ length: 60 }, (_, i) => `g${Math.floor(i / 7)}`)
    const folds = groupKFold({ k: 3 }).split(60, { groups })
    partitions(folds, 60)
    for (const f of folds) {
      const testGroups = new Set([...f.test].map((i) => groups[i]))
      for (const i of f.train) expect(testGroups.has(groups[i])).toBe(false)
    }
  })
  it('time-series split trains only on the past, with a gap', () => {
    const folds = timeSeriesSplit({ k: 3, gap: 2 }).split(20)
    expect(folds.map((f) => [f.train.length, f.test[0], f.test.length])).toEqual([
      [3, 5, 5],
      [8, 10, 5],
      [13, 15, 5],
    ])
    for (const f of folds) expect(Math.max(...f.train)).toBeLessThan((f.test[0] as number) - 2)
  })
  it('train/test split with stratification', () => {
    const frame = makeClassification({ rows: 200, classes: 4, seed: 1 })
    const { train, test } = trainTestSplit(frame, { testSize: 0.25, stratify: 'y', seed: 3 })
    expect(test.length).toBe(50)
    expect(train.length).toBe(150)
  })
  it('refuses more folds than rows', () => {
    expect(() => kFold({ k: 5 }).split(3)).toThrow(
      expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }),
    )
  })
})

describe('crossValidate', () => {
  it('scores each fold, averages, and is deterministic for a seed', async () => {
    const data = makeClassification({ rows: 300, classes: 3, seed: 4, separation: 3 })
    const seen: number[] = []
    const opts = {
      target: 'y',
      metrics: ['accuracy', 'log_loss'],
      seed: 7,
      returnTrainScore: true,
      onFold: (f: { fold: number }) => void seen.push(f.fold),
    }
    const a = await crossValidate(logisticRegression(), data, opts)
    expect(seen).toEqual([0, 1, 2, 3, 4])
    expect(a.folds).toHaveLength(5)
    expect(a.mean.accuracy).toBeGreaterThan(0.8)
    expect(a.greaterIsBetter).toEqual({ accuracy: true, log_loss: false })
    const mean = a.folds.reduce((s, f) => s + (f.metrics.accuracy as number), 0) / 5
    expect(a.mean.accuracy).toBeCloseTo(mean, 12)
    const b = await crossValidate(logisticRegression(), data, { ...opts, onFold: undefined })
    expect(b.mean).toEqual(a.mean)
    expect(a.folds[0]?.trainMetrics?.accuracy).toBeGreaterThan(0.8)
  })
  it('uses R² by default for regressors and honours a custom splitter', async () => {
    const data = makeRegression({ rows: 120, features: 3, seed: 1, noise: 5 })
    const r = await crossValidate(linearRegression(), data, { target: 'y', cv: timeSeriesSplit({ k: 4 }) })
    expect(Object.keys(r.mean)).toEqual(['r2'])
    expect(r.folds.map((f) => f.testRows)).toEqual([24, 24, 24, 24])
    expect(r.mean.r2).toBeGreaterThan(0.95)
  })
})

describe('learning curve and permutation importance', () => {
  it('the test score improves with more data', async () => {
    const data = makeRegression({ rows: 400, features: 8, seed: 5, noise: 20 })
    const curve = await learningCurve(linearRegression(), data, { target: 'y', trainSizes: [12, 1], seed: 1 })
    expect(curve.metric).toBe('r2')
    expect(curve.points[0]?.trainRows).toBe(12)
    expect(curve.points[1]?.trainRows).toBe(320)
    expect(curve.points[1]?.testMean as number).toBeGreaterThan(curve.points[0]?.testMean as number)
    expect(curve.points[0]?.trainMean as number).toBeGreaterThan(curve.points[0]?.testMean as number)
  })
  it('ranks an informative feature above noise', async () => {
    const rng = new Rng(9)
    const n = 400
    const signal = Array.from({ length: n }, () => rng.normal())
    const noise = Array.from({ length: n }, () => rng.normal())
    const y = signal.map((v) => 3 * v + 0.1 * rng.normal())
    const data = makeFrame([
      numericColumn('noise', noise),
      numericColumn('signal', signal),
      numericColumn('y', y),
    ])
    const model = await linearRegression().fit(data, { target: 'y' })
    const r = permutationImportance(model, data, { target: 'y', seed: 1, metric: 'rmse' })
    expect(r.importances.map((i) => i.feature)).toEqual(['signal', 'noise'])
    expect(r.importances[0]?.mean).toBeGreaterThan(2)
    expect(Math.abs(r.importances[1]?.mean as number)).toBeLessThan(0.05)
  })
})
