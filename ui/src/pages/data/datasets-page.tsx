import { api } from '../../api/client.js'
import type { DatasetSummary } from '../../api/types.js'
import { useApi } from '../../api/use-api.js'
import { formatAgo } from '../../components/format.js'
import { PageHead } from '../../components/layout.js'
import { EmptyState, ErrorBox, Loading } from '../../components/states.js'
import { href, path } from '../../router.js'

/** Every versioned dataset. */
export function DatasetsPage() {
  const list = useApi((signal) => api<{ items: DatasetSummary[] }>('/datasets', { signal }), [])
  return (
    <div className="page">
      <PageHead
        title="Data"
        subtitle="Versioned datasets: schema, profile, validation and lineage of every version."
      />
      {list.error ? <ErrorBox error={list.error} /> : null}
      {!list.data && list.loading ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? (
        <div className="panel">
          <EmptyState
            title="No datasets yet"
            command="cairn data ingest data/raw.csv --name housing --expectations expectations.yaml"
          >
            Ingest a file, folder, URL or SQL table as a versioned dataset; it is profiled and validated on
            the way in.
          </EmptyState>
        </div>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <div className="panel">
          <div className="panel-body flush">
            <table className="data" data-testid="datasets-table">
              <thead>
                <tr>
                  <th>Dataset</th>
                  <th className="num">Versions</th>
                  <th>Latest version</th>
                  <th>Partitioned by</th>
                  <th>Updated</th>
                  <th>Description</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((d) => (
                  <tr key={d.name}>
                    <td>
                      <a href={href(path('data', d.name))}>{d.name}</a>
                      {d.name.endsWith('.quarantine') ? (
                        <span className="badge warn" style={{ marginLeft: 6 }}>
                          quarantine
                        </span>
                      ) : null}
                    </td>
                    <td className="num">{d.versionCount}</td>
                    <td className="mono">{d.latestVersion ?? '—'}</td>
                    <td>{d.partitionKey ?? '—'}</td>
                    <td className="muted">{formatAgo(d.updatedAt)}</td>
                    <td className="muted wrap">{d.description ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </div>
  )
}
