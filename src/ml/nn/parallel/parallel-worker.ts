import { workerData } from 'node:worker_threads'
import { Sequential } from '../layers/sequential.js'
import {
  bindShared,
  CTL_DONE,
  CTL_GEN,
  CTL_ROWS,
  CTL_STOP,
  computeShard,
  type ParallelJob,
  shardBuffers,
  shardRange,
} from './shared.js'

const job = workerData as ParallelJob
const net = Sequential.fromConfigs(job.configs, {}, job.seed + job.slot * 7919)
bindShared(net.params, job.offsets, job.sab.params, job.sab.grads, job.slot, job.total, false)
const ctl = new Int32Array(job.sab.ctl)
const batch = new Int32Array(job.sab.batch)
const loss = new Float64Array(job.sab.loss)
const data = {
  x: new Float32Array(job.sab.x),
  yInt: job.intLabels ? new Int32Array(job.sab.y) : null,
  yNum: job.intLabels ? null : new Float32Array(job.sab.y),
  w: job.sab.w ? new Float32Array(job.sab.w) : null,
}
const buf = shardBuffers(Math.ceil(job.batchSize / job.threads), job.inputWidth, job.outputWidth)
let gen = 0
for (;;) {
  Atomics.wait(ctl, CTL_GEN, gen)
  gen = Atomics.load(ctl, CTL_GEN)
  if (Atomics.load(ctl, CTL_STOP) !== 0) break
  const rows = Atomics.load(ctl, CTL_ROWS)
  const [from, to] = shardRange(rows, job.threads, job.slot)
  loss[job.slot] = computeShard(net, job, data, batch, from, to, rows, buf)
  Atomics.add(ctl, CTL_DONE, 1)
  Atomics.notify(ctl, CTL_DONE)
}
