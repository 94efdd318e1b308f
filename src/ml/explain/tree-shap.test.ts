import { describe, expect, it } from 'vitest'
import { categoryColumn, type Frame, makeFrame, numericColumn } from '../../data/index.js'
import { gradientBoosting } from '../gbdt/index.js'
import { decisionTreeRegressor, randomForestClassifier } from '../trees/index.js'
import { Random } from '../trees/random.js'
import { CATEGORICAL, MISSING_LEFT, type TreeEnsemble } from '../trees/tree-ensemble.js'
import { treeShap } from './index.js'

function data(n: number, seed: number): Frame {
  const rng = new Random(seed)
  const a = new Float64Array(n)
  const b = new Float64Array(n)
  const c = new Float64Array(n)
  const k: string[] = []
  const y = new Float64Array(n)
  const cls: string[] = []
  for (let i = 0; i < n; i++) {
    a[i] = rng.next()
    b[i] = rng.next() < 0.1 ? Number.NaN : rng.next()
    c[i] = rng.next()
    k.push('pqrs'[rng.int(4)] as string)
    const bv = Number.isNaN(b[i] as number) ? 0.5 : (b[i] as number)
    y[i] =
      3 * (a[i] as number) +
      2 * bv * (a[i] as number) +
      (k[i] === 'q' || k[i] === 's' ? 1 : 0) +
      rng.next() * 0.1
    cls.push((y[i] as number) > 2.5 ? 'high' : 'low')
  }
  return makeFrame([
    numericColumn('a', a),
    numericColumn('b', b),
    numericColumn('c', c),
    categoryColumn('k', k),
    numericColumn('y', y),
    categoryColumn('cls', cls),
  ])
}

/** E[f(x) | x_S] with the tree's own path-dependent rule: features outside S follow cover. */
function conditional(e: TreeEnsemble, t: number, x: Float64Array, inS: boolean[], k: number): number {
  const walk = (n: number): number => {
    const f = e.feature[n] as number
    if (f < 0) return e.value[n * e.valueWidth + k] as number
    const l = n + 1
    const r = e.right[n] as number
    if (inS[f]) {
      const v = x[f] as number
      const fl = e.flags[n] as number
      let left: boolean
      if (Number.isNaN(v)) left = (fl & MISSING_LEFT) !== 0
      else if (fl & CATEGORICAL) {
        const c = e.catStart[n] as number
        const w = v >> 5
        left = w < (e.catBits[c] as number) && (((e.catBits[c + 1 + w] as number) >>> (v & 31)) & 1) !== 0
      } else left = v <= (e.threshold[n] as number)
      return walk(left ? l : r)
    }
    const cn = e.cover[n] as number
    return ((e.cover[l] as number) * walk(l) + (e.cover[r] as number) * walk(r)) / cn
  }
  return walk(e.treeStart[t] as number)
}

/** Shapley values by enumerating every subset (exponential; tiny feature counts only). */
function bruteForce(e: TreeEnsemble, x: Float64Array, output: number, scale: number): number[] {
  const M = e.featureCount
  const fact = (q: number): number => (q <= 1 ? 1 : q * fact(q - 1))
  const trees = e.treeStart.length - 1
  const value = (mask: number): number => {
    const inS = Array.from({ length: M }, (_, f) => ((mask >> f) & 1) === 1)
    let s = 0
    for (let t = 0; t < trees; t++) {
      const o = e.treeOutput[t] as number
      if (e.valueWidth === 1 && o !== output) continue
      s += conditional(e, t, x, inS, e.valueWidth === 1 ? 0 : output)
    }
    return s * scale
  }
  const phi: number[] = []
  for (let i = 0; i < M; i++) {
    let total = 0
    for (let mask = 0; mask < 1 << M; mask++) {
      if ((mask >> i) & 1) continue
      let size = 0
      for (let f = 0; f < M; f++) size += (mask >> f) & 1
      const weight = (fact(size) * fact(M - size - 1)) / fact(M)
      total += weight * (value(mask | (1 << i)) - value(mask))
    }
    phi.push(total)
  }
  return phi
}

function rowOf(
  frame: Frame,
  i: number,
  model: { features: { name: string; categories?: string[] }[] },
): Float64Array {
  return Float64Array.from(model.features, (f) => {
    const c = frame.columns.find((col) => col.name === f.name)
    if (!c) throw new Error('no column')
    if (c.type === 'category') {
      const code = c.codes[i] as number
      return code < 0 ? Number.NaN : (f.categories ?? []).indexOf(c.categories[code] as string)
    }
    if (c.type === 'string' || c.type === 'text') throw new Error('unexpected')
    return c.values[i] as number
  })
}

describe('TreeSHAP', () => {
  const train = data(600, 1)
  const probe = data(8, 2)
  const features = ['a', 'b', 'c', 'k']

  it('matches brute-force Shapley values on a small boosted model (numeric, missing and categorical splits)', async () => {
    const model = await gradientBoosting({ nEstimators: 4, maxDepth: 3, learningRate: 0.5 }).fit(train, {
      target: 'y',
      features,
      threads: 1,
    })
    const flags = Array.from(model.ensemble.flags)
    expect(flags.some((f) => (f & CATEGORICAL) !== 0)).toBe(true)
    expect(model.ensemble.feature.includes(1)).toBe(true)
    const shap = treeShap(model, probe)
    expect(shap.features).toEqual(features)
    for (let i = 0; i < probe.rowCount; i++) {
      const want = bruteForce(model.ensemble, rowOf(probe, i, model), 0, 1)
      const got = Array.from(shap.values.subarray(i * 4, i * 4 + 4))
      for (let f = 0; f < 4; f++) expect(got[f]).toBeCloseTo(want[f] as number, 10)
    }
  })

  it('sums to the prediction minus the expected value (boosted margins, trees, forest probabilities)', async () => {
    const gb = await gradientBoosting({ nEstimators: 20, maxDepth: 4 }).fit(train, {
      target: 'y',
      features,
      threads: 1,
    })
    const s1 = treeShap(gb, probe)
    const p1 = gb.predict(probe).values
    for (let i = 0; i < probe.rowCount; i++) {
      let sum = s1.expectedValue[0] as number
      for (let f = 0; f < 4; f++) sum += s1.values[i * 4 + f] as number
      expect(sum).toBeCloseTo(p1[i] as number, 9)
    }
    // The expected value of a tree is the mean training prediction (covers are row counts).
    const dt = await decisionTreeRegressor({ maxDepth: 5 }).fit(train, { target: 'y', features, threads: 1 })
    const s2 = treeShap(dt, probe)
    const trainPred = dt.predict(train).values
    expect(s2.expectedValue[0]).toBeCloseTo(trainPred.reduce((a, b) => a + b, 0) / trainPred.length, 9)
    const rf = await randomForestClassifier({ nEstimators: 5, maxDepth: 4 }).fit(train, {
      target: 'cls',
      features,
      threads: 1,
    })
    const s3 = treeShap(rf, probe)
    expect(s3.outputs).toEqual(rf.classes)
    const proba = rf.predictProba(probe)
    for (let i = 0; i < probe.rowCount; i++) {
      for (let k = 0; k < 2; k++) {
        let sum = s3.expectedValue[k] as number
        for (let f = 0; f < 4; f++) sum += s3.values[(i * 2 + k) * 4 + f] as number
        expect(sum).toBeCloseTo(proba[i * 2 + k] as number, 9)
      }
    }
    const want = bruteForce(rf.ensemble, rowOf(probe, 3, rf), 1, 1 / 5)
    for (let f = 0; f < 4; f++) expect(s3.values[(3 * 2 + 1) * 4 + f]).toBeCloseTo(want[f] as number, 10)
  })

  it('gives a feature the model never uses zero attribution', async () => {
    const gb = await gradientBoosting({ nEstimators: 10, maxDepth: 3 }).fit(train, {
      target: 'y',
      features: ['a', 'c'],
      threads: 1,
    })
    const used = new Set(Array.from(gb.ensemble.feature).filter((f) => f >= 0))
    const s = treeShap(gb, probe)
    for (let f = 0; f < 2; f++) {
      if (used.has(f)) continue
      for (let i = 0; i < probe.rowCount; i++) expect(s.values[i * 2 + f]).toBe(0)
    }
  })
})
