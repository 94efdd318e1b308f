import { parentPort, workerData } from 'node:worker_threads'
import type { Frame } from '../../data/index.js'
import { fromBundle, type Model } from '../../ml/index.js'

/** A worker of the batch-scoring pool: rebuilds the model from its bundle and predicts slices. */
const port = parentPort
if (!port) throw new Error('predict-worker must run in a worker thread')
const { manifest, weights } = workerData as { manifest: unknown; weights: Uint8Array }
const model: Model = fromBundle(manifest, weights)

port.on('message', (m: { id: number; frame: Frame }) => {
  try {
    const r = model.predict(m.frame)
    const transfer = [r.values.buffer, ...(r.probabilities ? [r.probabilities.buffer] : [])] as ArrayBuffer[]
    port.postMessage(
      { id: m.id, values: r.values, probabilities: r.probabilities, classes: r.classes },
      transfer,
    )
  } catch (err) {
    port.postMessage({ id: m.id, error: (err as Error).message })
  }
})
port.postMessage({ ready: true })
