import { parentPort } from 'node:worker_threads'
import type { FrameColumn } from '../../data/index.js'
import type { ColumnSample } from './column-sample.js'
import { columnDrift, type PreparedReference, prepareReference } from './compute-drift.js'
import type { DriftOptions } from './drift-options.js'
import type { ColumnDriftResult, ColumnKind } from './types.js'

/** One column to test in a worker: the raw reference column, or one already prepared. */
export interface DriftTask {
  id: number
  name: string
  reference:
    | { raw: FrameColumn }
    | { prepared: { column: FrameColumn; kind: ColumnKind | null; sample: ColumnSample | null } }
  referenceRows: number
  current: FrameColumn | undefined
  currentRows: number
  options: DriftOptions
}

export type DriftTaskReply = { id: number; result: ColumnDriftResult } | { id: number; error: string }

const port = parentPort
if (!port) throw new Error('drift-worker must run in a worker thread')

port.on('message', (task: DriftTask) => {
  try {
    let prepared: PreparedReference
    if ('raw' in task.reference) {
      prepared = prepareReference(
        { rowCount: task.referenceRows, columns: [task.reference.raw] },
        task.options,
      )
    } else {
      prepared = {
        rowCount: task.referenceRows,
        columns: new Map([[task.name, task.reference.prepared]]),
        order: [task.name],
      }
    }
    const current = { rowCount: task.currentRows, columns: task.current ? [task.current] : [] }
    port.postMessage({
      id: task.id,
      result: columnDrift(task.name, prepared, current, task.options),
    } satisfies DriftTaskReply)
  } catch (err) {
    port.postMessage({
      id: task.id,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    } satisfies DriftTaskReply)
  }
})
