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
import { accuracy, r2 } from '../metrics/index.js'
import { loadFixture } from './fixtures/load-fixture.js'
import {
  closeForestThreads,
  decisionTreeClassifier,
  decisionTreeRegressor,
  extraTreesClassifier,
  extraTreesRegressor,
  type ForestModel,
  randomForestClassifier,
  randomForestRegressor,
} from './index.js'
import { Random } from './random.js'

afterAll(async () => {
  await closeForestThreads()
})

const reg = loadFixture('regression')
const cls = loadFixture('classes')
const regExpected = reg.expected as Record<string, number>
const clsExpected = cls.expected as Record<string, number>

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

function predictedLabels(m: ForestModel, frame: Frame): string[] {
  const res = m.predict(frame)
  return Array.from(res.values, (k) => res.classes?.[k] as string)
}

function bytes(m: ForestModel): string {
  const b = toBundle(m)
  return `${manifestText(b.manifest)}|${Buffer.from(b.weights).toString('base64')}`
}

describe('trees against scikit-learn fixtures', () => {
  const yReg = numbers(reg.test, 'y')
  const yCls = labels(cls.test, 'label')

  it('a depth-5 regression tree reaches scikit-learn’s R² (within 0.02)', async () => {
    const m = await decisionTreeRegressor({ maxDepth: 5 }).fit(reg.train, { target: 'y' })
    expect(r2(yReg, m.predict(reg.test).values)).toBeGreaterThan(
      (regExpected.decision_tree_depth5_r2 as number) - 0.02,
    )
  })

  it('depth-6 Gini and entropy trees reach scikit-learn’s accuracy (within 0.03)', async () => {
    const gini = await decisionTreeClassifier({ maxDepth: 6 }).fit(cls.train, { target: 'label' })
    const entropy = await decisionTreeClassifier({ maxDepth: 6, criterion: 'entropy' }).fit(cls.train, {
      target: 'label',
    })
    expect(accuracy(yCls, predictedLabels(gini, cls.test))).toBeGreaterThan(
      (clsExpected.decision_tree_gini_depth6_accuracy as number) - 0.03,
    )
    expect(accuracy(yCls, predictedLabels(entropy, cls.test))).toBeGreaterThan(
      (clsExpected.decision_tree_entropy_depth6_accuracy as number) - 0.03,
    )
  })

  it('random forests and extra trees reach scikit-learn’s mean score over 5 seeds (R² within 0.02, accuracy within 0.03)', async () => {
    const rfr = await randomForestRegressor({ nEstimators: 100 }).fit(reg.train, { target: 'y', seed: 1 })
    const etr = await extraTreesRegressor({ nEstimators: 100 }).fit(reg.train, { target: 'y', seed: 1 })
    expect(r2(yReg, rfr.predict(reg.test).values)).toBeGreaterThan(
      (regExpected.random_forest_r2_mean5 as number) - 0.02,
    )
    expect(r2(yReg, etr.predict(reg.test).values)).toBeGreaterThan(
      (regExpected.extra_trees_r2_mean5 as number) - 0.02,
    )
    const rfc = await randomForestClassifier({ nEstimators: 100, oobScore: true }).fit(cls.train, {
      target: 'label',
      seed: 1,
    })
    const etc = await extraTreesClassifier({ nEstimators: 100 }).fit(cls.train, { target: 'label', seed: 1 })
    expect(accuracy(yCls, predictedLabels(rfc, cls.test))).toBeGreaterThan(
      (clsExpected.random_forest_accuracy_mean5 as number) - 0.03,
    )
    expect(accuracy(yCls, predictedLabels(etc, cls.test))).toBeGreaterThan(
      (clsExpected.extra_trees_accuracy_mean5 as number) - 0.03,
    )
    expect(
      Math.abs((rfc.state.oobScore as number) - (clsExpected.random_forest_oob_accuracy as number)),
    ).toBeLessThan(0.04)
  })
})

describe('trees behaviour', () => {
  it('gives identical bundles for a seed whatever the thread count (trees draw from their own seeds)', async () => {
    const est = randomForestRegressor({ nEstimators: 220, maxDepth: 4 })
    const one = await est.fit(reg.train, { target: 'y', seed: 5, threads: 1 })
    const two = await est.fit(reg.train, { target: 'y', seed: 5, threads: 2 })
    const other = await est.fit(reg.train, { target: 'y', seed: 6, threads: 2 })
    expect(bytes(two)).toBe(bytes(one))
    expect(bytes(other)).not.toBe(bytes(one))
  })

  it('round-trips bundles; single rows predict exactly as batches', async () => {
    const m = await randomForestClassifier({ nEstimators: 20 }).fit(cls.train, { target: 'label', seed: 2 })
    const b = toBundle(m)
    const loaded = fromBundle(JSON.parse(manifestText(b.manifest)), b.weights) as ForestModel
    expect(loaded.family).toBe('random-forest')
    const batch = m.predict(cls.test)
    expect(loaded.predict(cls.test)).toEqual(batch)
    const row = loaded.rowPredictor()
    for (const i of [0, 250, 499]) {
      const obj: Record<string, number> = {}
      for (const c of cls.test.columns) if (c.type === 'number') obj[c.name] = c.values[i] as number
      const one = row.predict(obj)
      expect(one.value).toBe(batch.values[i])
      expect(one.label).toBe(batch.classes?.[batch.values[i] as number])
      expect(Array.from(one.probabilities ?? [])).toEqual(
        Array.from(batch.probabilities?.subarray(3 * i, 3 * i + 3) ?? []),
      )
    }
  })

  it('grows a full tree that fits distinct training rows exactly', async () => {
    const m = await decisionTreeClassifier().fit(cls.train, { target: 'label' })
    expect(accuracy(labels(cls.train, 'label'), predictedLabels(m, cls.train))).toBe(1)
    const d = await decisionTreeRegressor().fit(reg.train, { target: 'y' })
    expect(r2(numbers(reg.train, 'y'), d.predict(reg.train).values)).toBeCloseTo(1, 12)
  })

  it('learns category sets and where missing values go', async () => {
    const rng = new Random(8)
    const cats: string[] = []
    const x = new Float64Array(1200)
    const y: string[] = []
    for (let i = 0; i < 1200; i++) {
      const c = 'abcdefg'[rng.int(7)] as string
      cats.push(c)
      const missing = rng.next() < 0.2
      x[i] = missing ? Number.NaN : rng.next()
      y.push('aceg'.includes(c) ? (missing ? 'yes' : 'no') : 'no')
    }
    const frame = makeFrame([categoryColumn('c', cats), numericColumn('x', x), categoryColumn('y', y)])
    const m = await decisionTreeClassifier({ maxDepth: 3 }).fit(frame, { target: 'y' })
    expect(accuracy(y, predictedLabels(m, frame))).toBe(1)
    const row = m.rowPredictor()
    expect(row.predict({ c: 'e', x: null }).label).toBe('yes')
    expect(row.predict({ c: 'e', x: 0.3 }).label).toBe('no')
    expect(row.predict({ c: 'b', x: null }).label).toBe('no')
  })

  it('normalises impurity importances and ranks the informative features first', async () => {
    const m = await randomForestRegressor({ nEstimators: 30 }).fit(reg.train, { target: 'y', seed: 3 })
    const imp = m.featureImportances()
    expect(Object.values(imp).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
    const top = Object.entries(imp)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([k]) => k)
    expect(top).toContain('x3')
    expect(top).toContain('x0')
    expect(imp.x7).toBeLessThan(imp.x3 as number)
  })

  it('honours minSamplesLeaf, maxDepth and balanced class weights', async () => {
    const m = await decisionTreeRegressor({ minSamplesLeaf: 50 }).fit(reg.train, { target: 'y' })
    const e = m.ensemble
    for (let n = 0; n < e.feature.length; n++)
      if (e.feature[n] === -1) expect(e.cover[n]).toBeGreaterThanOrEqual(50)
    const shallow = await decisionTreeRegressor({ maxDepth: 2 }).fit(reg.train, { target: 'y' })
    expect(shallow.ensemble.feature.length).toBeLessThanOrEqual(7)
    const bal = await randomForestClassifier({ nEstimators: 10, classWeight: 'balanced' }).fit(cls.train, {
      target: 'label',
    })
    expect(bal.predictProba(cls.test)).toHaveLength(1500)
  })

  it('rejects bad input with codes', async () => {
    await expect(randomForestRegressor().fit(takeRows(reg.train, []), { target: 'y' })).rejects.toMatchObject(
      {
        code: 'CAIRN_EMPTY_TRAINING_DATA',
      },
    )
    const one = makeFrame([numericColumn('x', [1, 2]), categoryColumn('k', ['a', 'a'])])
    await expect(randomForestClassifier().fit(one, { target: 'k' })).rejects.toMatchObject({
      code: 'CAIRN_CONSTANT_TARGET',
    })
    expect(() => randomForestClassifier({ oobScore: true, bootstrap: false })).toThrow(
      expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }),
    )
    expect(() => randomForestRegressor({ maxFeatures: 1.5 })).toThrow(
      expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }),
    )
    const m = await decisionTreeRegressor({ maxDepth: 2 }).fit(reg.train, { target: 'y' })
    expect(() => m.predict(makeFrame([numericColumn('x0', [1])]))).toThrow(
      expect.objectContaining({ code: 'CAIRN_FEATURE_MISMATCH' }),
    )
  })
})
