import { useState } from 'react'
import { api } from '../../api/client.js'
import type { Page, RegisteredModel } from '../../api/types.js'
import { useApi } from '../../api/use-api.js'
import { formatAgo } from '../../components/format.js'
import { PageHead } from '../../components/layout.js'
import { EmptyState, ErrorBox, Loading, StatusBadge } from '../../components/states.js'
import { href, path } from '../../router.js'

/** Registered models with their newest versions and aliases. */
export function ModelsPage() {
  const [q, setQ] = useState('')
  const models = useApi(
    (signal) => api<Page<RegisteredModel>>('/models/search', { signal, body: { maxResults: 1000 } }),
    [],
  )
  const items = (models.data?.items ?? []).filter((m) => m.name.toLowerCase().includes(q.toLowerCase()))
  return (
    <div className="page">
      <PageHead
        title="Models"
        subtitle="Registered models: versions, aliases, stages and the history of each."
      />
      {models.error ? <ErrorBox error={models.error} /> : null}
      {!models.data && models.loading ? <Loading /> : null}
      {models.data && models.data.items.length === 0 ? (
        <div className="panel">
          <EmptyState
            title="No registered models yet"
            command={`await cairn.registry.logModel('housing', run.id, toBundle(model), { aliases: ['champion'] })\n# then\ncairn models promote housing 1 --alias production`}
          >
            Register a model a run produced — from TypeScript, from an MLflow client, or by a pipeline stage.
          </EmptyState>
        </div>
      ) : null}
      {models.data && models.data.items.length > 0 ? (
        <div className="panel">
          <div className="panel-head">
            <input
              type="search"
              placeholder="Filter models by name"
              aria-label="Filter models by name"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              style={{ width: 320 }}
            />
          </div>
          <div className="panel-body flush">
            <table className="data" data-testid="models-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th className="num">Latest version</th>
                  <th>Aliases</th>
                  <th>Stages</th>
                  <th>Updated</th>
                  <th>Description</th>
                </tr>
              </thead>
              <tbody>
                {items.map((m) => {
                  const latest = Math.max(0, ...m.latestVersions.map((v) => v.version))
                  return (
                    <tr key={m.name}>
                      <td>
                        <a href={href(path('models', m.name))}>{m.name}</a>
                      </td>
                      <td className="num">
                        {latest > 0 ? (
                          <a href={href(path('models', m.name, 'versions', latest))}>v{latest}</a>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>
                        {Object.entries(m.aliases).map(([a, v]) => (
                          <span key={a} className="badge alias" style={{ marginRight: 4 }}>
                            @{a} → v{v}
                          </span>
                        ))}
                      </td>
                      <td>
                        {m.latestVersions
                          .filter((v) => v.currentStage !== 'None')
                          .map((v) => (
                            <span key={v.version} style={{ marginRight: 4 }}>
                              <StatusBadge
                                status={v.currentStage}
                                label={`${v.currentStage}: v${v.version}`}
                              />
                            </span>
                          ))}
                      </td>
                      <td className="muted">{formatAgo(m.lastUpdatedTime)}</td>
                      <td className="muted wrap">{m.description ?? ''}</td>
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
