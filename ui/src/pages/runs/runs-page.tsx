import { useCallback, useMemo, useState } from 'react'
import { api } from '../../api/client.js'
import type { Experiment, ExperimentStats, RunColumns } from '../../api/types.js'
import { useApi } from '../../api/use-api.js'
import { Icon } from '../../components/icons.js'
import { PageHead } from '../../components/layout.js'
import { EmptyState, ErrorBox, Loading, NotFoundPage } from '../../components/states.js'
import { href, navigate, useQueryState } from '../../router.js'
import { ColumnPicker } from './column-picker.js'
import { defaultColumns, formatColumns, orderClause, parseColumns } from './columns.js'
import { FilterBox, FilterError } from './filter-box.js'
import { useRunRows } from './run-rows.js'
import { RunsTable } from './runs-table.js'

/** An experiment's runs: search, choose columns, sort, select and compare. */
export function RunsPage({ experimentId }: { experimentId: string }) {
  const [query, setQuery] = useQueryState()
  const filter = query.get('q') ?? ''
  const order = orderClause(query.get('order'))
  const view = query.get('view') === 'deleted' ? 'DELETED_ONLY' : 'ACTIVE_ONLY'
  const [picking, setPicking] = useState(false)
  const [selected, setSelected] = useState<Set<string>>(
    () => new Set((query.get('sel') ?? '').split(',').filter(Boolean)),
  )

  const experiment = useApi(
    (signal) => api<Experiment>(`/experiments/${encodeURIComponent(experimentId)}`, { signal }),
    [experimentId],
  )
  const columns = useApi(
    (signal) => api<RunColumns>('/runs/columns', { signal, body: { experimentIds: [experimentId] } }),
    [experimentId],
  )
  const stats = useApi((signal) => api<{ items: ExperimentStats[] }>('/experiments/stats', { signal }), [])
  const runs = useRunRows({ experimentIds: [experimentId], filter, orderBy: order, viewType: view })

  const chosen = useMemo(
    () => parseColumns(query.get('cols')) ?? (columns.data ? defaultColumns(columns.data) : []),
    [query, columns.data],
  )
  const onSort = useCallback(
    (key: string) => {
      const [curKey, curDir] = (order[0] ?? '').split(' ')
      const dir = curKey === key && curDir === 'ASC' ? 'desc' : 'asc'
      setQuery({ order: `${key}:${dir}` })
    },
    [order, setQuery],
  )
  const toggle = useCallback((id: string) => {
    setSelected((s) => {
      const n = new Set(s)
      if (n.has(id)) n.delete(id)
      else n.add(id)
      return n
    })
  }, [])
  const toggleAll = useCallback(() => {
    setSelected((s) =>
      runs.rows.length > 0 && runs.rows.every((r) => s.has(r.id))
        ? new Set()
        : new Set(runs.rows.map((r) => r.id)),
    )
  }, [runs.rows])

  if (experiment.error?.notFound)
    return (
      <NotFoundPage
        title={`Experiment ${experimentId} does not exist`}
        error={experiment.error}
        back={<a href="#/experiments">All experiments</a>}
      />
    )
  const total = stats.data?.items.find((s) => s.experimentId === experimentId)?.runs
  const compareIds = [...selected].slice(0, 100)
  const filterError = runs.error?.code === 'CAIRN_INVALID_FILTER' ? runs.error : undefined
  return (
    <div className="page">
      <PageHead
        crumbs={[{ href: '#/experiments', label: 'Experiments' }]}
        title={experiment.data?.name ?? `Experiment ${experimentId}`}
        subtitle={
          <>
            <span>#{experimentId}</span>
            {total !== undefined ? <span>{total.toLocaleString()} runs</span> : null}
            {experiment.data?.lifecycleStage === 'deleted' ? (
              <span className="badge bad">deleted</span>
            ) : null}
          </>
        }
        actions={
          <>
            <button
              type="button"
              onClick={() => setPicking(true)}
              disabled={!columns.data}
              data-testid="columns-button"
            >
              <Icon name="columns" /> Columns
            </button>
            <button
              type="button"
              className="primary"
              disabled={compareIds.length < 2}
              onClick={() => navigate(href('/compare', { runs: compareIds }))}
              data-testid="compare-button"
            >
              <Icon name="compare" /> Compare {selected.size > 0 ? `(${selected.size})` : ''}
            </button>
          </>
        }
      />
      <FilterBox value={filter} onApply={(f) => setQuery({ q: f }, { push: true })} />
      {filterError ? <FilterError error={filterError} /> : null}
      {runs.error && !filterError ? <ErrorBox error={runs.error} /> : null}
      <div className="row small muted">
        <span data-testid="runs-count">
          {runs.current || runs.rows.length > 0
            ? `${runs.rows.length.toLocaleString()}${runs.hasMore ? '+' : ''} runs${filter ? ' match' : ''}`
            : ''}
        </span>
        <span className="spacer" />
        <label className="inline">
          <input
            type="checkbox"
            checked={view === 'DELETED_ONLY'}
            onChange={(e) => setQuery({ view: e.target.checked ? 'deleted' : '' })}
          />
          Show deleted runs only
        </label>
        {selected.size > 0 ? (
          <button type="button" className="small" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        ) : null}
      </div>
      <div className="panel">
        {!runs.current && runs.rows.length === 0 && !runs.error ? <Loading what="Loading runs" /> : null}
        {runs.current && runs.rows.length === 0 && !filter && view === 'ACTIVE_ONLY' ? (
          <EmptyState
            title="No runs in this experiment yet"
            command={`await cairn.tracking.withRun({ experiment: '${experiment.data?.name ?? 'name'}' }, async (run) => {\n  run.logMetric('rmse', 0.42)\n})`}
          >
            Log a run to this experiment from TypeScript, from an MLflow client pointed at this server, or
            with <code>cairn run --track --experiment {experiment.data?.name ?? 'name'}</code>.
          </EmptyState>
        ) : null}
        {runs.current && runs.rows.length === 0 && (filter || view !== 'ACTIVE_ONLY') ? (
          <EmptyState title="No runs match">Change the filter, or clear it to see every run.</EmptyState>
        ) : null}
        {runs.rows.length > 0 ? (
          <RunsTable
            rows={runs.rows}
            columns={chosen}
            order={order[0] ?? ''}
            onSort={onSort}
            selected={selected}
            onToggle={toggle}
            onToggleAll={toggleAll}
            hasMore={runs.hasMore}
            onNeedMore={runs.loadMore}
            ready={runs.current}
          />
        ) : null}
      </div>
      {picking && columns.data ? (
        <ColumnPicker
          available={columns.data}
          chosen={chosen}
          onChange={(cols) => setQuery({ cols: formatColumns(cols) || ',' })}
          onClose={() => setPicking(false)}
        />
      ) : null}
    </div>
  )
}
