import { parentPort } from 'node:worker_threads'
import type { Frame } from '../../data/index.js'
// Importing the ml entry point registers every family and estimator factory it exports.
import '../index.js'
import { type EstimatorSpec, estimatorFromSpec } from '../pipeline/estimator-spec.js'
import { describeError, runTrial, type TrialConfig } from './run-trial.js'

/** Messages from the tuner to a trial worker. */
export type ToWorker =
  | { type: 'init'; frame: Frame; validation?: Frame; config: TrialConfig; modules: string[] }
  | { type: 'run'; trial: number; spec: EstimatorSpec; seed: number }
  | { type: 'decision'; trial: number; prune: boolean }

/** Messages from a trial worker to the tuner. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'report'; trial: number; step: number; value: number }
  | {
      type: 'done'
      trial: number
      value: number
      intermediate: number[]
      pruned: boolean
      fitSeconds: number
    }
  | { type: 'failed'; trial: number; error: { code: string; message: string } }

const port = parentPort
if (!port) throw new Error('trial-worker must run in a worker thread')
let frame: Frame | undefined
let validation: Frame | undefined
let config: TrialConfig | undefined
const pending = new Map<number, (prune: boolean) => void>()
const send = (m: FromWorker) => port.postMessage(m)

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'init') {
    frame = msg.frame
    validation = msg.validation
    config = msg.config
    void Promise.all(msg.modules.map((m) => import(m))).then(
      () => send({ type: 'ready' }),
      (err) => send({ type: 'failed', trial: -1, error: describeError(err) }),
    )
  } else if (msg.type === 'decision') {
    pending.get(msg.trial)?.(msg.prune)
    pending.delete(msg.trial)
  } else {
    const { trial, spec, seed } = msg
    void (async () => {
      try {
        const estimator = estimatorFromSpec(spec)
        const out = await runTrial(
          estimator,
          frame as Frame,
          validation,
          { ...(config as TrialConfig), seed },
          (step, value) => {
            send({ type: 'report', trial, step, value })
            return new Promise<boolean>((resolve) => pending.set(trial, resolve))
          },
        )
        send({ type: 'done', trial, ...out })
      } catch (err) {
        send({ type: 'failed', trial, error: describeError(err) })
      }
    })()
  }
})
