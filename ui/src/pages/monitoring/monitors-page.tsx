import { api } from '../../api/client.js'
import type { MonitorListItem } from '../../api/types.js'
import { useApi } from '../../api/use-api.js'
import { formatPercent, formatTime } from '../../components/format.js'
import { PageHead } from '../../components/layout.js'
import { EmptyState, ErrorBox, Loading, StatusBadge } from '../../components/states.js'
import { href, path } from '../../router.js'

/** Every monitor: its model, last window, drift share, quality failures and alerts. */
export function MonitorsPage() {
  const list = useApi((signal) => api<{ items: MonitorListItem[] }>('/monitors', { signal }), [])
  return (
    <div className="page">
      <PageHead
        title="Monitoring"
        subtitle="Drift, data quality, performance and alerts for the models in production."
      />
      {list.error ? <ErrorBox error={list.error} /> : null}
      {!list.data && list.loading ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? (
        <div className="panel">
          <EmptyState
            title="No monitors yet"
            command={`# cairn.yaml\nmonitors:\n  housing:\n    model: housing\n    reference: housing@v3\n    window: 1h\n    alerts:\n      - { name: DatasetDrift, when: dataset_drift for 2 windows, notify: [log] }\n\n# then\ncairn monitor run housing`}
          >
            A monitor compares what a served model sees with its training data, window by window.
          </EmptyState>
        </div>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <div className="panel">
          <div className="panel-body flush">
            <table className="data" data-testid="monitors-table">
              <thead>
                <tr>
                  <th>Monitor</th>
                  <th>Model</th>
                  <th>Last window</th>
                  <th>Dataset drift</th>
                  <th className="num">Drifted features</th>
                  <th className="num">Quality failures</th>
                  <th>Alerts</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((m) => {
                  const r = m.lastRun
                  const firing = m.alerts.filter((a) => a.state === 'firing')
                  return (
                    <tr key={m.name}>
                      <td>
                        <a href={href(path('monitoring', m.name))}>{m.name}</a>
                      </td>
                      <td>
                        {m.model ? (
                          <a href={href(path('models', m.model))}>{m.model}</a>
                        ) : (
                          <span className="faint">—</span>
                        )}
                      </td>
                      <td className="muted">{r ? formatTime(r.windowEnd) : 'never evaluated'}</td>
                      <td>
                        {r?.datasetDrift === true ? (
                          <StatusBadge status="failed" label={`drift (${formatPercent(r.driftShare, 0)})`} />
                        ) : r?.datasetDrift === false ? (
                          <StatusBadge status="ok" label={`no drift (${formatPercent(r.driftShare, 0)})`} />
                        ) : (
                          <span className="faint">—</span>
                        )}
                      </td>
                      <td className="num">{r ? `${r.driftedColumns} / ${r.evaluatedColumns}` : '—'}</td>
                      <td className="num">{r?.qualityFailures ?? '—'}</td>
                      <td>
                        {firing.length > 0 ? (
                          firing.map((a) => (
                            <span key={a.rule} style={{ marginRight: 4 }}>
                              <StatusBadge status="firing" label={`${a.rule} firing`} />
                            </span>
                          ))
                        ) : (
                          <span className="muted small">none firing</span>
                        )}
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </div>
  )
}
