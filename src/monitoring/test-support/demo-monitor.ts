import { categoryColumn, type Frame, makeFrame, numericColumn } from '../../data/index.js'
import { Rng } from '../../ml/index.js'
import { createNotifiers, parseAlertRules } from '../alerts/index.js'
import { Monitor } from '../monitor/monitor.js'
import type { MonitorStore } from '../store/index.js'
import { type SyntheticColumn, syntheticFrame } from './synthetic.js'

const HOUR = 3_600_000
export const DEMO_T0 = Date.UTC(2026, 10, 22, 0)

/** Add a classifier's output and the truth to synthetic rows (the truth changes when `decay`). */
function withModel(frame: Frame, seed: number, decay: boolean): Frame {
  const rng = new Rng(seed)
  const score = frame.columns.find((c) => c.name === 'score') as { values: Float64Array }
  const preds: string[] = []
  const truth: string[] = []
  for (let i = 0; i < frame.rowCount; i++) {
    const p = 1 / (1 + Math.exp(-1.5 * (score.values[i] as number)))
    preds.push(p >= 0.5 ? 'churn' : 'stay')
    truth.push(rng.next() < (decay ? 0.5 : p) ? 'churn' : 'stay')
  }
  return makeFrame([
    ...frame.columns,
    categoryColumn('predicted', preds, ['stay', 'churn']),
    categoryColumn('churned', truth, ['stay', 'churn']),
  ])
}

/**
 * A monitor of a churn model over `hours` hourly windows of 1,500 rows: windows from `driftFrom`
 * on are shifted and the model decays; one window has missing values and an unseen plan.
 */
export async function runDemoMonitor(store: MonitorStore, hours = 10, driftFrom = 6): Promise<Monitor> {
  const monitor = new Monitor({
    name: 'churn',
    config: {
      model: 'churn',
      window: '1h',
      target: 'churned',
      prediction: 'predicted',
      task: 'classification',
    },
    reference: { frame: withModel(syntheticFrame(4000, 1), 1, false) },
    store,
    rules: parseAlertRules([
      { name: 'DatasetDrift', when: 'dataset_drift for 2 windows', notify: ['log'] },
      { name: 'LowAccuracy', when: 'metric accuracy < 0.65', notify: ['log'] },
    ]),
    notifiers: createNotifiers(),
  })
  const shift: SyntheticColumn[] = ['age', 'score', 'plan', 'region', 'visits', 'income']
  for (let h = 0; h < hours; h++) {
    let f = withModel(syntheticFrame(1500, 50 + h, h >= driftFrom ? shift : []), 50 + h, h >= driftFrom + 1)
    if (h === 3) {
      const age = f.columns.find((c) => c.name === 'age') as { values: Float64Array }
      for (let i = 0; i < 300; i++) age.values[i] = Number.NaN
      const plans = f.columns.find((c) => c.name === 'plan') as { codes: Int32Array; categories: string[] }
      plans.categories.push('enterprise')
      for (let i = 0; i < 40; i++) plans.codes[i] = plans.categories.length - 1
      f = makeFrame([
        ...f.columns.filter((c) => c.name !== 'tenure'),
        numericColumn('tenure', new Float64Array(f.rowCount).fill(Number.NaN), 'integer'),
      ])
    }
    await monitor.runBatch({ frame: f }, `hour ${h}`, DEMO_T0 + (h + 1) * HOUR)
  }
  return monitor
}
