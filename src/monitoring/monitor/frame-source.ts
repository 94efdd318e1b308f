import { CairnError } from '../../core/index.js'
import { type Frame, isNumericColumn, takeRows } from '../../data/index.js'
import type { TimeWindow } from '../windows/index.js'
import type { MonitorBatch, WindowSource } from './monitor.js'

/**
 * Windows over an in-memory frame with a time column (datetime, or numbers as ms since the
 * epoch): `read` takes the rows in [start, end).
 */
export function frameWindowSource(frame: Frame, timestampColumn: string): WindowSource {
  const column = frame.columns.find((c) => c.name === timestampColumn)
  if (!column || !isNumericColumn(column)) {
    throw new CairnError(
      'CAIRN_COLUMN_NOT_FOUND',
      `Time column "${timestampColumn}" not found or not a time`,
      {
        hint: 'Set `timestamp:` to a datetime column (or ms since the epoch) of the current data.',
      },
    )
  }
  const t = column.values
  return {
    async read(w: TimeWindow): Promise<MonitorBatch> {
      const rows: number[] = []
      for (let i = 0; i < t.length; i++) {
        const v = t[i] as number
        if (v >= w.start && v < w.end) rows.push(i)
      }
      return { frame: takeRows(frame, rows) }
    },
    async earliest() {
      let min = Number.POSITIVE_INFINITY
      for (let i = 0; i < t.length; i++) if ((t[i] as number) < min) min = t[i] as number
      return Number.isFinite(min) ? min : undefined
    },
  }
}
