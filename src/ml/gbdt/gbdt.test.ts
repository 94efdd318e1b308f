import { afterAll, describe, expect, it } from 'vitest'
import {
  categoryColumn,
  type Frame,
  getColumn,
  isNumericColumn,
  makeFrame,
  numericColumn,
  takeRows,
} from '../../data/index.js'
import { fromBundle, manifestText, toBundle } from '../bundle/index.js'
import { accuracy, logLoss, mae, r2, rocAuc } from '../metrics/index.js'
import { loadFixture } from '../trees/fixtures/load-fixture.js'
import { Random } from '../trees/random.js'
import { treeCount } from '../trees/tree-ensemble.js'
import { closeGbdtThreads, type GbdtModel, gradientBoosting } from './index.js'

afterAll(async () => {
  await closeGbdtThreads()
})

function numbers(frame: Frame, name: string): Float64Array {
  const c = getColumn(frame, name)
  if (!isNumericColumn(c)) throw new Error('not numeric')
  return c.values
}

function labels(frame: Frame, name: string): string[] {
  const c = getColumn(frame, name)
  if (c.type !== 'category') throw new Error('not a category')
  return Array.from(c.codes, (k) => c.categories[k] as string)
}

/** Friedman #1 with `noise`, generated here (tests must not read /work/shared). */
function friedman(n: number, seed: number, extra = 5): Frame {
  const rng = new Random(seed)
  const cols = Array.from({ length: 5 + extra }, () => new Float64Array(n))
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = rng.next()
    const x = (j: number) => cols[j]?.[i] as number
    y[i] =
      10 * Math.sin(Math.PI * x(0) * x(1)) + 20 * (x(2) - 0.5) ** 2 + 10 * x(3) + 5 * x(4) + rng.next() - 0.5
  }
  return makeFrame([...cols.map((c, j) => numericColumn(`x${j}`, c)), numericColumn('y', y)])
}

function bundleBytes(m: GbdtModel): string {
  const b = toBundle(m)
  return `${manifestText(b.manifest)}|${Buffer.from(b.weights).toString('base64')}`
}

describe('gbdt against scikit-learn and XGBoost fixtures', () => {
  it('reaches the R² of HistGradientBoosting and XGBoost hist on Friedman #1 (within 0.01)', async () => {
    const f = loadFixture(new URL('./fixtures/friedman1.json', import.meta.url))
    const expected = f.expected as Record<string, number>
    const model = await gradientBoosting({ nEstimators: 100, maxDepth: 6, learningRate: 0.1 }).fit(f.train, {
      target: 'y',
      threads: 1,
    })
    const score = r2(numbers(f.test, 'y'), model.predict(f.test).values)
    const peer = Math.min(
      expected.sklearn_hist_gradient_boosting_r2 as number,
      expected.xgboost_hist_r2 as number,
    )
    expect(score).toBeGreaterThan(peer - 0.01)
  })

  it('matches their AUC and log loss with native categories and missing values (within 0.015)', async () => {
    const f = loadFixture(new URL('./fixtures/classification.json', import.meta.url))
    const expected = f.expected as Record<string, Record<string, number>>
    const model = await gradientBoosting({ objective: 'binary' }).fit(f.train, {
      target: 'label',
      threads: 1,
    })
    expect(model.signature.inputs.find((s) => s.name === 'color')?.categories).toHaveLength(8)
    const res = model.predict(f.test)
    const pYes = Array.from({ length: f.test.rowCount }, (_, i) => res.probabilities?.[2 * i + 1] as number)
    const y = labels(f.test, 'label').map((l) => (l === 'yes' ? 1 : 0))
    const auc = rocAuc(y, pYes)
    const ll = logLoss(y, pYes)
    const xgb = expected.xgboost_hist as Record<string, number>
    const skl = expected.sklearn_hist_gradient_boosting as Record<string, number>
    expect(auc).toBeGreaterThan(Math.min(xgb.auc as number, skl.auc as number) - 0.015)
    expect(ll).toBeLessThan(Math.max(xgb.logloss as number, skl.logloss as number) + 0.015)
    expect(res.classes).toEqual(['no', 'yes'])
  })
})

describe('gbdt behaviour', () => {
  const train = friedman(3000, 1)
  const test = friedman(1000, 2)

  it('gives the same bundle bytes for the same seed, thread count and data', async () => {
    const est = gradientBoosting({
      nEstimators: 30,
      subsample: 0.8,
      colsampleByTree: 0.8,
      colsampleByNode: 0.9,
    })
    const a = await est.fit(train, { target: 'y', seed: 42, threads: 1 })
    const b = await est.fit(train, { target: 'y', seed: 42, threads: 1 })
    const c = await est.fit(train, { target: 'y', seed: 43, threads: 1 })
    expect(bundleBytes(a)).toBe(bundleBytes(b))
    expect(bundleBytes(a)).not.toBe(bundleBytes(c))
  })

  it('trains on two worker threads deterministically and as well as on one', async () => {
    // x3 again as the last column: equal gains on features the two threads scan separately.
    const withCopy = (f: Frame) => makeFrame([...f.columns, numericColumn('x3copy', numbers(f, 'x3'))])
    const big = withCopy(friedman(9000, 3))
    const held = withCopy(test)
    const est = gradientBoosting({ nEstimators: 30 })
    const one = await est.fit(big, { target: 'y', seed: 1, threads: 1 })
    const twoA = await est.fit(big, { target: 'y', seed: 1, threads: 2 })
    const twoB = await est.fit(big, { target: 'y', seed: 1, threads: 2 })
    expect(bundleBytes(twoA)).toBe(bundleBytes(twoB))
    // Quantised histograms sum exact integers and split ties go to the lower feature, so the
    // thread layout does not change the trees either.
    expect(bundleBytes(twoA)).toBe(bundleBytes(one))
    const y = numbers(held, 'y')
    const r1 = r2(y, one.predict(held).values)
    const r2w = r2(y, twoA.predict(held).values)
    expect(r2w).toBeGreaterThan(0.9)
    expect(Math.abs(r1 - r2w)).toBeLessThan(0.005)
  })

  it('round-trips through a bundle and predicts rows one at a time exactly as in batches', async () => {
    const model = await gradientBoosting({ nEstimators: 20 }).fit(train, { target: 'y', threads: 1 })
    const b = toBundle(model)
    const loaded = fromBundle(JSON.parse(manifestText(b.manifest)), b.weights) as GbdtModel
    const batch = model.predict(test).values
    expect(loaded.predict(test).values).toEqual(batch)
    const row = loaded.rowPredictor()
    for (const i of [0, 17, 999]) {
      const obj: Record<string, number> = {}
      for (const c of test.columns) if (c.type === 'number') obj[c.name] = c.values[i] as number
      expect(row.predict(obj).value).toBe(batch[i])
    }
  })

  it('keeps float and quantised histograms in step (R² within 0.005)', async () => {
    const y = numbers(test, 'y')
    const q = await gradientBoosting({ nEstimators: 50 }).fit(train, { target: 'y', threads: 1 })
    const f = await gradientBoosting({ nEstimators: 50, quantizedGradients: false }).fit(train, {
      target: 'y',
      threads: 1,
    })
    expect(Math.abs(r2(y, q.predict(test).values) - r2(y, f.predict(test).values))).toBeLessThan(0.005)
  })

  it('ranks the informative features first by gain and counts splits', async () => {
    const model = await gradientBoosting({ nEstimators: 30 }).fit(train, { target: 'y', threads: 1 })
    const gain = model.featureImportances('gain')
    const top = Object.entries(gain)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([k]) => k)
      .sort()
    expect(top).toEqual(['x0', 'x1', 'x2', 'x3', 'x4'])
    expect(Object.values(gain).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
    expect(model.featureImportances('split').x3).toBeGreaterThan(0)
  })

  it('grows leaf-wise within maxLeaves and depth-wise within maxDepth', async () => {
    const lg = await gradientBoosting({
      growPolicy: 'lossguide',
      maxLeaves: 8,
      maxDepth: 0,
      nEstimators: 10,
    }).fit(train, { target: 'y', threads: 1 })
    const e = lg.ensemble
    for (let t = 0; t < treeCount(e); t++) {
      let leaves = 0
      for (let n = e.treeStart[t] as number; n < (e.treeStart[t + 1] as number); n++)
        if (e.feature[n] === -1) leaves++
      expect(leaves).toBeLessThanOrEqual(8)
    }
    const dw = await gradientBoosting({ maxDepth: 2, nEstimators: 5 }).fit(train, { target: 'y', threads: 1 })
    for (let t = 0; t < treeCount(dw.ensemble); t++) {
      const size = (dw.ensemble.treeStart[t + 1] as number) - (dw.ensemble.treeStart[t] as number)
      expect(size).toBeLessThanOrEqual(7)
    }
  })

  it('stops early on a validation set and keeps the best round', async () => {
    const noisy = friedman(800, 5)
    const model = await gradientBoosting({
      nEstimators: 2000,
      learningRate: 0.3,
      earlyStoppingRounds: 5,
    }).fit(noisy, { target: 'y', validation: friedman(400, 6), threads: 1 })
    const { rounds, validation } = model.state
    expect(rounds).toBeLessThan(2000)
    expect(validation.length).toBe(rounds + 5)
    expect(Math.min(...validation)).toBe(validation[rounds - 1])
    expect(model.treeCount).toBe(rounds)
  })

  it('learns where missing values go', async () => {
    const n = 2000
    const rng = new Random(9)
    const x = new Float64Array(n)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const missing = rng.next() < 0.2
      const v = rng.next()
      x[i] = missing ? Number.NaN : v
      y[i] = missing ? 10 : v < 0.5 ? 0 : 1
    }
    const frame = makeFrame([numericColumn('x', x), numericColumn('y', y)])
    const model = await gradientBoosting({ nEstimators: 50, learningRate: 0.3 }).fit(frame, {
      target: 'y',
      threads: 1,
    })
    const p = model.rowPredictor()
    expect(p.predict({ x: null }).value).toBeCloseTo(10, 1)
    expect(p.predict({ x: 0.2 }).value).toBeCloseTo(0, 1)
    expect(p.predict({ x: 0.8 }).value).toBeCloseTo(1, 1)
  })

  it('splits categories as sets (one split separates a non-ordinal group)', async () => {
    const cats = 'abcdefghij'.split('')
    const left = new Set(['b', 'e', 'f', 'i'])
    const rng = new Random(4)
    const values: string[] = []
    const y: number[] = []
    for (let i = 0; i < 2000; i++) {
      const c = cats[rng.int(cats.length)] as string
      values.push(c)
      y.push(left.has(c) ? 5 : -5)
    }
    const frame = makeFrame([categoryColumn('c', values), numericColumn('y', y)])
    const model = await gradientBoosting({ maxDepth: 1, nEstimators: 30, learningRate: 0.5 }).fit(frame, {
      target: 'y',
      threads: 1,
    })
    const pred = model.predict(frame).values
    expect(mae(y, pred)).toBeLessThan(0.01)
    expect(model.rowPredictor().predict({ c: 'zzz-unseen' }).value).toBeTypeOf('number')
  })

  it('fits multiclass softmax with probabilities that sum to one', async () => {
    const rng = new Random(11)
    const n = 1500
    const x0 = new Float64Array(n)
    const x1 = new Float64Array(n)
    const label: string[] = []
    const centers = [
      [0, 0],
      [3, 0],
      [0, 3],
    ] as const
    for (let i = 0; i < n; i++) {
      const k = i % 3
      x0[i] = (centers[k]?.[0] as number) + rng.next() * 2 - 1
      x1[i] = (centers[k]?.[1] as number) + rng.next() * 2 - 1
      label.push(['setosa', 'versicolor', 'virginica'][k] as string)
    }
    const frame = makeFrame([
      numericColumn('x0', x0),
      numericColumn('x1', x1),
      categoryColumn('species', label),
    ])
    const model = await gradientBoosting({ objective: 'multiclass', nEstimators: 30 }).fit(frame, {
      target: 'species',
      threads: 1,
    })
    expect(model.treeCount).toBe(90)
    const res = model.predict(frame)
    const pred = Array.from(res.values, (k) => res.classes?.[k] as string)
    expect(accuracy(label, pred)).toBeGreaterThan(0.97)
    for (let i = 0; i < 10; i++) {
      const s =
        (res.probabilities?.[3 * i] as number) +
        (res.probabilities?.[3 * i + 1] as number) +
        (res.probabilities?.[3 * i + 2] as number)
      expect(s).toBeCloseTo(1, 12)
    }
    const one = model.rowPredictor().predict({ x0: 3, x1: 0 })
    expect(one.label).toBe('versicolor')
  })

  it('fits absolute error, Huber and Poisson objectives better than a constant', async () => {
    const y = numbers(test, 'y')
    const med = [...numbers(train, 'y')].sort((a, b) => a - b)[1500] as number
    const constMae = mae(y, new Float64Array(y.length).fill(med))
    for (const objective of ['absolute_error', 'huber'] as const) {
      const m = await gradientBoosting({ objective, nEstimators: 60 }).fit(train, { target: 'y', threads: 1 })
      expect(mae(y, m.predict(test).values)).toBeLessThan(constMae / 2)
    }
    const rng = new Random(3)
    const n = 3000
    const x = new Float64Array(n)
    const counts = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const xi = rng.next()
      x[i] = xi
      const mu = Math.exp(2 * xi)
      let k = 0
      let p = Math.exp(-mu)
      let s = p
      const u = rng.next()
      while (u > s) {
        k++
        p *= mu / k
        s += p
      }
      counts[i] = k
    }
    const frame = makeFrame([numericColumn('x', x), numericColumn('count', counts)])
    const pm = await gradientBoosting({ objective: 'poisson', nEstimators: 60 }).fit(frame, {
      target: 'count',
      threads: 1,
    })
    const low = pm.rowPredictor().predict({ x: 0.05 }).value
    const high = pm.rowPredictor().predict({ x: 0.95 }).value
    expect(low).toBeGreaterThan(0.7)
    expect(low).toBeLessThan(1.6)
    expect(high).toBeGreaterThan(4.5)
    expect(high).toBeLessThan(9)
  })

  it('reports progress and can be cancelled', async () => {
    const seen: number[] = []
    await gradientBoosting({ nEstimators: 5 }).fit(train, {
      target: 'y',
      threads: 1,
      onProgress: (d) => seen.push(d),
    })
    expect(seen).toEqual([1, 2, 3, 4, 5])
    const ac = new AbortController()
    ac.abort()
    await expect(
      gradientBoosting({ nEstimators: 5 }).fit(train, { target: 'y', threads: 1, signal: ac.signal }),
    ).rejects.toMatchObject({ code: 'CAIRN_CANCELLED' })
    const ac2 = new AbortController()
    const big = friedman(20_000, 8)
    const fit = gradientBoosting({ nEstimators: 500 }).fit(big, {
      target: 'y',
      threads: 2,
      signal: ac2.signal,
      onProgress: (d) => {
        if (d === 3) ac2.abort()
      },
    })
    await expect(fit).rejects.toMatchObject({ code: 'CAIRN_CANCELLED' })
  })
})

describe('gbdt bad input', () => {
  const good = friedman(200, 1, 0)
  const est = gradientBoosting({ nEstimators: 3 })

  it('rejects empty, infinite, missing-target and single-class data with codes naming the column', async () => {
    await expect(est.fit(takeRows(good, []), { target: 'y' })).rejects.toMatchObject({
      code: 'CAIRN_EMPTY_TRAINING_DATA',
    })
    const x0 = Float64Array.from(numbers(good, 'x0'))
    x0[5] = Number.POSITIVE_INFINITY
    const inf = makeFrame([numericColumn('x0', x0), numericColumn('y', numbers(good, 'y'))])
    await expect(est.fit(inf, { target: 'y' })).rejects.toMatchObject({
      code: 'CAIRN_NON_FINITE_VALUE',
      details: { column: 'x0', row: 5 },
    })
    const y = Float64Array.from(numbers(good, 'y'))
    y[3] = Number.NaN
    const nanY = makeFrame([numericColumn('x0', numbers(good, 'x0')), numericColumn('y', y)])
    await expect(est.fit(nanY, { target: 'y' })).rejects.toMatchObject({
      code: 'CAIRN_NON_FINITE_VALUE',
      details: { column: 'y' },
    })
    const one = makeFrame([numericColumn('x0', [1, 2, 3]), categoryColumn('k', ['a', 'a', 'a'])])
    await expect(gradientBoosting({ objective: 'binary' }).fit(one, { target: 'k' })).rejects.toMatchObject({
      code: 'CAIRN_CONSTANT_TARGET',
    })
    const three = makeFrame([numericColumn('x0', [1, 2, 3]), categoryColumn('k', ['a', 'b', 'c'])])
    await expect(gradientBoosting({ objective: 'binary' }).fit(three, { target: 'k' })).rejects.toMatchObject(
      {
        code: 'CAIRN_INVALID_ARGUMENT',
      },
    )
    await expect(est.fit(good, { target: 'nope' })).rejects.toMatchObject({ code: 'CAIRN_COLUMN_NOT_FOUND' })
  })

  it('rejects a validation class never seen in training', async () => {
    const tr = makeFrame([numericColumn('x', [1, 2, 3, 4]), categoryColumn('k', ['a', 'b', 'a', 'b'])])
    const va = makeFrame([numericColumn('x', [1, 2]), categoryColumn('k', ['a', 'c'])])
    await expect(
      gradientBoosting({ objective: 'binary' }).fit(tr, { target: 'k', validation: va }),
    ).rejects.toMatchObject({ code: 'CAIRN_UNSEEN_CLASS', details: { column: 'k', class: 'c' } })
  })

  it('rejects mismatched features at predict time, in batches and single rows', async () => {
    const model = await est.fit(good, { target: 'y', threads: 1 })
    const missing = makeFrame([numericColumn('x1', [1])])
    expect(() => model.predict(missing)).toThrow(expect.objectContaining({ code: 'CAIRN_FEATURE_MISMATCH' }))
    const wrongType = makeFrame([
      categoryColumn('x0', ['a']),
      ...['x1', 'x2', 'x3', 'x4'].map((n) => numericColumn(n, [0.5])),
    ])
    expect(() => model.predict(wrongType)).toThrow(
      expect.objectContaining({
        code: 'CAIRN_FEATURE_MISMATCH',
        details: expect.objectContaining({ column: 'x0' }),
      }),
    )
    const row = model.rowPredictor()
    expect(() => row.predict({ x0: 1, x1: 1, x2: 1, x3: 1 })).toThrow(
      expect.objectContaining({
        code: 'CAIRN_FEATURE_MISMATCH',
        details: expect.objectContaining({ column: 'x4' }),
      }),
    )
    expect(row.predict({ x0: 1, x1: 1, x2: 1, x3: null, x4: '0.5' }).value).toBeTypeOf('number')
  })

  it('rejects unknown and out-of-range hyperparameters', () => {
    expect(() => gradientBoosting({ maxBins: 300 })).toThrow(
      expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }),
    )
    expect(() => gradientBoosting({ learningRate: 0 })).toThrow(
      expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }),
    )
    expect(() => gradientBoosting({ nTrees: 5 } as never)).toThrow(
      expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }),
    )
  })
})
