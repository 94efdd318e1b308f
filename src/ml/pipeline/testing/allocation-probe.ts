import { parentPort } from 'node:worker_threads'
import { frameToRows } from '../../../data/index.js'
import { makeChurnTable } from '../../evaluation/synthetic.js'
import { logisticRegression } from '../../linear/index.js'
import { columnTransformer, oneHotEncoder, simpleImputer, standardScaler } from '../../transforms/index.js'
import { pipeline } from '../pipeline.js'

/**
 * Measures heap bytes per single-row prediction of a churn pipeline, in a fresh isolate (a worker
 * thread) so that other code's JIT feedback does not blur the figure. Posts `{ baseline, pipeline }`:
 * bytes per call for reading the row alone, and for a full prediction.
 */
async function main(): Promise<void> {
  const churn = makeChurnTable(600, 1)
  const rows = frameToRows(churn).map(({ churned: _, ...r }) => r) as Record<string, unknown>[]
  const model = await pipeline(
    [
      simpleImputer({ strategy: 'median', columns: ['spend'] }),
      columnTransformer([
        ['num', standardScaler(), ['age', 'spend', 'tenure']],
        ['cat', oneHotEncoder({ handleUnknown: 'ignore' }), ['plan', 'city']],
      ]),
    ],
    logisticRegression(),
  ).fit(churn, { target: 'churned' })
  const rp = model.rowPredictor()
  const sink = new Float64Array(1)
  const calls = 20_000
  // Each measurement has its own loop: a call site that sees several callbacks is deoptimised.
  const measure = (loop: () => void): number => {
    for (let w = 0; w < 20; w++) loop()
    let best = Number.POSITIVE_INFINITY
    for (let attempt = 0; attempt < 8; attempt++) {
      const before = process.memoryUsage().heapUsed
      loop()
      const grown = process.memoryUsage().heapUsed - before
      if (grown >= 0) best = Math.min(best, grown / calls)
    }
    return best
  }
  const baseline = measure(() => {
    for (let i = 0; i < calls; i++) {
      const row = rows[i % rows.length] as Record<string, unknown>
      let s = 0
      for (const k of ['age', 'spend', 'tenure', 'plan', 'city']) {
        const v = row[k]
        if (typeof v === 'number') s += v
      }
      sink[0] = s
    }
  })
  const predicted = measure(() => {
    for (let i = 0; i < calls; i++)
      sink[0] = rp.predict(rows[i % rows.length] as Record<string, unknown>).value
  })
  parentPort?.postMessage({ baseline, pipeline: predicted })
}

void main()
