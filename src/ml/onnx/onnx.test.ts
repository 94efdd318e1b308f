import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type Frame, makeFrame, numericColumn } from '../../data/index.js'
import { fromBundle, type Model } from '../bundle/index.js'
import { gradientBoosting } from '../gbdt/index.js'
import { linearRegression, logisticRegression } from '../linear/index.js'
import { mlpClassifier, mlpRegressor, Rng } from '../nn/index.js'
import { moons, wave } from '../nn/testing/synthetic.js'
import { randomForestClassifier, randomForestRegressor } from '../trees/index.js'
import { exportOnnx } from './export.js'
import { importOnnx, type OnnxModel, onnxBundle } from './onnx-model.js'
import { loadOnnxRuntime } from './runtime.js'

/** Compare Cairn's predictions with onnxruntime's on the same frame: |a − b| ≤ 1e-5 (relative beyond 1). */
function expectSamePredictions(model: Model, onnx: OnnxModel, frame: Frame) {
  const a = model.predict(frame)
  const b = onnx.predict(frame)
  const close = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    expect(y.length).toBe(x.length)
    for (let i = 0; i < x.length; i++) {
      const tol = 1e-5 * Math.max(1, Math.abs(x[i]!))
      if (!(Math.abs(x[i]! - y[i]!) <= tol)) throw new Error(`row ${i}: cairn ${x[i]} vs onnx ${y[i]}`)
    }
  }
  if (a.probabilities) close(a.probabilities, b.probabilities!)
  close(a.values, b.values)
  expect(b.classes).toEqual(a.classes)
}

function numericFrame(n: number, seed: number, withNaN = false): Frame {
  const rng = new Rng(seed)
  const cols = ['a', 'b', 'c'].map((name) =>
    numericColumn(
      name,
      Float64Array.from({ length: n }, (_, i) =>
        withNaN && name === 'b' && i % 7 === 0 ? Number.NaN : rng.normal(),
      ),
    ),
  )
  const a = cols[0]!.values
  const b = cols[1]!.values
  const y = Float64Array.from(
    { length: n },
    (_, i) => 2 * a[i]! - (Number.isNaN(b[i]!) ? 0 : b[i]!) ** 2 + rng.normal() * 0.1,
  )
  const cls = Array.from({ length: n }, (_, i) => (y[i]! > 0.5 ? 'hi' : y[i]! < -1 ? 'lo' : 'mid'))
  const bin = Array.from({ length: n }, (_, i) => (y[i]! > 0 ? 'yes' : 'no'))
  return makeFrame([
    ...cols,
    numericColumn('y', y),
    {
      name: 'cls',
      type: 'category',
      codes: Int32Array.from(cls, (c) => ['hi', 'lo', 'mid'].indexOf(c)),
      categories: ['hi', 'lo', 'mid'],
    },
    {
      name: 'bin',
      type: 'category',
      codes: Int32Array.from(bin, (c) => ['no', 'yes'].indexOf(c)),
      categories: ['no', 'yes'],
    },
  ])
}

describe('ONNX export → onnxruntime-node', () => {
  it('MLP classifier (numeric + one-hot inputs, GELU, layer norm) and regressor agree within 1e-5', async () => {
    await loadOnnxRuntime()
    const train = moons(300, 1)
    const clf = await mlpClassifier({ epochs: 20, activation: 'gelu', layerNorm: true, patience: 0 }).fit(
      train,
      { target: 'label', seed: 1 },
    )
    const back = importOnnx(exportOnnx(clf))
    expect(back.signature).toEqual(clf.signature)
    expectSamePredictions(clf, back, moons(200, 2))
    const reg = await mlpRegressor({ epochs: 10, patience: 0 }).fit(wave(300, 1), { target: 'y', seed: 2 })
    const withMissing = wave(100, 3)
    ;(withMissing.columns[0] as { values: Float64Array }).values[5] = Number.NaN
    expectSamePredictions(reg, importOnnx(exportOnnx(reg)), withMissing)
    // through a bundle (family onnx, the graph as the weights) and the row predictor
    const bundle = onnxBundle(back)
    expect(bundle.manifest.family).toBe('onnx')
    const loaded = fromBundle(bundle.manifest, bundle.weights) as OnnxModel
    const row = { x1: 0.2, x2: 0.8, colour: 'red' }
    expect(loaded.rowPredictor().predict(row).probabilities![0]).toBeCloseTo(
      clf.rowPredictor().predict(row).probabilities![0]!,
      5,
    )
  })

  it('linear and logistic regression (binary and multinomial) agree within 1e-5', async () => {
    const train = numericFrame(400, 3)
    const test = numericFrame(100, 4)
    const features = ['a', 'b', 'c']
    const models: Model[] = [
      await linearRegression().fit(train, { target: 'y', features }),
      await logisticRegression().fit(train, { target: 'bin', features }),
      await logisticRegression().fit(train, { target: 'cls', features }),
      await logisticRegression({ multiClass: 'ovr' }).fit(train, { target: 'cls', features }),
    ]
    for (const m of models) expectSamePredictions(m, importOnnx(exportOnnx(m)), test)
  })

  it('gradient-boosted trees (regression, binary, multiclass; missing values) agree within 1e-5', async () => {
    const train = numericFrame(500, 5, true)
    const test = numericFrame(200, 6, true)
    const features = ['a', 'b', 'c']
    for (const [objective, target] of [
      ['squared_error', 'y'],
      ['binary', 'bin'],
      ['multiclass', 'cls'],
    ] as const) {
      const m = await gradientBoosting({ objective, nEstimators: 30, maxDepth: 4 }).fit(train, {
        target,
        features,
        threads: 1,
      })
      expectSamePredictions(m, importOnnx(exportOnnx(m)), test)
    }
  })

  it('random forests (classification and regression) agree within 1e-5', async () => {
    const train = numericFrame(400, 7, true)
    const test = numericFrame(150, 8, true)
    const features = ['a', 'b', 'c']
    for (const m of [
      await randomForestClassifier({ nEstimators: 20, maxDepth: 6 }).fit(train, {
        target: 'cls',
        features,
        threads: 1,
        seed: 1,
      }),
      await randomForestRegressor({ nEstimators: 20, maxDepth: 6 }).fit(train, {
        target: 'y',
        features,
        threads: 1,
        seed: 1,
      }),
    ]) {
      expectSamePredictions(m, importOnnx(exportOnnx(m)), test)
    }
  })
})

describe('ONNX import', () => {
  it('rejects bytes that are not a model, and graphs that do not match the declared signature', async () => {
    expect(() => importOnnx(new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: 'CAIRN_ONNX_INVALID' }),
    )
    expect(() => importOnnx(new TextEncoder().encode('{"hello": "world"} definitely not protobuf'))).toThrow(
      expect.objectContaining({ code: 'CAIRN_ONNX_INVALID' }),
    )
    const reg = await mlpRegressor({ epochs: 2, patience: 0 }).fit(wave(100, 1), { target: 'y' })
    const bytes = exportOnnx(reg)
    const truncated = bytes.subarray(0, Math.floor(bytes.length / 2))
    expect(() => importOnnx(truncated)).toThrow(expect.objectContaining({ code: 'CAIRN_ONNX_INVALID' }))
    const wrong = {
      inputs: [
        { name: 'x1', type: 'number' as const, nullable: true },
        { name: 'zzz', type: 'number' as const, nullable: true },
      ],
      output: { task: 'regression' as const, name: 'y' },
    }
    expect(() => importOnnx(bytes, { signature: wrong })).toThrow(
      expect.objectContaining({ code: 'CAIRN_ONNX_INVALID', message: expect.stringContaining('"zzz"') }),
    )
    const model = importOnnx(bytes)
    expect(() => model.predict(makeFrame([numericColumn('x1', [1])]))).toThrow(
      expect.objectContaining({ code: 'CAIRN_COLUMN_NOT_FOUND' }),
    )
  })

  it('reads a scikit-learn model built by a committed Python script (matrix input, sklearn output names)', () => {
    const bytes = readFileSync(new URL('./fixtures/sklearn-logistic.onnx', import.meta.url))
    const expected = JSON.parse(
      readFileSync(new URL('./fixtures/sklearn-logistic.json', import.meta.url), 'utf8'),
    ) as {
      features: string[]
      classes: string[]
      X: number[][]
      probabilities: number[][]
    }
    const model = importOnnx(bytes, { featureNames: expected.features, classes: expected.classes })
    expect(model.layout.mode).toBe('matrix')
    expect(model.signature.inputs.map((s) => s.name)).toEqual(expected.features)
    const frame = makeFrame(
      expected.features.map((f, j) =>
        numericColumn(
          f,
          expected.X.map((r) => r[j]!),
        ),
      ),
    )
    const p = model.predict(frame)
    for (const [i, row] of expected.probabilities.entries()) {
      for (const [c, v] of row.entries()) expect(p.probabilities![i * row.length + c]).toBeCloseTo(v, 5)
    }
    expect(p.classes).toEqual(expected.classes)
  })

  it('says CAIRN_ONNX_UNAVAILABLE, with a hint, when onnxruntime-node is not installed', async () => {
    await expect(loadOnnxRuntime('onnxruntime-node-not-installed')).rejects.toMatchObject({
      code: 'CAIRN_ONNX_UNAVAILABLE',
      hint: expect.stringContaining('npm install onnxruntime-node'),
    })
  })
})
