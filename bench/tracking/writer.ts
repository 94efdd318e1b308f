/**
 * One writer process of the concurrent-writers benchmark: logs `count` metrics to its own run
 * in the shared SQLite store, one call per metric (`single`) or through the SDK's batches
 * (`sdk`), and prints a JSON line with what happened.
 */
import { Cairn } from '../../src/sdk/index.js'

const [trackingUri, artifactsUri, experiment, countText, mode, id] = process.argv.slice(2)
const count = Number(countText)
const cairn = await Cairn.open({ trackingUri: trackingUri!, artifactsUri: artifactsUri! })
const errors: Record<string, number> = {}
let locked = 0
const started = performance.now()
const run = await cairn.tracking.startRun({
  experiment: experiment!,
  runName: `writer-${id}`,
  captureSystemTags: false,
})
if (mode === 'sdk') {
  for (let i = 0; i < count; i++) run.logMetric('value', i, { step: i })
  await run.flush()
} else {
  for (let i = 0; i < count; i++) {
    try {
      await cairn.tracking.logMetric(run.id, { key: 'value', value: i, step: i })
    } catch (err) {
      const message = (err as Error).message
      if (/locked|busy/i.test(message)) locked++
      errors[message] = (errors[message] ?? 0) + 1
    }
  }
}
await run.end()
await cairn.close()
process.stdout.write(
  `${JSON.stringify({ id, runId: run.id, seconds: (performance.now() - started) / 1000, locked, errors })}\n`,
)
