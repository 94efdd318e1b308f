import { useState } from 'react'
import { api } from '../../api/client.js'
import type { DatasetRows, DatasetVersion } from '../../api/types.js'
import { useApi } from '../../api/use-api.js'
import { formatBytes, formatNumber, formatTime } from '../../components/format.js'
import { PageHead } from '../../components/layout.js'
import { ErrorBox, Loading, ResourceState, StatusBadge } from '../../components/states.js'
import { Tabs } from '../../components/tabs.js'
import { href, path, useQueryState } from '../../router.js'
import { ColumnProfileCard } from './column-profile.js'

function RowsTable({ name, version, highlight }: { name: string; version: string; highlight?: string }) {
  const [offset, setOffset] = useState(0)
  const limit = 50
  const rows = useApi(
    (signal) =>
      api<DatasetRows>(`/datasets/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/rows`, {
        signal,
        query: { limit, offset },
      }),
    [name, version, offset],
  )
  if (rows.error) return <ErrorBox error={rows.error} />
  if (!rows.data) return <Loading what="Reading rows" />
  const d = rows.data
  return (
    <div>
      <div className="table-scroll">
        <table className="data" data-testid="rows-table">
          <thead>
            <tr>
              <th className="num">#</th>
              {d.columns.map((c) => (
                <th key={c.name} className={c.name === highlight ? 'wrap' : ''}>
                  {c.name}
                  <div className="faint small" style={{ fontWeight: 400 }}>
                    {c.type}
                  </div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {d.rows.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
              <tr key={i}>
                <td className="num faint">{d.offset + i + 1}</td>
                {r.map((v, j) => (
                  <td
                    key={d.columns[j]?.name ?? j}
                    className={typeof v === 'number' ? 'num' : d.columns[j]?.name === highlight ? 'wrap' : ''}
                  >
                    {v === null ? (
                      <span className="faint">null</span>
                    ) : typeof v === 'number' ? (
                      formatNumber(v)
                    ) : (
                      String(v)
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row" style={{ padding: '8px 12px' }}>
        <span className="muted small">
          rows {d.total === 0 ? 0 : d.offset + 1}–{d.offset + d.rows.length} of {d.total.toLocaleString()}
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="small"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - limit))}
        >
          Previous
        </button>
        <button
          type="button"
          className="small"
          disabled={offset + limit >= d.total}
          onClick={() => setOffset(offset + limit)}
        >
          Next
        </button>
      </div>
    </div>
  )
}

function Validation({ v }: { v: DatasetVersion }) {
  const val = v.validation
  if (!val)
    return (
      <div className="panel-body muted">
        This version was written without an expectation suite. Validate on ingest with{' '}
        <code>cairn data ingest … --expectations expectations.yaml --policy quarantine</code>.
      </div>
    )
  const quarantine = val.quarantine ? /^([^@]+)@(.+)$/.exec(val.quarantine) : null
  return (
    <div style={{ display: 'grid', gap: 14 }} data-testid="validation">
      <div className="panel-body" style={{ display: 'grid', gap: 10 }}>
        <div className="row">
          <StatusBadge
            status={val.success ? 'ok' : 'failed'}
            label={
              val.success
                ? val.quarantinedRowCount > 0
                  ? `passed, ${val.quarantinedRowCount} rows quarantined`
                  : 'passed'
                : 'failed'
            }
          />
          <span>
            policy <strong>{val.policy}</strong>
            {val.suite ? ` · suite ${val.suite}` : ''}
          </span>
        </div>
        <div className="row" style={{ gap: 24 }}>
          <span>{formatNumber(val.rowCount)} rows validated</span>
          <span className="muted">{formatNumber(val.goodRowCount)} kept</span>
          <span style={{ color: val.quarantinedRowCount ? 'var(--bad)' : undefined }}>
            {formatNumber(val.quarantinedRowCount)} quarantined
          </span>
          <span className="muted">{formatNumber(val.malformedCount)} malformed</span>
        </div>
        {val.failed.length > 0 ? (
          <div>
            <h3>Failed expectations</h3>
            <ul data-testid="failed-expectations">
              {val.failed.map((f) => (
                <li key={f} className="mono">
                  {f}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <div className="muted">Every expectation passed.</div>
        )}
      </div>
      {quarantine ? (
        <div>
          <div className="panel-head" style={{ borderTop: '1px solid var(--border)' }}>
            <h2>Failing rows</h2>
            <a href={href(path('data', quarantine[1] as string), { v: quarantine[2] })} className="small">
              {val.quarantine}
            </a>
            <span className="faint small">_cairn_failed names the expectations each row broke</span>
          </div>
          <RowsTable
            name={quarantine[1] as string}
            version={quarantine[2] as string}
            highlight="_cairn_failed"
          />
        </div>
      ) : null}
    </div>
  )
}

/** A dataset: its versions, and the selected version's schema, profile, rows, validation and lineage. */
export function DatasetPage({ name }: { name: string }) {
  const [q, set] = useQueryState()
  const tab = q.get('tab') ?? 'profile'
  const versions = useApi(
    (signal) =>
      api<{ items: DatasetVersion[] }>(`/datasets/${encodeURIComponent(name)}/versions`, { signal }),
    [name],
  )
  const selected = q.get('v') ?? versions.data?.items[0]?.version
  const version = useApi(
    (signal) =>
      selected
        ? api<DatasetVersion>(
            `/datasets/${encodeURIComponent(name)}/versions/${encodeURIComponent(selected)}`,
            { signal },
          )
        : Promise.resolve(undefined),
    [name, selected],
  )
  if (!versions.data)
    return (
      <ResourceState
        state={versions}
        notFound={`No dataset named "${name}"`}
        back={<a href="#/data">All datasets</a>}
        loading="Loading versions"
      />
    )
  const v = version.data
  return (
    <div className="page">
      <PageHead
        crumbs={[{ href: '#/data', label: 'Data' }]}
        title={name}
        subtitle={
          v ? (
            <>
              <span className="mono">
                v{v.seq} · {v.version}
              </span>
              <span>{formatNumber(v.rowCount)} rows</span>
              <span>{v.columnCount} columns</span>
              <span>{formatBytes(v.sizeBytes)}</span>
              <span>written {formatTime(v.createdAt)}</span>
              {v.validation ? (
                <StatusBadge
                  status={v.validation.success ? 'ok' : 'failed'}
                  label={v.validation.success ? 'valid' : 'validation failed'}
                />
              ) : null}
            </>
          ) : null
        }
        actions={
          <label className="inline">
            Version
            <select
              value={selected ?? ''}
              onChange={(e) => set({ v: e.target.value })}
              aria-label="Version"
              data-testid="version-select"
            >
              {versions.data.items.map((x) => (
                <option key={x.version} value={x.version}>
                  v{x.seq} · {x.version.slice(0, 8)} · {formatTime(x.createdAt)}
                </option>
              ))}
            </select>
          </label>
        }
      />
      {version.error ? <ErrorBox error={version.error} /> : null}
      <Tabs
        items={[
          { id: 'profile', label: 'Profile' },
          { id: 'schema', label: 'Schema' },
          { id: 'rows', label: 'Rows' },
          { id: 'validation', label: 'Validation' },
          { id: 'lineage', label: 'Lineage' },
          { id: 'versions', label: 'Versions', count: versions.data.items.length },
        ]}
        selected={tab}
        onSelect={(t) => set({ tab: t === 'profile' ? '' : t })}
      />
      {!v ? <Loading /> : null}
      {v && tab === 'profile' ? (
        v.profile ? (
          <div className="profile-grid" data-testid="profile">
            {v.profile.columns.map((c) => (
              <ColumnProfileCard key={c.name} p={c} />
            ))}
          </div>
        ) : (
          <div className="panel panel-body muted">This version was written without a profile.</div>
        )
      ) : null}
      {v && tab === 'schema' ? (
        <div className="panel">
          <div className="panel-body flush">
            <table className="data" data-testid="schema">
              <thead>
                <tr>
                  <th>Column</th>
                  <th>Type</th>
                  <th>Nullable</th>
                  <th>Role</th>
                  <th>Categories / description</th>
                </tr>
              </thead>
              <tbody>
                {v.schema.columns.map((c) => (
                  <tr key={c.name}>
                    <td className="mono">{c.name}</td>
                    <td>{c.type}</td>
                    <td>{c.nullable ? 'yes' : 'no'}</td>
                    <td>{c.role ?? 'feature'}</td>
                    <td className="muted wrap">{c.categories?.join(', ') ?? c.description ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
      {v && tab === 'rows' ? (
        <div className="panel">
          <RowsTable name={name} version={v.version} />
        </div>
      ) : null}
      {v && tab === 'validation' ? (
        <div className="panel">
          <Validation v={v} />
        </div>
      ) : null}
      {v && tab === 'lineage' ? (
        <div className="panel">
          <div className="panel-body flush">
            <table className="data kv">
              <tbody>
                <tr>
                  <td>computed from</td>
                  <td>
                    {v.parents.length === 0 ? (
                      <span className="muted">nothing (ingested)</span>
                    ) : (
                      v.parents.map((p) => {
                        const [n, ver] = p.split('@')
                        return (
                          <div key={p}>
                            <a href={href(path('data', n ?? p), { v: ver })}>{p}</a>
                          </div>
                        )
                      })
                    )}
                  </td>
                </tr>
                {v.source ? (
                  <tr>
                    <td>source</td>
                    <td className="mono wrap">
                      {v.source.kind}: {v.source.uri}
                    </td>
                  </tr>
                ) : null}
                {v.transform ? (
                  <tr>
                    <td>transform</td>
                    <td className="mono wrap">
                      {v.transform.kind}
                      {v.transform.description ? ` — ${v.transform.description}` : ''}
                      {typeof v.transform.sql === 'string' ? <pre>{v.transform.sql}</pre> : null}
                    </td>
                  </tr>
                ) : null}
                <tr>
                  <td>content hash</td>
                  <td className="mono">{v.contentHash}</td>
                </tr>
                <tr>
                  <td>partitions</td>
                  <td>
                    {v.partitions.map((p) => (
                      <div key={p.key || p.object} className="mono small">
                        {p.key || '(whole)'} · {formatNumber(p.rows)} rows · {formatBytes(p.bytes)}
                      </div>
                    ))}
                  </td>
                </tr>
                <tr>
                  <td>use it</td>
                  <td className="mono">
                    cairn data show {name}@{v.version} · deps: ['data:{name}@{v.version}']
                  </td>
                </tr>
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
      {tab === 'versions' ? (
        <div className="panel">
          <div className="panel-body flush">
            <table className="data">
              <thead>
                <tr>
                  <th>Version</th>
                  <th className="num">Rows</th>
                  <th className="num">Columns</th>
                  <th className="num">Size</th>
                  <th>Validation</th>
                  <th>Written</th>
                </tr>
              </thead>
              <tbody>
                {versions.data.items.map((x) => (
                  <tr key={x.version} className={x.version === selected ? 'selected' : ''}>
                    <td>
                      <a href={href(path('data', name), { v: x.version })} className="mono">
                        v{x.seq} · {x.version}
                      </a>
                    </td>
                    <td className="num">{formatNumber(x.rowCount)}</td>
                    <td className="num">{x.columnCount}</td>
                    <td className="num">{formatBytes(x.sizeBytes)}</td>
                    <td>
                      {x.validation ? (
                        <StatusBadge
                          status={x.validation.success ? 'ok' : 'failed'}
                          label={x.validation.success ? 'passed' : 'failed'}
                        />
                      ) : (
                        <span className="faint">—</span>
                      )}
                    </td>
                    <td className="muted">{formatTime(x.createdAt)}</td>
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
