import { useVirtualizer } from '@tanstack/react-virtual'
import { type ReactNode, useEffect, useRef } from 'react'
import { formatDuration, formatNumber, formatShortTime, formatTime } from '../../components/format.js'
import { StatusBadge } from '../../components/states.js'
import { href, path } from '../../router.js'
import { grammarKey, type RunColumn } from './columns.js'
import type { RunRow } from './run-rows.js'

interface Col {
  id: string
  group: string
  label: string
  width: number
  num?: boolean
  /** The order-by key, when sortable. */
  sortKey?: string
  cell(r: RunRow): ReactNode
  title?(r: RunRow): string | undefined
}

const ROW = 32

function buildColumns(extra: RunColumn[], names: Map<string, string>): Col[] {
  const cols: Col[] = [
    {
      id: 'name',
      group: '',
      label: 'Run',
      width: 230,
      sortKey: 'attributes.run_name',
      cell: (r) => (
        <>
          {r.parent ? (
            <span className="faint" title={`child of ${names.get(r.parent) ?? r.parent}`}>
              ↳{' '}
            </span>
          ) : null}
          <a href={href(path('runs', r.id))}>{r.name || r.id.slice(0, 8)}</a>
        </>
      ),
      title: (r) => r.name,
    },
    {
      id: 'status',
      group: '',
      label: 'Status',
      width: 116,
      sortKey: 'attributes.status',
      cell: (r) => <StatusBadge status={r.status} />,
    },
    {
      id: 'start',
      group: '',
      label: 'Started',
      width: 140,
      sortKey: 'attributes.start_time',
      cell: (r) => <span className="muted">{formatShortTime(r.start)}</span>,
      title: (r) => formatTime(r.start),
    },
    {
      id: 'duration',
      group: '',
      label: 'Duration',
      width: 96,
      num: true,
      cell: (r) => <span className="muted">{r.end ? formatDuration(r.end - r.start) : '—'}</span>,
    },
  ]
  for (const c of extra) {
    const group = c.kind === 'metric' ? 'metric' : c.kind === 'param' ? 'param' : 'tag'
    cols.push({
      id: `${c.kind}:${c.key}`,
      group,
      label: c.key,
      width: c.kind === 'tag' ? 150 : 118,
      num: c.kind === 'metric',
      sortKey: grammarKey(c),
      cell: (r) => {
        const v =
          c.kind === 'metric' ? r.metrics[c.key] : c.kind === 'param' ? r.params[c.key] : r.tags[c.key]
        if (v === undefined) return <span className="faint">—</span>
        return c.kind === 'metric' ? formatNumber(v) : v
      },
      title: (r) => {
        const v =
          c.kind === 'metric' ? r.metrics[c.key] : c.kind === 'param' ? r.params[c.key] : r.tags[c.key]
        return v === undefined ? undefined : String(v)
      },
    })
  }
  return cols
}

/**
 * The runs table: only the rows in view are in the DOM (10,000+ runs scroll smoothly), more
 * pages load near the end, headers sort on the server, rows can be selected for comparison.
 */
export function RunsTable({
  rows,
  columns,
  order,
  onSort,
  selected,
  onToggle,
  onToggleAll,
  hasMore,
  onNeedMore,
  ready,
}: {
  rows: RunRow[]
  columns: RunColumn[]
  order: string
  onSort(key: string): void
  selected: Set<string>
  onToggle(id: string): void
  onToggleAll(): void
  hasMore: boolean
  onNeedMore(): void
  ready: boolean
}) {
  const scroller = useRef<HTMLDivElement>(null)
  const names = new Map(rows.map((r) => [r.id, r.name]))
  const cols = buildColumns(columns, names)
  const total = 40 + cols.reduce((n, c) => n + c.width, 0)
  const virtual = useVirtualizer({
    count: rows.length + (hasMore ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 16,
  })
  const items = virtual.getVirtualItems()
  const last = items[items.length - 1]
  useEffect(() => {
    if (hasMore && last && last.index >= rows.length - 60) onNeedMore()
  }, [hasMore, last, rows.length, onNeedMore])
  const [orderKey, orderDir] = (() => {
    const i = order.lastIndexOf(' ')
    return [order.slice(0, i), order.slice(i + 1)]
  })()
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id))
  return (
    <div
      className="runs-grid"
      ref={scroller}
      data-testid="runs-table"
      data-state={ready ? 'ready' : 'loading'}
      data-order={order}
      data-rows={rows.length}
    >
      <table aria-rowcount={rows.length + 1} aria-colcount={cols.length + 1} style={{ width: total }}>
        <thead>
          <tr className="grid-head">
            <th className="cell check" style={{ width: 40, height: 40 }}>
              <input
                type="checkbox"
                aria-label="Select all loaded runs"
                checked={allSelected}
                onChange={onToggleAll}
              />
            </th>
            {cols.map((c) => {
              const sorted = c.sortKey && c.sortKey === orderKey
              return (
                <th
                  key={c.id}
                  className={`cell head${c.num ? ' num' : ''}`}
                  style={{ width: c.width }}
                  aria-sort={sorted ? (orderDir === 'DESC' ? 'descending' : 'ascending') : undefined}
                >
                  <span className="group">{c.group || '\u00a0'}</span>
                  {c.sortKey ? (
                    <button
                      type="button"
                      className="sort"
                      onClick={() => onSort(c.sortKey as string)}
                      title={`Sort by ${c.label}`}
                      data-sort-key={c.sortKey}
                      data-sorted={sorted ? orderDir : undefined}
                    >
                      {c.label}
                      {sorted ? (orderDir === 'DESC' ? ' ↓' : ' ↑') : ''}
                    </button>
                  ) : (
                    <span>{c.label}</span>
                  )}
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody style={{ height: virtual.getTotalSize() }}>
          {items.map((vr) => {
            const r = rows[vr.index]
            if (!r)
              return (
                <tr key="more" className="grid-row" style={{ top: vr.start, height: ROW }}>
                  <td className="cell muted" style={{ width: 300 }}>
                    Loading more runs…
                  </td>
                </tr>
              )
            const isSel = selected.has(r.id)
            return (
              <tr
                key={r.id}
                className={`grid-row${isSel ? ' selected' : ''}`}
                style={{ top: vr.start, height: ROW }}
                aria-rowindex={vr.index + 2}
                aria-selected={isSel}
                data-testid="run-row"
                data-run-id={r.id}
              >
                <td className="cell check" style={{ width: 40 }}>
                  <input
                    type="checkbox"
                    aria-label={`Select ${r.name || r.id}`}
                    checked={isSel}
                    onChange={() => onToggle(r.id)}
                  />
                </td>
                {cols.map((c) => (
                  <td
                    key={c.id}
                    className={`cell${c.num ? ' num' : ''}`}
                    style={{ width: c.width }}
                    title={c.title?.(r)}
                  >
                    {c.cell(r)}
                  </td>
                ))}
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
