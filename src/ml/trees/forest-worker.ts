import { parentPort } from 'node:worker_threads'
import { type ForestTask, runForestTask } from './forest-task.js'
import { type FromWorker, type ToWorker, workerError } from './worker-pool.js'

const port = parentPort
if (!port) throw new Error('forest-worker must run in a worker thread')

port.on('message', (msg: ToWorker) => {
  const payload = msg.payload as ForestTask | { warm: true }
  try {
    if ('warm' in payload) {
      port.postMessage({ kind: 'done', id: msg.id, result: null } satisfies FromWorker)
      return
    }
    const abort = payload.abort ? new Int32Array(payload.abort) : null
    const result = runForestTask(
      payload,
      () => port.postMessage({ kind: 'progress', id: msg.id, data: 1 } satisfies FromWorker),
      () => abort !== null && Atomics.load(abort, 0) !== 0,
    )
    port.postMessage({ kind: 'done', id: msg.id, result } satisfies FromWorker)
  } catch (err) {
    port.postMessage({ kind: 'error', id: msg.id, error: workerError(err) } satisfies FromWorker)
  }
})
