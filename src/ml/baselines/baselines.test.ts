import { describe, expect, it } from 'vitest'
import { categoryColumn, makeFrame, numericColumn } from '../../data/index.js'
import { fromBundle, manifestText, toBundle } from '../bundle/index.js'
import { scoreModel } from '../metrics/index.js'
import { baselineClassifier, baselineRegressor, RuleModel, ruleModel } from './index.js'

const data = makeFrame([
  numericColumn('amount', [5, 2000, 40, 3000, 15, 700, 2500, 60]),
  categoryColumn('country', ['de', 'ng', 'de', 'ru', 'fr', 'de', 'ng', null]),
  categoryColumn('label', ['ok', 'fraud', 'ok', 'fraud', 'ok', 'ok', 'ok', 'ok']),
  numericColumn('y', [1, 2, 3, 4, 5, 6, 7, 100]),
])

const roundTrip = (m: Parameters<typeof toBundle>[0]) => {
  const b = toBundle(m)
  return fromBundle(JSON.parse(manifestText(b.manifest)), b.weights)
}

describe('baseline regressor', () => {
  it.each([
    ['mean', {}, 16],
    ['median', { strategy: 'median' }, 4.5],
    ['quantile', { strategy: 'quantile', quantile: 0.25 }, 2.75],
    ['constant', { strategy: 'constant', constant: -3 }, -3],
  ] as const)('%s', async (_, params, expected) => {
    const m = await baselineRegressor(params as never).fit(data, { target: 'y', features: ['amount'] })
    expect(m.predict(data).values[0]).toBe(expected)
    expect(roundTrip(m).rowPredictor().predict({ amount: 1 }).value).toBe(expected)
  })
})

describe('baseline classifier', () => {
  it('most-frequent and prior give the majority class; prior gives class shares', async () => {
    const m = await baselineClassifier({ strategy: 'prior' }).fit(data, {
      target: 'label',
      features: ['amount'],
    })
    const p = m.predict(data)
    expect(p.classes).toEqual(['fraud', 'ok'])
    expect(p.values[0]).toBe(1)
    expect([...(p.probabilities as Float64Array).slice(0, 2)]).toEqual([0.25, 0.75])
    const mf = await baselineClassifier({ strategy: 'most-frequent' }).fit(data, {
      target: 'label',
      features: ['amount'],
    })
    expect([...(mf.predict(data).probabilities as Float64Array).slice(0, 2)]).toEqual([0, 1])
  })
  it('stratified draws are deterministic for a seed and follow the priors', async () => {
    const big = makeFrame([
      numericColumn('x', new Float64Array(4000)),
      numericColumn(
        'c',
        Float64Array.from({ length: 4000 }, (_, i) => (i % 4 === 0 ? 1 : 0)),
      ),
    ])
    const m = await baselineClassifier({ strategy: 'stratified' }).fit(big, { target: 'c', seed: 3 })
    const a = m.predict(big).values
    expect(roundTrip(m).predict(big).values).toEqual(a)
    const share = a.reduce((s, v) => s + v, 0) / a.length
    expect(Math.abs(share - 0.25)).toBeLessThan(0.03)
  })
  it('refuses a constant that is not a class', async () => {
    await expect(
      baselineClassifier({ strategy: 'constant', constant: 'maybe' }).fit(data, { target: 'label' }),
    ).rejects.toMatchObject({
      code: 'CAIRN_INVALID_ARGUMENT',
    })
  })
})

describe('rule-based model', () => {
  const rules = ruleModel({
    rules: [
      {
        name: 'big transfer',
        when: [
          { column: 'amount', op: '>', value: 1000 },
          { column: 'country', op: 'in', value: ['ng', 'ru'] },
        ],
        predict: 'fraud',
      },
      { when: [{ column: 'country', op: 'is-missing' }], predict: 'ok' },
    ],
    otherwise: 'ok',
  })
  it('predicts by the first matching rule and learns each rule’s class shares', async () => {
    const m = await rules.fit(data, { target: 'label' })
    expect(m).toBeInstanceOf(RuleModel)
    expect([...m.matches(data)]).toEqual([2, 0, 2, 0, 2, 2, 0, 1])
    const p = m.predict(data)
    expect(p.classes).toEqual(['fraud', 'ok'])
    expect([...p.values]).toEqual([1, 0, 1, 0, 1, 1, 0, 1])
    // rule 0 matched 2 fraud, 1 ok: (2 + 1) / (3 + 2) with smoothing 1.
    expect(p.probabilities?.[2]).toBeCloseTo(3 / 5, 12)
    const back = roundTrip(m)
    expect(back.rowPredictor().predict({ amount: 5000, country: 'ru' }).label).toBe('fraud')
    expect(back.rowPredictor().predict({ amount: 5000, country: 'de' }).label).toBe('ok')
    const s = scoreModel(back, data, { target: 'label', metrics: ['accuracy'] })
    expect(s.accuracy).toBe(7 / 8)
  })
  it('learns the mean target where a regression rule gives no value', async () => {
    const m = await ruleModel({ rules: [{ when: [{ column: 'amount', op: '>=', value: 1000 }] }] }).fit(
      data,
      { target: 'y' },
    )
    expect(m.predict(data).values[1]).toBeCloseTo((2 + 4 + 7) / 3, 12)
    expect(m.predict(data).values[0]).toBeCloseTo((1 + 3 + 5 + 6 + 100) / 5, 12)
  })
  it('names an unknown column and a numeric comparison on text', async () => {
    await expect(
      ruleModel({ rules: [{ when: [{ column: 'nope', op: '>', value: 1 }] }] }).fit(data, { target: 'y' }),
    ).rejects.toMatchObject({
      code: 'CAIRN_COLUMN_NOT_FOUND',
    })
    await expect(
      ruleModel({ rules: [{ when: [{ column: 'country', op: '>', value: 1 }] }] }).fit(data, { target: 'y' }),
    ).rejects.toMatchObject({
      code: 'CAIRN_INVALID_ARGUMENT',
    })
  })
})
