import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { CairnError, startWorker } from '../../core/index.js'
import type { Frame, FrameColumn } from '../../data/index.js'
import { columnDrift, type PreparedReference, prepareReference, summarizeDrift } from './compute-drift.js'
import type { DriftOptions } from './drift-options.js'
import type { DriftTask, DriftTaskReply } from './drift-worker.js'
import type { ColumnDriftResult, DriftReport } from './types.js'

/** Options of the multi-threaded drift computation. */
export interface ParallelDriftOptions {
  /** Worker threads (default: the machine's available parallelism, at most 8). */
  threads?: number
  /** Columns with fewer rows than this (reference + current) are tested on the calling thread (default 200,000). */
  minRowsPerTask?: number
}

const columnRows = (c: FrameColumn): number => (c.type === 'category' ? c.codes.length : c.values.length)

/**
 * `computeDrift` on worker threads: each large column (sorting, tests) is handed to a worker, so
 * columns are tested in parallel; small ones stay on the calling thread. The result is the same
 * as `computeDrift`'s. With a raw reference frame the workers also prepare (sort) the reference.
 */
export async function computeDriftParallel(
  reference: Frame | PreparedReference,
  current: Frame,
  options: DriftOptions = {},
  parallel: ParallelDriftOptions = {},
): Promise<DriftReport> {
  const exclude = new Set(options.exclude ?? [])
  const isPrepared = 'order' in reference
  const names = (
    options.columns ?? (isPrepared ? reference.order : reference.columns.map((c) => c.name))
  ).filter((n) => !exclude.has(n))
  const threads = Math.max(1, Math.min(parallel.threads ?? Math.min(availableParallelism(), 8), names.length))
  const minRows = parallel.minRowsPerTask ?? 200_000
  const results = new Array<ColumnDriftResult>(names.length)
  const tasks: DriftTask[] = []
  const inline: number[] = []
  names.forEach((name, id) => {
    const cur = current.columns.find((c) => c.name === name)
    const refRaw = isPrepared ? undefined : reference.columns.find((c) => c.name === name)
    const refPrepared = isPrepared ? reference.columns.get(name) : undefined
    const refColumn = refRaw ?? refPrepared?.column
    const big = refColumn && cur && columnRows(refColumn) + columnRows(cur) >= minRows
    if (!big || threads === 1) {
      inline.push(id)
      return
    }
    tasks.push({
      id,
      name,
      reference: refRaw ? { raw: refRaw } : { prepared: refPrepared as NonNullable<typeof refPrepared> },
      referenceRows: reference.rowCount,
      current: cur,
      currentRows: current.rowCount,
      options,
    })
  })
  const prepared: PreparedReference | undefined = isPrepared ? reference : undefined
  const workers: Worker[] = []
  try {
    const pending = tasks.slice()
    const runOn = (worker: Worker): Promise<void> =>
      new Promise((resolve, reject) => {
        const next = () => {
          const task = pending.shift()
          if (!task) {
            resolve()
            return
          }
          worker.postMessage(task)
        }
        worker.on('message', (reply: DriftTaskReply) => {
          if ('error' in reply) {
            reject(new CairnError('CAIRN_INTERNAL', `Drift worker failed: ${reply.error}`))
            return
          }
          results[reply.id] = reply.result
          next()
        })
        worker.on('error', reject)
        next()
      })
    const count = Math.min(threads, tasks.length)
    for (let i = 0; i < count; i++) workers.push(startWorker(import.meta.url, './drift-worker'))
    const running = workers.map(runOn)
    if (inline.length > 0) {
      const ref =
        prepared ??
        prepareReference(reference as Frame, { ...options, columns: inline.map((i) => names[i] as string) })
      for (const id of inline) results[id] = columnDrift(names[id] as string, ref, current, options)
    }
    await Promise.all(running)
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return summarizeDrift(results, reference.rowCount, current.rowCount, options)
}
