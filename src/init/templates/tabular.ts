import { gauss, pick, seeded, type TemplateSpec } from '../template.js'

const PLANS = ['basic', 'plus', 'pro'] as const
const REGIONS = ['north', 'south', 'east', 'west'] as const

/** Binary classification: will a customer churn? (gradient boosting on mixed columns) */
export const tabular: TemplateSpec = {
  name: 'tabular',
  summary: 'binary classification on a customer table (churn), gradient boosting with native categories',
  dataset: 'customers',
  model: 'churn',
  target: 'churned',
  id: 'customer_id',
  task: 'classification',
  metric: 'roc_auc',
  greaterIsBetter: true,
  sampleDay(day, seed) {
    const r = seeded(seed + day * 7919)
    return Array.from({ length: 400 }, (_, i) => {
      const plan = pick(r, PLANS, [5, 3, 2])
      const tenure = Math.max(1, Math.round(24 + 18 * gauss(r)))
      const calls = Math.max(0, Math.round(1.5 + 1.5 * gauss(r)))
      const spend =
        Math.round((plan === 'basic' ? 20 : plan === 'plus' ? 45 : 90) * (0.8 + 0.4 * r()) * 100) / 100
      const logit = -0.8 + 0.8 * calls - 0.07 * tenure + (plan === 'basic' ? 0.9 : 0) + 0.3 * gauss(r)
      return {
        customer_id: `c${day}-${String(i).padStart(4, '0')}`,
        age: Math.max(18, Math.round(42 + 13 * gauss(r))),
        tenure_months: tenure,
        monthly_spend: spend,
        plan,
        region: pick(r, REGIONS),
        support_calls: calls,
        churned: 1 / (1 + Math.exp(-logit)) > r() ? 'yes' : 'no',
      }
    })
  },
  expectations: [
    '{ kind: not_null, column: customer_id }',
    '{ kind: unique, column: customer_id }',
    '{ kind: between, column: age, min: 18, max: 110 }',
    '{ kind: between, column: monthly_spend, min: 0 }',
    '{ kind: in_set, column: plan, values: [basic, plus, pro] }',
    "{ kind: in_set, column: churned, values: ['yes', 'no'] }",
    '{ kind: row_count_between, min: 100 }',
  ],
  params: `features:
  test_size: 0.25
  seed: 7
train:
  n_estimators: 150
  max_depth: 4
  learning_rate: 0.1
evaluate:
  register: true       # register the model when it beats the current champion
`,
  featuresModule: `import { dropColumns, type Frame, getColumn, isNumericColumn, makeFrame, numericColumn, takeRows } from 'cairn/data'
import { trainTestSplit } from 'cairn/ml'

/** The model's features from the cleaned customer table: no id, plus spend per month of tenure. */
export function buildFeatures(frame: Frame): Frame {
  const spend = getColumn(frame, 'monthly_spend')
  const tenure = getColumn(frame, 'tenure_months')
  if (!isNumericColumn(spend) || !isNumericColumn(tenure)) throw new Error('monthly_spend and tenure_months must be numbers')
  const ratio = new Float64Array(frame.rowCount)
  for (let i = 0; i < ratio.length; i++) ratio[i] = (spend.values[i] as number) / Math.max(1, tenure.values[i] as number)
  const kept = dropColumns(frame, ['customer_id', 'dt'].filter((c) => frame.columns.some((x) => x.name === c)))
  return makeFrame([...kept.columns, numericColumn('spend_per_tenure_month', ratio)])
}

/** Train and test rows (a seeded split, stratified by churned). */
export function splitTrainTest(frame: Frame, p: { test_size: number; seed: number }): { train: Frame; test: Frame } {
  const fold = trainTestSplit(frame, { testSize: p.test_size, seed: p.seed, stratify: 'churned' })
  return { train: takeRows(frame, fold.train), test: takeRows(frame, fold.test) }
}
`,
  modelModule: `import type { Frame } from 'cairn/data'
import { type Estimator, gradientBoosting, type Model, scoreModel } from 'cairn/ml'

export const TARGET = 'churned'

export interface TrainParams {
  n_estimators: number
  max_depth: number
  learning_rate: number
}

/** The estimator train.ts fits (change the family or its params here and in params.yaml). */
export function makeEstimator(p: TrainParams): Estimator {
  return gradientBoosting({
    objective: 'binary',
    nEstimators: p.n_estimators,
    maxDepth: p.max_depth,
    learningRate: p.learning_rate,
  })
}

/** Metrics on held-out rows; the first one is what evaluate compares with the champion. */
export function score(model: Model, test: Frame): Record<string, number> {
  return scoreModel(model, test, { target: TARGET, metrics: ['roc_auc', 'accuracy', 'f1'] })
}
`,
  featuresTest: `import assert from 'node:assert/strict'
import { test } from 'node:test'
import { frameFromRows, getColumn } from 'cairn/data'
import { buildFeatures } from '../src/lib/features.js'

test('buildFeatures drops the id and adds spend per tenure month', () => {
  const frame = frameFromRows([
    { customer_id: 'a', age: 30, tenure_months: 10, monthly_spend: 50, plan: 'plus', churned: 'no' },
    { customer_id: 'b', age: 40, tenure_months: 0, monthly_spend: 20, plan: 'basic', churned: 'yes' },
  ])
  const out = buildFeatures(frame)
  assert.ok(!out.columns.some((c) => c.name === 'customer_id'))
  const ratio = getColumn(out, 'spend_per_tenure_month') as { values: Float64Array }
  assert.deepEqual([...ratio.values], [5, 20])
})
`,
  exampleRow: {
    age: 35,
    tenure_months: 6,
    monthly_spend: 24.5,
    plan: 'basic',
    region: 'north',
    support_calls: 4,
    spend_per_tenure_month: 4.08,
  },
}
