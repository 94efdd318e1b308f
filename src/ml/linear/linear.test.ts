import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { categoryColumn, makeFrame, numericColumn } from '../../data/index.js'
import { fromBundle, manifestText, toBundle } from '../bundle/index.js'
import { Rng } from '../matrix/index.js'
import {
  elasticNet,
  LinearModel,
  lasso,
  linearRegression,
  logisticRegression,
  ridge,
  solveRidge,
} from './index.js'
import { logisticObjective } from './logistic-objective.js'
import { fixtureFrame } from './test-frames.js'

const fx = JSON.parse(readFileSync(new URL('./fixtures/linear.json', import.meta.url), 'utf8'))

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)))
  return m
}

function gaussianFrame(n: number, p: number, seed: number, f: (x: number[], rng: Rng) => number) {
  const rng = new Rng(seed)
  const X = Array.from({ length: p }, () => new Array<number>(n))
  const y = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    const row = X.map((c) => (c[i] = rng.normal()))
    y[i] = f(row, rng)
  }
  return { X, y, frame: fixtureFrame(X, y) }
}

describe('ordinary least squares', () => {
  it('recovers an exact linear relation', async () => {
    const { frame } = gaussianFrame(
      50,
      3,
      1,
      (x) => 3 + 2 * (x[0] as number) - (x[1] as number) + 0.5 * (x[2] as number),
    )
    const m = await linearRegression().fit(frame, { target: 'y' })
    expect(maxAbsDiff(m.coef, [2, -1, 0.5])).toBeLessThan(1e-12)
    expect(Math.abs((m.intercept[0] as number) - 3)).toBeLessThan(1e-12)
  })
  it('gives the minimum-norm solution for collinear features', async () => {
    const rng = new Rng(2)
    const a = Array.from({ length: 40 }, () => rng.normal())
    const b = Array.from({ length: 40 }, () => rng.normal())
    const frame = makeFrame([
      numericColumn('a', a),
      numericColumn('b', b),
      numericColumn(
        'c',
        a.map((v, i) => v + (b[i] as number)),
      ),
      numericColumn(
        'y',
        a.map((v, i) => 2 * v + 2 * (b[i] as number)),
      ),
    ])
    const m = await linearRegression({ fitIntercept: false }).fit(frame, { target: 'y' })
    // a + c = 2, b + c = 2 with least norm: c = 4/3, a = b = 2/3.
    expect(maxAbsDiff(m.coef, [2 / 3, 2 / 3, 4 / 3])).toBeLessThan(1e-8)
    expect(m.state.rank).toBe(2)
  })
  it('weights rows (the weighted normal equations hold)', async () => {
    const c = fx.ridgeWeighted
    const m = await linearRegression().fit(fixtureFrame(c.X, c.y, c.weight), { target: 'y', weight: 'w' })
    // Optimality: Σ wᵢ rᵢ = 0 and Σ wᵢ rᵢ xᵢⱼ = 0.
    const pred = m.predict(fixtureFrame(c.X)).values
    for (let j = -1; j < c.X.length; j++) {
      let s = 0
      for (let i = 0; i < c.y.length; i++)
        s += c.weight[i] * (c.y[i] - (pred[i] as number)) * (j < 0 ? 1 : c.X[j][i])
      expect(Math.abs(s)).toBeLessThan(1e-8)
    }
  })
})

describe('ridge', () => {
  it('matches the closed form for one feature', async () => {
    const x = [1, 2, 3, 4, 5]
    const y = [2, 4.5, 5.5, 8, 10.5]
    const frame = makeFrame([numericColumn('x', x), numericColumn('y', y)])
    const m = await ridge({ alpha: 3 }).fit(frame, { target: 'y' })
    // w = Σ(x−x̄)(y−ȳ) / (Σ(x−x̄)² + α) = 20.5 / (10 + 3)
    expect(Math.abs((m.coef[0] as number) - 20.5 / 13)).toBeLessThan(1e-12)
    expect(Math.abs((m.intercept[0] as number) - (6.1 - 3 * (20.5 / 13)))).toBeLessThan(1e-12)
  })
  it('agrees with scikit-learn (weighted) to 1e-9', async () => {
    const c = fx.ridgeWeighted
    const m = await ridge({ alpha: c.alpha }).fit(fixtureFrame(c.X, c.y, c.weight), {
      target: 'y',
      weight: 'w',
    })
    expect(maxAbsDiff(m.coef, c.coef)).toBeLessThan(1e-9)
    expect(Math.abs((m.intercept[0] as number) - c.intercept)).toBeLessThan(1e-9)
  })
  it('solves the dual when features outnumber rows (stationarity holds)', () => {
    const rng = new Rng(3)
    const n = 12
    const p = 30
    const data = Float64Array.from({ length: n * p }, () => rng.normal())
    const y = Float64Array.from({ length: n }, () => rng.normal())
    const { coef, intercept } = solveRidge({ rows: n, cols: p, names: [], data }, y, undefined, 0.7, true)
    // ∇: −Xᵀ(y − Xw − b) + αw = 0 and Σ(y − Xw − b) = 0.
    const r = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      let s = intercept
      for (let j = 0; j < p; j++) s += (data[j * n + i] as number) * (coef[j] as number)
      r[i] = (y[i] as number) - s
    }
    expect(Math.abs(r.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9)
    for (let j = 0; j < p; j++) {
      let g = 0.7 * (coef[j] as number)
      for (let i = 0; i < n; i++) g -= (data[j * n + i] as number) * (r[i] as number)
      expect(Math.abs(g)).toBeLessThan(1e-9)
    }
  })
})

describe('lasso and elastic net agree with scikit-learn (coefficients to 1e-7)', () => {
  it.each(['lasso', 'lassoWeighted', 'elasticNet'])('%s', async (name) => {
    const c = fx[name]
    const est =
      name === 'elasticNet'
        ? elasticNet({ alpha: c.alpha, l1Ratio: c.l1Ratio, tol: 1e-12, maxIter: 100000 })
        : lasso({ alpha: c.alpha, tol: 1e-12, maxIter: 100000 })
    const m = await est.fit(fixtureFrame(c.X, c.y, c.weight), {
      target: 'y',
      ...(c.weight ? { weight: 'w' } : {}),
    })
    expect(maxAbsDiff(m.coef, c.coef)).toBeLessThan(1e-7)
    expect(Math.abs((m.intercept[0] as number) - c.intercept)).toBeLessThan(1e-7)
    expect([...m.coef].map((v) => v === 0)).toEqual(c.coef.map((v: number) => v === 0))
    expect(m.state.converged).toBe(true)
  })
})

describe('logistic regression agrees with scikit-learn', () => {
  const cases: [string, Record<string, unknown>, number][] = [
    ['logisticBinaryL2', { C: 0.5 }, 1e-6],
    ['logisticBinaryL2Weighted', { C: 2 }, 1e-6],
    ['logisticMultinomialL2', { C: 1 }, 1e-6],
    ['logisticOvrL2', { C: 1, multiClass: 'ovr' }, 1e-6],
    ['logisticBalanced', { C: 1, classWeight: 'balanced' }, 1e-6],
    ['logisticBinaryL1', { C: 0.05, penalty: 'l1' }, 1e-5],
    ['logisticMultinomialL1', { C: 0.1, penalty: 'l1' }, 1e-5],
    ['logisticBinaryElasticNet', { C: 0.1, penalty: 'elasticnet', l1Ratio: 0.5 }, 1e-5],
  ]
  it.each(cases)(
    '%s (coefficients and probabilities within %s… see tolerance)',
    async (name, params, tol) => {
      const c = fx[name]
      const est = logisticRegression({ ...params, tol: 1e-10, maxIter: 5000 })
      const m = await est.fit(fixtureFrame(c.X, c.y, c.weight), {
        target: 'y',
        ...(c.weight ? { weight: 'w' } : {}),
      })
      const coef = (c.coef as number[][]).flat()
      expect(maxAbsDiff(m.coef, coef)).toBeLessThan(tol)
      // Multinomial intercepts are only defined up to a shared constant: compare them centred.
      const centre = (a: ArrayLike<number>) => {
        const v = Array.from(a)
        const mean = v.length > 1 && !name.includes('Ovr') ? v.reduce((s, x) => s + x, 0) / v.length : 0
        return v.map((x) => x - mean)
      }
      expect(maxAbsDiff(centre(m.intercept), centre(c.intercept))).toBeLessThan(tol)
      const pred = m.predict(fixtureFrame(c.Xtest))
      expect(maxAbsDiff(pred.probabilities as Float64Array, c.proba)).toBeLessThan(tol)
    },
  )
})

describe('logistic objective', () => {
  it('gives the same loss and gradient whether columns are walked densely or sparsely', () => {
    const rng = new Rng(8)
    const n = 300
    const p = 6
    // Half the columns mostly zero (one-hot like), half dense.
    const data = Float64Array.from({ length: n * p }, (_, k) =>
      Math.floor(k / n) % 2 === 0 ? (rng.next() < 0.1 ? 1 : 0) : rng.normal(),
    )
    const X = { rows: n, cols: p, names: [], data }
    for (const K of [1, 3]) {
      const y = Int32Array.from({ length: n }, () => rng.int(K === 1 ? 2 : K))
      const sw = Float64Array.from({ length: n }, () => 0.5 + rng.next())
      const x = Float64Array.from({ length: K * p + K }, () => rng.normal())
      const gDense = new Float64Array(x.length)
      const gSparse = new Float64Array(x.length)
      const fDense = logisticObjective(X, y, K, sw, 0.01, true, 0)(x, gDense)
      const fSparse = logisticObjective(X, y, K, sw, 0.01, true, 2)(x, gSparse)
      expect(Math.abs(fDense - fSparse)).toBeLessThan(1e-12)
      expect(maxAbsDiff(gDense, gSparse)).toBeLessThan(1e-12)
    }
  })
})

describe('linear model bundles', () => {
  const c = fx.logisticMultinomialL2
  const frame = fixtureFrame(c.X, c.y)
  const estimators = [
    linearRegression(),
    ridge({ alpha: 2 }),
    lasso({ alpha: 0.05 }),
    elasticNet({ alpha: 0.05, selection: 'random' }),
  ]
  it.each(estimators.map((e) => [e.family, e] as const))(
    '%s: same seed, same bytes; round trip predicts the same',
    async (_, est) => {
      const a = await est.fit(frame, { target: 'y', seed: 5 })
      const b = await est.fit(frame, { target: 'y', seed: 5 })
      const ba = toBundle(a)
      const bb = toBundle(b)
      expect(manifestText(ba.manifest)).toBe(manifestText(bb.manifest))
      expect(Buffer.from(ba.weights).equals(Buffer.from(bb.weights))).toBe(true)
      const back = fromBundle(JSON.parse(manifestText(ba.manifest)), ba.weights)
      expect(back).toBeInstanceOf(LinearModel)
      expect([...back.predict(frame).values]).toEqual([...a.predict(frame).values])
    },
  )
  it('logistic: bundle round trip, row predictor equals batch predict', async () => {
    const m = await logisticRegression().fit(frame, { target: 'y' })
    const b = toBundle(m)
    const back = fromBundle(JSON.parse(manifestText(b.manifest)), b.weights)
    const batch = back.predict(frame)
    const rp = back.rowPredictor()
    for (let i = 0; i < 10; i++) {
      const row = Object.fromEntries(c.X.map((col: number[], j: number) => [`x${j}`, col[i]]))
      const out = rp.predict(row)
      expect(out.value).toBe(batch.values[i])
      expect(out.label).toBe(batch.classes?.[batch.values[i] as number])
      expect(
        maxAbsDiff(
          out.probabilities as Float64Array,
          (batch.probabilities as Float64Array).subarray(i * 3, i * 3 + 3),
        ),
      ).toBeLessThan(1e-15)
    }
    expect(Object.keys(m.featureImportances())).toEqual(['x0', 'x1', 'x2', 'x3'])
  })
})

describe('bad input', () => {
  const good = makeFrame([numericColumn('a', [1, 2, 3, 4]), numericColumn('y', [0, 1, 0, 1])])
  it('refuses an empty table', async () => {
    const empty = makeFrame([numericColumn('a', []), numericColumn('y', [])])
    await expect(linearRegression().fit(empty, { target: 'y' })).rejects.toMatchObject({
      code: 'CAIRN_EMPTY_TRAINING_DATA',
    })
  })
  it('names the column holding NaN or Infinity', async () => {
    const bad = makeFrame([numericColumn('a', [1, Number.NaN, 3, 4]), numericColumn('y', [0, 1, 0, 1])])
    await expect(ridge().fit(bad, { target: 'y' })).rejects.toMatchObject({
      code: 'CAIRN_NON_FINITE_VALUE',
      details: expect.objectContaining({ column: 'a', row: 1 }),
    })
    const inf = makeFrame([
      numericColumn('a', [1, 2, 3, 4]),
      numericColumn('y', [0, Number.POSITIVE_INFINITY, 0, 1]),
    ])
    await expect(linearRegression().fit(inf, { target: 'y' })).rejects.toMatchObject({
      code: 'CAIRN_NON_FINITE_VALUE',
      details: expect.objectContaining({ column: 'y' }),
    })
  })
  it('refuses a one-class target for a classifier', async () => {
    const one = makeFrame([numericColumn('a', [1, 2, 3]), numericColumn('y', [1, 1, 1])])
    await expect(logisticRegression().fit(one, { target: 'y' })).rejects.toMatchObject({
      code: 'CAIRN_CONSTANT_TARGET',
    })
  })
  it('points categorical features at an encoder', async () => {
    const cat = makeFrame([categoryColumn('a', ['x', 'y', 'x', 'y']), numericColumn('y', [0, 1, 0, 1])])
    await expect(logisticRegression().fit(cat, { target: 'y' })).rejects.toMatchObject({
      code: 'CAIRN_FEATURE_MISMATCH',
      hint: expect.stringContaining('oneHotEncoder'),
    })
  })
  it('names missing features at predict time', async () => {
    const m = await logisticRegression().fit(good, { target: 'y' })
    expect(() => m.predict(makeFrame([numericColumn('b', [1])]))).toThrow(
      expect.objectContaining({
        code: 'CAIRN_FEATURE_MISMATCH',
        details: expect.objectContaining({ missing: ['a'] }),
      }),
    )
    expect(() => m.rowPredictor().predict({ b: 1 })).toThrow(
      expect.objectContaining({ code: 'CAIRN_FEATURE_MISMATCH' }),
    )
    expect(() => m.rowPredictor().predict({ a: null })).toThrow(
      expect.objectContaining({ code: 'CAIRN_NON_FINITE_VALUE' }),
    )
  })
  it('rejects unknown or invalid hyperparameters, listing them', () => {
    expect(() => logisticRegression({ C: -1 })).toThrow(
      expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }),
    )
    expect(() => ridge({ alpah: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }),
    )
  })
})
