import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { categoryColumn, makeFrame, numericColumn } from '../../data/index.js'
import { Rng } from '../../ml/index.js'
import { recordFeedback } from '../../serving/index.js'
import { createNotifiers, parseAlertRules } from '../alerts/index.js'
import { MonitorStore } from '../store/index.js'
import { tempMetadataStore } from '../test-support/temp-store.js'
import { Monitor } from './monitor.js'
import { predictionLogSource } from './prediction-log-source.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 10, 22, 8)

/** A "model": P(yes) = logistic(2·x); labels follow the true relation, which changes in window 1. */
function score(x: number): number {
  return 1 / (1 + Math.exp(-2 * x))
}

describe('monitoring the serving prediction log', () => {
  let ctx: Awaited<ReturnType<typeof tempMetadataStore>>
  beforeEach(async () => {
    ctx = await tempMetadataStore()
  })
  afterEach(async () => {
    await ctx.cleanup()
  })

  it('reads windows of logged predictions with their labels: performance, boundary share, output drift', async () => {
    const rng = new Rng(5)
    const n = 1500
    const refX = Float64Array.from({ length: n }, () => rng.normal())
    const refProbs = new Float64Array(2 * n)
    refX.forEach((x, i) => {
      refProbs[2 * i] = 1 - score(x)
      refProbs[2 * i + 1] = score(x)
    })
    const reference = makeFrame([
      numericColumn('x', refX),
      categoryColumn(
        'channel',
        Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'web' : 'app')),
      ),
    ])
    const rows: Record<string, unknown>[] = []
    const labels: { predictionId: string; label: string }[] = []
    for (let w = 0; w < 2; w++) {
      for (let i = 0; i < 600; i++) {
        const x = rng.normal() + (w === 1 ? 1.2 : 0)
        const p = score(x)
        const id = `w${w}-${i}`
        rows.push({
          prediction_id: id,
          request_id: id,
          model: 'churn',
          version: '3',
          variant: 'champion',
          timestamp: T0 + w * HOUR + i * 1000,
          latency_ms: 1,
          inputs: JSON.stringify({ x, channel: i % 3 === 0 ? 'web' : 'app' }),
          prediction: p >= 0.5 ? 1 : 0,
          label: p >= 0.5 ? 'yes' : 'no',
          outputs: JSON.stringify({ no: 1 - p, yes: p }),
        })
        const truthYes = w === 0 ? rng.next() < p : rng.next() < 0.3
        if (w === 0 || i % 2 === 0) labels.push({ predictionId: id, label: truthYes ? 'yes' : 'no' })
      }
    }
    for (let i = 0; i < rows.length; i += 200) {
      await ctx.store.db
        .insertInto('prediction_log')
        .values(rows.slice(i, i + 200) as never)
        .execute()
    }
    await recordFeedback(ctx.store, labels)

    const store = new MonitorStore(ctx.store)
    const monitor = new Monitor({
      name: 'churn',
      config: { model: 'churn', window: '1h', task: 'classification' },
      reference: {
        frame: reference,
        predictions: {
          values: Array.from(refX, (x) => (score(x) >= 0.5 ? 'yes' : 'no')),
          probabilities: { classes: ['no', 'yes'], values: refProbs },
        },
      },
      store,
      rules: parseAlertRules([{ name: 'LowAccuracy', when: 'metric accuracy < 0.65', notify: ['log'] }]),
      notifiers: createNotifiers(),
    })
    const source = predictionLogSource(ctx.store, {
      model: 'churn',
      columnTypes: { x: 'number', channel: 'category' },
    })
    const results = await monitor.runWindows(source, { now: T0 + 2 * HOUR })
    expect(results).toHaveLength(2)
    const [w0, w1] = results.map((r) => r.result)
    expect(w0).toMatchObject({ rowCount: 600, labelledRows: 600, status: 'ok' })
    expect(w1).toMatchObject({ rowCount: 600, labelledRows: 300 })
    expect(w0?.performance?.status).toBe('ok')
    expect(w0?.performance?.metrics.accuracy).toBeGreaterThan(0.65)
    expect(w1?.performance?.metrics.accuracy).toBeLessThan(0.65)
    expect(Object.keys(w1?.performance?.metrics ?? {}).sort()).toEqual([
      'accuracy',
      'f1',
      'log_loss',
      'precision',
      'recall',
      'roc_auc',
    ])
    expect(w0?.performance?.nearBoundaryShare).toBeGreaterThan(0)
    expect(w0?.drift?.columns.find((c) => c.column === 'x')?.drifted).toBe(false)
    expect(w1?.drift?.columns.find((c) => c.column === 'x')?.drifted).toBe(true)
    expect(w0?.predictionDrift?.drifted).toBe(0)
    expect(w1?.predictionDrift?.columns.map((c) => [c.column, c.drifted])).toEqual([
      ['prediction', true],
      ['probability:yes', true],
    ])
    expect(results.map((r) => r.alerts[0]?.transition ?? null)).toEqual([null, 'firing'])
    const accuracy = await store.series('churn', 'performance', { names: ['accuracy'] })
    expect(accuracy).toHaveLength(2)
  })
})

describe('inputsToFrame', () => {
  it('reads columns with the reference types, and a column that does not fit as it is', async () => {
    const { inputsToFrame } = await import('./prediction-log-source.js')
    const rows = [
      { x: 1.5, age: 30, plan: 'a' },
      { x: 'oops', age: 41, plan: 'b' },
      { x: 2, age: null, plan: 'a' },
    ]
    const f = inputsToFrame(rows, { x: 'number', age: 'integer', plan: 'category' })
    expect(f.columns.map((c) => [c.name, c.type])).toEqual([
      ['x', 'category'],
      ['age', 'integer'],
      ['plan', 'category'],
    ])
    const monitor = new Monitor({
      name: 'm',
      config: {},
      reference: {
        frame: makeFrame([
          numericColumn('x', [1, 2, 3]),
          numericColumn('age', [20, 30, 40], 'integer'),
          categoryColumn('plan', ['a', 'b', 'a']),
        ]),
      },
    })
    const r = await monitor.evaluate({ frame: f }, { start: 0, end: 1, kind: 'batch', label: 'b' })
    expect(r.drift?.columns.find((c) => c.column === 'x')).toMatchObject({
      status: 'type_mismatch',
      drifted: null,
    })
    expect(r.quality.checks.find((c) => c.check === 'column_type')).toMatchObject({
      column: 'x',
      status: 'fail',
    })
  })
})
