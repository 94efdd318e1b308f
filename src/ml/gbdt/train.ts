import { availableParallelism } from 'node:os'
import { CairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import type { FitOptions } from '../estimator.js'
import {
  bindColumns,
  classTarget,
  regressionTarget,
  sampleWeights,
  type TreeFeature,
  trainingFeatures,
} from '../trees/features.js'
import { WorkerPool } from '../trees/worker-pool.js'
import type { BoostResult } from './booster.js'
import { HIST_FEATURE, PACKED_FEATURE } from './histogram.js'
import { OBJ_ABSOLUTE, OBJ_HUBER, OBJ_SQUARED, objectiveIds } from './objectives.js'
import { type GbdtParams, leafLimit } from './params.js'
import { CTL_ABORT, type GbdtJob, histSize, packSpec, type SharedName, sharedSizes } from './shared.js'
import { runGbdtTask } from './task.js'

/** Jobs smaller than this (rows × features) train on the calling thread when one thread is asked for. */
const INLINE_CELLS = 2_000_000
/** Rows per thread below which more threads do not pay. */
const ROWS_PER_THREAD = 4096
const HIST_MEMORY = 256 * 1024 * 1024
const PARTIAL_MEMORY = 64 * 1024 * 1024

const pool = new WorkerPool(import.meta.url, './gbdt-worker')

/** Start `threads` GBDT worker threads ahead of time (servers, benchmarks, tuning loops). */
export async function warmGbdtThreads(threads: number): Promise<void> {
  await pool.warm(threads)
}

/** Stop the GBDT worker threads (they are unreferenced and never hold the process open). */
export async function closeGbdtThreads(): Promise<void> {
  await pool.close()
}

/** What training produced, before it becomes a model. */
export interface GbdtTraining {
  features: TreeFeature[]
  classes?: string[]
  result: BoostResult
  threads: number
}

/** Check the data, lay it out in shared memory and boost, on worker threads when worthwhile. */
export async function trainGbdt(frame: Frame, options: FitOptions, p: GbdtParams): Promise<GbdtTraining> {
  const tf = trainingFeatures(frame, options)
  const { specs } = tf
  const n = tf.rowCount
  const F = specs.length
  const obj = objectiveIds[p.objective]
  const classification = p.objective === 'binary' || p.objective === 'multiclass'
  let y: Float64Array
  let classes: string[] | undefined
  if (classification) {
    const t = classTarget(frame, options.target)
    classes = t.classes
    if (p.objective === 'binary' && classes.length !== 2) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `The binary objective needs two classes; "${options.target}" has ${classes.length}`,
        {
          details: { column: options.target, classes: classes.slice(0, 20) },
          hint: "Use objective: 'multiclass'",
        },
      )
    }
    y = Float64Array.from(t.y)
  } else {
    y = regressionTarget(frame, options.target)
    if (p.objective === 'poisson') checkPoisson(y, options.target)
  }
  const K = p.objective === 'multiclass' ? (classes as string[]).length : 1
  const w = sampleWeights(frame, options.weight)
  const valid = options.validation
  if (valid && valid.rowCount === 0) {
    throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'The validation frame is empty', {
      hint: 'Pass a validation frame with rows, or none',
    })
  }
  const nv = valid?.rowCount ?? 0
  const requested = Math.max(1, Math.floor(options.threads ?? availableParallelism()))
  const threads = Math.max(1, Math.min(requested, Math.ceil(n / ROWS_PER_THREAD)))
  const unitHessian = w === undefined && (obj === OBJ_SQUARED || obj === OBJ_ABSOLUTE || obj === OBJ_HUBER)
  const pack = p.quantizedGradients ? packSpec(n, unitHessian) : null
  const histFeature = pack ? PACKED_FEATURE : HIST_FEATURE
  const hs = histSize({ f: F, histFeature })
  const limit = leafLimit(p)
  const slots = Math.max(3, Math.min(limit + 2, Math.floor(HIST_MEMORY / (hs * 8))))
  const entries = Math.max(1, Math.min(64, Math.floor(PARTIAL_MEMORY / (threads * hs * 8))))
  const catCounts = specs.map((s) => (s.categorical ? (s.categories as string[]).length : 0))
  const catOffsets: number[] = []
  catCounts.reduce((acc, c) => {
    catOffsets.push(acc)
    return acc + c
  }, 0)
  const shape: Omit<GbdtJob, 'sab'> = {
    n,
    f: F,
    nv,
    k: K,
    threads,
    stride: (F + 3) & ~3,
    entries,
    slots,
    maxNodes: 2 * limit + 1,
    categorical: specs.map((s) => (s.categorical ? 1 : 0)),
    catCounts,
    catOffsets,
    hasWeights: w !== undefined,
    pack,
    histFeature,
    objective: obj,
    seed: (options.seed ?? 0) >>> 0,
    params: p,
  }
  const sizes = sharedSizes(shape, Math.min(n, p.binSampleSize))
  const sab = {} as Record<SharedName, SharedArrayBuffer>
  for (const [name, bytes] of Object.entries(sizes)) sab[name as SharedName] = new SharedArrayBuffer(bytes)
  const job: GbdtJob = { ...shape, sab }
  const raw = new Float64Array(sab.raw)
  tf.columns.forEach((col, f) => {
    if (col instanceof Float64Array) raw.set(col, f * n)
    else for (let r = 0; r < n; r++) raw[f * n + r] = (col[r] as number) < 0 ? Number.NaN : (col[r] as number)
  })
  new Float64Array(sab.y).set(y)
  if (w) new Float64Array(sab.w).set(w)
  if (valid) fillValidation(valid, options, p, specs, classes, job)

  const onProgress = options.onProgress
  const signal = options.signal
  if (signal?.aborted) throw new CairnError('CAIRN_CANCELLED', 'Training was cancelled before it started')
  let result: BoostResult
  if (threads === 1 && n * F <= INLINE_CELLS) {
    result = runGbdtTask(
      { job, worker: 0 },
      (d, t, info) => onProgress?.(d, t, info),
      () => signal?.aborted === true,
    ) as BoostResult
  } else {
    const ctl = new Int32Array(sab.ctl)
    const abort = () => Atomics.store(ctl, CTL_ABORT, 1)
    signal?.addEventListener('abort', abort)
    try {
      const results = await pool.run<BoostResult | null>(
        Array.from({ length: threads }, (_, worker) => ({ job, worker })),
        (_, data) => {
          const d = data as { done: number; total: number; info: Record<string, number> }
          onProgress?.(d.done, d.total, d.info)
        },
      )
      result = results[0] as BoostResult
    } finally {
      signal?.removeEventListener('abort', abort)
    }
  }
  return { features: specs, ...(classes ? { classes } : {}), result, threads }
}

function checkPoisson(y: Float64Array, name: string): void {
  let sum = 0
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number
    if (v < 0) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `The Poisson objective needs counts ≥ 0; "${name}" holds ${v} at row ${i}`,
        {
          details: { column: name, row: i, value: v },
        },
      )
    }
    sum += v
  }
  if (!(sum > 0)) {
    throw new CairnError('CAIRN_CONSTANT_TARGET', `The Poisson target "${name}" is zero everywhere`, {
      details: { column: name },
    })
  }
}

/** Validation rows: features bound by name (categories mapped to the training ones), target, weights. */
function fillValidation(
  valid: Frame,
  options: FitOptions,
  p: GbdtParams,
  specs: TreeFeature[],
  classes: string[] | undefined,
  job: GbdtJob,
): void {
  const nv = valid.rowCount
  const bound = bindColumns(valid, specs)
  const vraw = new Float64Array(job.sab.vraw)
  specs.forEach((_, f) => {
    const num = bound.numeric[f]
    if (num) {
      vraw.set(num, f * nv)
      return
    }
    const codes = bound.codes[f] as Int32Array
    const m = bound.remap[f] as Int32Array
    for (let r = 0; r < nv; r++) {
      const c = codes[r] as number
      const k = c < 0 ? -1 : (m[c] as number)
      vraw[f * nv + r] = k < 0 ? Number.NaN : k
    }
  })
  const vy = new Float64Array(job.sab.vy)
  if (classes) {
    const t = classTarget(valid, options.target, 1)
    const index = new Map(classes.map((c, i) => [c, i]))
    for (let r = 0; r < nv; r++) {
      const label = t.classes[t.y[r] as number] as string
      const k = index.get(label)
      if (k === undefined) {
        throw new CairnError(
          'CAIRN_UNSEEN_CLASS',
          `Validation target "${options.target}" holds class ${JSON.stringify(label)}, never seen in training`,
          { details: { column: options.target, class: label, known: classes } },
        )
      }
      vy[r] = k
    }
  } else {
    vy.set(regressionTarget(valid, options.target))
    if (p.objective === 'poisson')
      for (let r = 0; r < nv; r++) if ((vy[r] as number) < 0) checkPoisson(vy, options.target)
  }
  if (job.hasWeights && options.weight) {
    const vw = sampleWeights(valid, options.weight)
    if (vw) new Float64Array(job.sab.vw).set(vw)
  }
}
