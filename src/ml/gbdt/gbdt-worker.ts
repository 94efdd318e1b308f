import { parentPort } from 'node:worker_threads'
import { type FromWorker, type ToWorker, workerError } from '../trees/worker-pool.js'
import { type GbdtTask, runGbdtTask } from './task.js'

const port = parentPort
if (!port) throw new Error('gbdt-worker must run in a worker thread')

port.on('message', (msg: ToWorker) => {
  const payload = msg.payload as GbdtTask | { warm: true }
  try {
    if ('warm' in payload) {
      port.postMessage({ kind: 'done', id: msg.id, result: null } satisfies FromWorker)
      return
    }
    const result = runGbdtTask(payload, (done, total, info) => {
      port.postMessage({ kind: 'progress', id: msg.id, data: { done, total, info } } satisfies FromWorker)
    })
    port.postMessage({ kind: 'done', id: msg.id, result } satisfies FromWorker)
  } catch (err) {
    port.postMessage({ kind: 'error', id: msg.id, error: workerError(err) } satisfies FromWorker)
  }
})
