import { describe, expect, it } from 'vitest'
import { startWorker } from '../../core/index.js'
import { type Frame, frameToRows, makeFrame, numericColumn, takeRows } from '../../data/index.js'
import { fromBundle, manifestText, toBundle } from '../bundle/index.js'
import { makeChurnTable, makeRegression } from '../evaluation/synthetic.js'
import { gradientBoosting } from '../gbdt/index.js'
import { linearRegression, logisticRegression, ridge } from '../linear/index.js'
import { scoreModel } from '../metrics/index.js'
import { mlpRegressor } from '../nn/index.js'
import {
  columnTransformer,
  kBinsDiscretizer,
  oneHotEncoder,
  simpleImputer,
  standardScaler,
  targetEncoder,
} from '../transforms/index.js'
import { estimatorFromSpec, PipelineModel, pipeline, specOf } from './index.js'

const churn = makeChurnTable(600, 1)
const train = takeRows(
  churn,
  Int32Array.from({ length: 450 }, (_, i) => i),
)
const test = takeRows(
  churn,
  Int32Array.from({ length: 150 }, (_, i) => 450 + i),
)

const churnPipeline = () =>
  pipeline(
    [
      simpleImputer({ strategy: 'median', columns: ['spend'] }),
      columnTransformer([
        ['num', standardScaler(), ['age', 'spend', 'tenure']],
        ['cat', oneHotEncoder({ handleUnknown: 'ignore' }), ['plan', 'city']],
      ]),
    ],
    logisticRegression({ C: 1 }),
  )

function rowsOf(frame: Frame) {
  return frameToRows(frame).map((r) => {
    const { churned: _, ...rest } = r
    return rest
  })
}

describe('pipeline', () => {
  it('fits transforms and a model into one bundle that predicts the same after loading', async () => {
    const model = await churnPipeline().fit(train, { target: 'churned' })
    expect(model).toBeInstanceOf(PipelineModel)
    expect(model.signature.inputs.map((s) => [s.name, s.type, s.nullable])).toEqual([
      ['age', 'integer', false],
      ['spend', 'number', true],
      ['tenure', 'integer', false],
      ['plan', 'category', true],
      ['city', 'category', true],
    ])
    expect(model.signature.inputs[3]?.categories).toEqual(['basic', 'plus', 'pro'])
    expect(model.signature.output).toEqual({ task: 'binary', name: 'churned', classes: ['no', 'yes'] })
    const auc = scoreModel(model, test, { target: 'churned', metrics: ['roc_auc'] }).roc_auc as number
    expect(auc).toBeGreaterThan(0.7)
    const bundle = toBundle(model)
    expect(bundle.manifest.tensors.some((t) => t.name.startsWith('model.'))).toBe(true)
    const back = fromBundle(JSON.parse(manifestText(bundle.manifest)), bundle.weights)
    expect([...(back.predict(test).probabilities as Float64Array)]).toEqual([
      ...(model.predict(test).probabilities as Float64Array),
    ])
  })

  it('is deterministic: same seed, same bundle bytes (target encoding folds included)', async () => {
    const est = pipeline(
      [targetEncoder({ columns: ['plan', 'city'] }), simpleImputer()],
      logisticRegression(),
    )
    const a = toBundle(await est.fit(train, { target: 'churned', seed: 4 }))
    const b = toBundle(await est.fit(train, { target: 'churned', seed: 4 }))
    expect(manifestText(a.manifest)).toBe(manifestText(b.manifest))
    expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).toBe(true)
  })

  it('predicts single rows like the batch path (vector handoff)', async () => {
    const model = await churnPipeline().fit(train, { target: 'churned' })
    const batch = model.predict(test)
    const rp = model.rowPredictor()
    rowsOf(test).forEach((row, i) => {
      const out = rp.predict(row)
      expect(out.label).toBe(batch.classes?.[batch.values[i] as number])
      expect(
        Math.abs((out.probabilities?.[1] as number) - (batch.probabilities?.[2 * i + 1] as number)),
      ).toBeLessThan(1e-12)
    })
  })

  it('adds no allocation per row beyond reading the row (measured in a fresh isolate)', async () => {
    const worker = startWorker(import.meta.url, './testing/allocation-probe')
    const result = await new Promise<{ baseline: number; pipeline: number }>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    await worker.terminate()
    // Reading a row object boxes its doubles (that is the baseline); the pipeline adds nothing.
    expect(Number.isFinite(result.pipeline)).toBe(true)
    expect(result.pipeline).toBeLessThan(result.baseline + 2)
  })

  it('takes any estimator as its final step (an MLP from the nn module, through the record fallback)', async () => {
    const data = makeRegression({ rows: 300, features: 3, seed: 2, noise: 1 })
    const est = pipeline(
      [kBinsDiscretizer({ columns: ['x2'], encode: 'one-hot' })],
      mlpRegressor({ hiddenLayers: [8], epochs: 3 }),
    )
    const model = await est.fit(data, { target: 'y', seed: 1 })
    const batch = model.predict(data).values
    const rp = model.rowPredictor()
    rowsOf(takeRows(data, Int32Array.of(0, 1, 2))).forEach((row, i) => {
      expect(Math.abs(rp.predict(row).value - (batch[i] as number))).toBeLessThan(1e-4)
    })
    const b = toBundle(model)
    expect(fromBundle(JSON.parse(manifestText(b.manifest)), b.weights).predict(data).values).toEqual(batch)
  })

  it('takes the gradient-boosting estimator as its final step (native categories through the record path)', async () => {
    const est = pipeline(
      [simpleImputer({ strategy: 'median', columns: ['spend'] })],
      gradientBoosting({ objective: 'binary', nEstimators: 15 }),
    )
    const model = await est.fit(train, { target: 'churned', threads: 1, seed: 2 })
    expect(model.model.family).toBe('gbdt')
    const batch = model.predict(test)
    const rp = model.rowPredictor()
    rowsOf(takeRows(test, Int32Array.of(0, 1, 2, 3, 4))).forEach((row, i) => {
      expect(
        Math.abs(
          (rp.predict(row).probabilities?.[1] as number) - (batch.probabilities?.[2 * i + 1] as number),
        ),
      ).toBeLessThan(1e-12)
    })
    const b = toBundle(model)
    expect([...fromBundle(JSON.parse(manifestText(b.manifest)), b.weights).predict(test).values]).toEqual([
      ...batch.values,
    ])
  })

  it('says in its signature which categorical inputs take values never seen at fit time', async () => {
    const unknownOk = (m: PipelineModel) =>
      Object.fromEntries(
        m.signature.inputs.filter((i) => i.type === 'category').map((i) => [i.name, !!i.acceptsUnknown]),
      )
    expect(unknownOk(await churnPipeline().fit(train, { target: 'churned', seed: 1 }))).toEqual({
      plan: true,
      city: true,
    })
    const strict = pipeline([oneHotEncoder({ columns: ['plan', 'city'] })], logisticRegression())
    expect(
      unknownOk(await strict.fit(train, { target: 'churned', features: ['age', 'plan', 'city'], seed: 1 })),
    ).toEqual({
      plan: false,
      city: false,
    })
    const trees = pipeline(
      [simpleImputer({ strategy: 'median', columns: ['spend'] })],
      gradientBoosting({ objective: 'binary', nEstimators: 5 }),
    )
    expect(unknownOk(await trees.fit(train, { target: 'churned', threads: 1, seed: 1 }))).toEqual({
      plan: true,
      city: true,
    })
  })

  it('changes step and model params with with(), and rebuilds from its spec', async () => {
    const est = pipeline([['scale', standardScaler()]], ridge({ alpha: 1 }))
    const tuned = est.with({ 'model.alpha': 50, 'scale.withMean': false })
    expect((tuned.params as { model: { params: { alpha: number } } }).model.params.alpha).toBe(50)
    const data = makeRegression({ rows: 100, features: 3, seed: 3 })
    const rebuilt = estimatorFromSpec(JSON.parse(JSON.stringify(specOf(tuned))))
    const a = toBundle(await tuned.fit(data, { target: 'y' }))
    const b = toBundle(await rebuilt.fit(data, { target: 'y' }))
    expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).toBe(true)
    expect(() => est.with({ 'nope.x': 1 })).toThrow(
      expect.objectContaining({ code: 'CAIRN_INVALID_ARGUMENT' }),
    )
  })

  it('maps model importances back to raw columns', async () => {
    const model = await churnPipeline().fit(train, { target: 'churned' })
    const imp = model.featureImportances()
    expect(Object.keys(imp)).toEqual(['age', 'spend', 'tenure', 'plan', 'city'])
    expect(Object.values(imp).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10)
  })

  it('reports bad input with codes naming the column', async () => {
    const model = await pipeline([oneHotEncoder({ columns: ['plan'] })], logisticRegression()).fit(train, {
      target: 'churned',
      features: ['age', 'plan'],
    })
    const unseen = makeFrame([numericColumn('age', [30])])
    expect(() => model.predict(unseen)).toThrow(
      expect.objectContaining({
        code: 'CAIRN_FEATURE_MISMATCH',
        details: expect.objectContaining({ missing: ['plan'] }),
      }),
    )
    expect(() => model.rowPredictor().predict({ age: 30, plan: 'gold' })).toThrow(
      expect.objectContaining({ code: 'CAIRN_UNKNOWN_CATEGORY', details: { column: 'plan', value: 'gold' } }),
    )
    await expect(
      pipeline([standardScaler()], linearRegression()).fit(train, {
        target: 'age',
        features: ['spend', 'tenure'],
      }),
    ).rejects.toMatchObject({
      code: 'CAIRN_NON_FINITE_VALUE',
      details: expect.objectContaining({ column: 'spend' }),
    })
  })
})
