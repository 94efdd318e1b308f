import { gauss, pick, seeded, type TemplateSpec } from '../template.js'

const AREAS = ['center', 'river', 'suburb', 'hills'] as const
const PREMIUM: Record<string, number> = { center: 1.35, river: 1.2, suburb: 0.95, hills: 1.05 }

/** Regression: the price of a house (gradient boosting, RMSE). */
export const regression: TemplateSpec = {
  name: 'regression',
  summary: 'regression on house sales (price), gradient boosting with native categories',
  dataset: 'houses',
  model: 'house-price',
  target: 'price',
  id: 'sale_id',
  task: 'regression',
  metric: 'rmse',
  greaterIsBetter: false,
  sampleDay(day, seed) {
    const r = seeded(seed + day * 104_729)
    return Array.from({ length: 400 }, (_, i) => {
      const rooms = 1 + Math.floor(r() * 6)
      const area = Math.round(rooms * (22 + 8 * r()) + 10 * gauss(r) + 20)
      const age = Math.floor(r() * 80)
      const neighborhood = pick(r, AREAS, [2, 2, 5, 1])
      const distance = Math.round((neighborhood === 'center' ? 2 : 4 + 14 * r()) * 10) / 10
      const price =
        (60_000 + 2_600 * area - 450 * age - 1_800 * distance) * (PREMIUM[neighborhood] as number) +
        12_000 * gauss(r)
      return {
        sale_id: `s${day}-${String(i).padStart(4, '0')}`,
        rooms,
        area_m2: Math.max(15, area),
        age_years: age,
        distance_km: distance,
        neighborhood,
        price: Math.round(Math.max(20_000, price)),
      }
    })
  },
  expectations: [
    '{ kind: not_null, column: sale_id }',
    '{ kind: unique, column: sale_id }',
    '{ kind: between, column: area_m2, min: 10, max: 2000 }',
    '{ kind: between, column: price, min: 1000 }',
    '{ kind: not_null, column: neighborhood }',
    '{ kind: row_count_between, min: 100 }',
  ],
  params: `features:
  test_size: 0.25
  seed: 7
train:
  n_estimators: 200
  max_depth: 4
  learning_rate: 0.1
evaluate:
  register: true       # register the model when it beats the current champion
`,
  featuresModule: `import { dropColumns, type Frame, getColumn, isNumericColumn, makeFrame, numericColumn, takeRows } from 'cairn/data'
import { trainTestSplit } from 'cairn/ml'

/** The model's features from the cleaned sales table: no id, plus area per room. */
export function buildFeatures(frame: Frame): Frame {
  const area = getColumn(frame, 'area_m2')
  const rooms = getColumn(frame, 'rooms')
  if (!isNumericColumn(area) || !isNumericColumn(rooms)) throw new Error('area_m2 and rooms must be numbers')
  const perRoom = new Float64Array(frame.rowCount)
  for (let i = 0; i < perRoom.length; i++) perRoom[i] = (area.values[i] as number) / Math.max(1, rooms.values[i] as number)
  const kept = dropColumns(frame, ['sale_id', 'dt'].filter((c) => frame.columns.some((x) => x.name === c)))
  return makeFrame([...kept.columns, numericColumn('area_per_room', perRoom)])
}

/** Train and test rows (a seeded split). */
export function splitTrainTest(frame: Frame, p: { test_size: number; seed: number }): { train: Frame; test: Frame } {
  const fold = trainTestSplit(frame, { testSize: p.test_size, seed: p.seed })
  return { train: takeRows(frame, fold.train), test: takeRows(frame, fold.test) }
}
`,
  modelModule: `import type { Frame } from 'cairn/data'
import { type Estimator, gradientBoosting, type Model, scoreModel } from 'cairn/ml'

export const TARGET = 'price'

export interface TrainParams {
  n_estimators: number
  max_depth: number
  learning_rate: number
}

/** The estimator train.ts fits (change the family or its params here and in params.yaml). */
export function makeEstimator(p: TrainParams): Estimator {
  return gradientBoosting({ nEstimators: p.n_estimators, maxDepth: p.max_depth, learningRate: p.learning_rate })
}

/** Metrics on held-out rows; the first one is what evaluate compares with the champion. */
export function score(model: Model, test: Frame): Record<string, number> {
  return scoreModel(model, test, { target: TARGET, metrics: ['rmse', 'mae', 'r2'] })
}
`,
  featuresTest: `import assert from 'node:assert/strict'
import { test } from 'node:test'
import { frameFromRows, getColumn } from 'cairn/data'
import { buildFeatures } from '../src/lib/features.js'

test('buildFeatures drops the id and adds area per room', () => {
  const frame = frameFromRows([
    { sale_id: 'a', rooms: 4, area_m2: 100, age_years: 10, neighborhood: 'center', price: 300000 },
    { sale_id: 'b', rooms: 2, area_m2: 50, age_years: 40, neighborhood: 'hills', price: 150000 },
  ])
  const out = buildFeatures(frame)
  assert.ok(!out.columns.some((c) => c.name === 'sale_id'))
  const perRoom = getColumn(out, 'area_per_room') as { values: Float64Array }
  assert.deepEqual([...perRoom.values], [25, 25])
})
`,
  exampleRow: {
    rooms: 3,
    area_m2: 82,
    age_years: 25,
    distance_km: 6.5,
    neighborhood: 'suburb',
    area_per_room: 27.3,
  },
}
