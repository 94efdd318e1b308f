import { availableParallelism } from 'node:os'
import { CairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import type { FitOptions } from '../estimator.js'
import { prepareCartData } from './cart-data.js'
import {
  classTarget,
  regressionTarget,
  sampleWeights,
  type TreeFeature,
  trainingFeatures,
} from './features.js'
import type { ForestParams } from './forest-params.js'
import { type ForestTaskResult, runForestTask } from './forest-task.js'
import type { FlatTree } from './tree-ensemble.js'
import { WorkerPool } from './worker-pool.js'

/** Below this many rows × trees, training stays on the calling thread. */
const INLINE_WORK = 200_000

const pool = new WorkerPool(import.meta.url, './forest-worker')

/** Start forest worker threads ahead of time. */
export async function warmForestThreads(threads: number): Promise<void> {
  await pool.warm(threads)
}

/** Stop the forest worker threads. */
export async function closeForestThreads(): Promise<void> {
  await pool.close()
}

export interface ForestTraining {
  features: TreeFeature[]
  classes?: string[]
  trees: FlatTree[]
  /** Out-of-bag accuracy (classification) or R² (regression), when asked for. */
  oobScore?: number
}

/** Check the data and grow the trees, spread over worker threads. */
export async function trainForest(
  frame: Frame,
  options: FitOptions,
  p: ForestParams,
): Promise<ForestTraining> {
  const tf = trainingFeatures(frame, options)
  const classification = p.criterion !== 'squared_error'
  let y: ArrayLike<number>
  let classes: string[] | undefined
  if (classification) {
    const t = classTarget(frame, options.target)
    y = t.y
    classes = t.classes
  } else {
    y = regressionTarget(frame, options.target)
  }
  const K = classes ? classes.length : 0
  let w = sampleWeights(frame, options.weight)
  if (p.classWeight === 'balanced' && classes) {
    const counts = new Float64Array(K)
    for (let i = 0; i < tf.rowCount; i++) counts[y[i] as number] = (counts[y[i] as number] as number) + 1
    const cw = Float64Array.from(counts, (c) => (c > 0 ? tf.rowCount / (K * c) : 0))
    const base = w
    w = new Float64Array(tf.rowCount)
    for (let i = 0; i < tf.rowCount; i++)
      w[i] = (cw[y[i] as number] as number) * (base ? (base[i] as number) : 1)
  }
  const data = prepareCartData(tf, y, K, w)
  const seed = (options.seed ?? 0) >>> 0
  const requested = Math.max(1, Math.floor(options.threads ?? availableParallelism()))
  const threads = Math.min(requested, p.nEstimators)
  const signal = options.signal
  if (signal?.aborted) throw new CairnError('CAIRN_CANCELLED', 'Training was cancelled before it started')
  let done = 0
  const tick = () => {
    done++
    options.onProgress?.(done, p.nEstimators)
  }
  let results: ForestTaskResult[]
  if (threads === 1 || tf.rowCount * p.nEstimators <= INLINE_WORK) {
    const all = Array.from({ length: p.nEstimators }, (_, i) => i)
    results = [runForestTask({ data, params: p, seed, trees: all }, tick, () => signal?.aborted === true)]
  } else {
    const abort = new SharedArrayBuffer(4)
    const onAbort = () => Atomics.store(new Int32Array(abort), 0, 1)
    signal?.addEventListener('abort', onAbort)
    try {
      const tasks = Array.from({ length: threads }, (_, t) => ({
        data,
        params: p,
        seed,
        abort,
        trees: Array.from({ length: p.nEstimators }, (_, i) => i).filter((i) => i % threads === t),
      }))
      results = await pool.run<ForestTaskResult>(tasks, () => tick())
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }
  if (signal?.aborted) throw new CairnError('CAIRN_CANCELLED', `Training was cancelled after ${done} trees`)
  const trees: FlatTree[] = new Array(p.nEstimators)
  for (const r of results) for (const t of r.trees) trees[t.index] = t.tree
  const out: ForestTraining = { features: tf.specs, trees }
  if (classes) out.classes = classes
  if (p.oobScore) out.oobScore = oobScore(results, y, K, tf.rowCount)
  return out
}

function oobScore(results: ForestTaskResult[], y: ArrayLike<number>, K: number, n: number): number {
  const width = K > 0 ? K : 1
  const sum = new Float64Array(n * width)
  const seen = new Float64Array(n)
  for (const r of results) {
    if (!r.oobSum || !r.oobSeen) continue
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (r.oobSum[i] as number)
    for (let i = 0; i < n; i++) seen[i] = (seen[i] as number) + (r.oobSeen[i] as number)
  }
  let m = 0
  if (K > 0) {
    let hit = 0
    for (let i = 0; i < n; i++) {
      if (!((seen[i] as number) > 0)) continue
      m++
      let arg = 0
      for (let k = 1; k < K; k++) if ((sum[i * K + k] as number) > (sum[i * K + arg] as number)) arg = k
      if (arg === y[i]) hit++
    }
    return m > 0 ? hit / m : Number.NaN
  }
  let mean = 0
  for (let i = 0; i < n; i++) {
    if ((seen[i] as number) > 0) {
      mean += y[i] as number
      m++
    }
  }
  mean /= m
  let ss = 0
  let st = 0
  for (let i = 0; i < n; i++) {
    if (!((seen[i] as number) > 0)) continue
    const p = (sum[i] as number) / (seen[i] as number)
    ss += ((y[i] as number) - p) ** 2
    st += ((y[i] as number) - mean) ** 2
  }
  return m > 0 && st > 0 ? 1 - ss / st : Number.NaN
}
