import { useState } from 'react'
import { api } from '../api/client.js'
import type { Experiment, ExperimentStats, Page } from '../api/types.js'
import { useApi } from '../api/use-api.js'
import { formatAgo, formatTime } from '../components/format.js'
import { PageHead } from '../components/layout.js'
import { EmptyState, ErrorBox, Loading } from '../components/states.js'
import { href, path } from '../router.js'

export function ExperimentsPage() {
  const [q, setQ] = useState('')
  const experiments = useApi(
    (signal) => api<Page<Experiment>>('/experiments/search', { signal, body: { maxResults: 1000 } }),
    [],
  )
  const stats = useApi((signal) => api<{ items: ExperimentStats[] }>('/experiments/stats', { signal }), [])
  const byId = new Map((stats.data?.items ?? []).map((s) => [s.experimentId, s]))
  const items = (experiments.data?.items ?? []).filter((e) => e.name.toLowerCase().includes(q.toLowerCase()))
  return (
    <div className="page">
      <PageHead
        title="Experiments"
        subtitle="Runs grouped by what they try to answer. Open one to search, sort and compare its runs."
      />
      {experiments.error ? <ErrorBox error={experiments.error} /> : null}
      {!experiments.data && experiments.loading ? <Loading /> : null}
      {experiments.data ? (
        experiments.data.items.length === 0 ? (
          <div className="panel">
            <EmptyState title="No experiments yet" command="npx cairn demo">
              Runs logged from TypeScript (
              <code>
                cairn.tracking.startRun({'{'} experiment: 'housing' {'}'})
              </code>
              ), from MLflow clients pointed at this server, or by <code>cairn run --track</code> show up
              here. To see a sample:
            </EmptyState>
          </div>
        ) : (
          <div className="panel">
            <div className="panel-head">
              <input
                type="search"
                placeholder="Filter experiments by name"
                aria-label="Filter experiments by name"
                value={q}
                onChange={(e) => setQ(e.target.value)}
                style={{ width: 320 }}
              />
              <span className="muted small">{items.length} experiments</span>
            </div>
            <div className="panel-body flush">
              <table className="data" data-testid="experiments-table">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th className="num">Runs</th>
                    <th>Last run</th>
                    <th>Created</th>
                    <th>Tags</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((e) => {
                    const s = byId.get(e.experimentId)
                    return (
                      <tr key={e.experimentId}>
                        <td>
                          <a href={href(path('experiments', e.experimentId))}>{e.name}</a>{' '}
                          <span className="faint small">#{e.experimentId}</span>
                        </td>
                        <td className="num">{(s?.runs ?? 0).toLocaleString()}</td>
                        <td className="muted">{s?.lastRunTime ? formatAgo(s.lastRunTime) : '—'}</td>
                        <td className="muted">{formatTime(e.creationTime)}</td>
                        <td>
                          {Object.entries(e.tags ?? {})
                            .filter(([k]) => !k.startsWith('mlflow.'))
                            .map(([k, v]) => (
                              <span key={k} className="badge outline" style={{ marginRight: 4 }}>
                                {k}: {v}
                              </span>
                            ))}
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
          </div>
        )
      ) : null}
    </div>
  )
}
