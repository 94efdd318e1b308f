import { describe, expect, it } from 'vitest'
import { type Frame, frameToRows, takeRows } from '../../data/index.js'
import { baselineClassifier, baselineRegressor, ruleModel } from '../baselines/index.js'
import { fromBundle, manifestText, toBundle } from '../bundle/index.js'
import type { Estimator } from '../estimator.js'
import { makeChurnTable, makeClassification, makeRegression } from '../evaluation/synthetic.js'
import { gradientBoosting } from '../gbdt/index.js'
import {
  elasticNet,
  lasso,
  linearRegression,
  logisticRegression,
  ridge,
  sgdClassifier,
  sgdRegressor,
} from '../linear/index.js'
import { gaussianNb, multinomialNb } from '../naive-bayes/index.js'
import { knnClassifier, knnRegressor } from '../neighbors/index.js'
import { minMaxScaler, oneHotEncoder, targetEncoder } from '../transforms/index.js'
import { extraTreesRegressor, randomForestClassifier } from '../trees/index.js'
import { estimatorFromSpec, pipeline, specOf } from './index.js'

const regression = makeRegression({ rows: 120, features: 4, seed: 1, noise: 2 })
const classification = makeClassification({ rows: 150, features: 3, classes: 3, seed: 2, labels: true })
const churn = makeChurnTable(200, 5)

const cases: [string, Estimator, Frame, string][] = [
  ['linear-regression', linearRegression(), regression, 'y'],
  ['ridge', ridge({ alpha: 0.5 }), regression, 'y'],
  ['lasso', lasso({ alpha: 0.1, selection: 'random' }), regression, 'y'],
  ['elastic-net', elasticNet({ alpha: 0.1 }), regression, 'y'],
  ['logistic-regression', logisticRegression({ penalty: 'l1', C: 0.5 }), classification, 'y'],
  ['sgd-regressor', sgdRegressor({ maxIter: 20 }), regression, 'y'],
  ['sgd-classifier', sgdClassifier({ loss: 'log-loss', maxIter: 20 }), classification, 'y'],
  ['knn-classifier', knnClassifier({ k: 4, weights: 'distance' }), classification, 'y'],
  ['knn-regressor', knnRegressor({ k: 3 }), regression, 'y'],
  ['gaussian-nb', gaussianNb(), classification, 'y'],
  ['multinomial-nb', pipeline([minMaxScaler()], multinomialNb()), classification, 'y'],
  ['gbdt', gradientBoosting({ nEstimators: 20, maxDepth: 3 }), regression, 'y'],
  ['random-forest', randomForestClassifier({ nEstimators: 5 }), classification, 'y'],
  ['extra-trees', extraTreesRegressor({ nEstimators: 5 }), regression, 'y'],
  ['baseline-regressor', baselineRegressor({ strategy: 'median' }), regression, 'y'],
  ['baseline-classifier', baselineClassifier({ strategy: 'stratified' }), classification, 'y'],
  [
    'rule-based',
    ruleModel({ rules: [{ when: [{ column: 'plan', op: '==', value: 'basic' }], predict: 'yes' }] }),
    churn,
    'churned',
  ],
  [
    'pipeline',
    pipeline([targetEncoder({ columns: ['city'] }), oneHotEncoder({ columns: ['plan'] })], gaussianNb()),
    churn,
    'churned',
  ],
]

describe.each(cases)('%s', (_, estimator, frame, target) => {
  it('gives the same bundle bytes for the same seed, and the same predictions after loading', async () => {
    const options = {
      target,
      seed: 11,
      ...(target === 'churned' ? { features: ['age', 'tenure', 'plan', 'city'] } : {}),
    }
    const a = toBundle(await estimator.fit(frame, options))
    const b = toBundle(
      await estimatorFromSpec(JSON.parse(JSON.stringify(specOf(estimator)))).fit(frame, options),
    )
    expect(manifestText(b.manifest)).toBe(manifestText(a.manifest))
    expect(Buffer.from(b.weights).equals(Buffer.from(a.weights))).toBe(true)
    const model = fromBundle(JSON.parse(manifestText(a.manifest)), a.weights)
    const some = takeRows(frame, Int32Array.of(0, 1, 2, 3, 4))
    const batch = model.predict(some)
    const rp = model.rowPredictor()
    const stochastic = estimator.family === 'baseline-classifier'
    frameToRows(some).forEach((row, i) => {
      const out = rp.predict(row)
      if (!stochastic) expect(out.value).toBeCloseTo(batch.values[i] as number, 10)
    })
  })
})
