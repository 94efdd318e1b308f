import { type Frame, frameFromRows } from '../../data/index.js'
import {
  linearRegression,
  logisticRegression,
  type Model,
  oneHotEncoder,
  pipeline,
  simpleImputer,
} from '../../ml/index.js'

/** mulberry32: a small seeded PRNG. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const OCEAN = ['INLAND', 'NEAR BAY', 'NEAR OCEAN'] as const

/** Generated housing data: value ≈ shift + 40k·income + 1k·age + rooms + a premium near the ocean. */
export function housingFrame(shift = 0, n = 300): Frame {
  const random = seeded(7)
  const rows = Array.from({ length: n }, () => {
    const income = 0.5 + random() * 14.5
    const age = 1 + Math.floor(random() * 52)
    const rooms = random() < 0.1 ? null : 100 + random() * 4900
    const ocean = OCEAN[Math.floor(random() * 3)] as string
    const premium = ocean === 'INLAND' ? 0 : ocean === 'NEAR BAY' ? 5000 : 8000
    const value = shift + 40_000 * income + 1_000 * age + (rooms ?? 2500) + premium + (random() - 0.5) * 2000
    return {
      median_income: income,
      housing_median_age: age,
      total_rooms: rooms,
      ocean_proximity: ocean,
      median_house_value: value,
    }
  })
  return frameFromRows(rows, {
    median_income: 'number',
    housing_median_age: 'integer',
    total_rooms: 'number',
    ocean_proximity: 'category',
    median_house_value: 'number',
  })
}

/** A real regression model for the tests: imputer and one-hot encoder before linear regression. */
export function housingModel(shift = 0): Promise<Model> {
  return pipeline(
    [simpleImputer({ columns: ['total_rooms'] }), oneHotEncoder({ columns: ['ocean_proximity'] })],
    linearRegression(),
  ).fit(housingFrame(shift), { target: 'median_house_value' })
}

/** A real binary classifier (classes no/yes): churn is likely with short tenure and high charges. */
export function churnModel(): Promise<Model> {
  const random = seeded(11)
  const rows = Array.from({ length: 400 }, () => {
    const tenure = random() * 72
    const charges = 20 + random() * 100
    const p = 1 / (1 + Math.exp(-(-0.1 * tenure + 0.05 * charges - 1)))
    return { tenure, charges, churn: random() < p ? 'yes' : 'no' }
  })
  return logisticRegression().fit(
    frameFromRows(rows, { tenure: 'number', charges: 'number', churn: 'category' }),
    {
      target: 'churn',
    },
  )
}
