import { useState } from 'react'
import { api } from '../../api/client.js'
import type { ModelEvent, ModelVersion, Page, RegisteredModel } from '../../api/types.js'
import { useApi } from '../../api/use-api.js'
import { formatAgo, formatTime, shortId } from '../../components/format.js'
import { PageHead } from '../../components/layout.js'
import { ErrorBox, Loading, ResourceState, StatusBadge } from '../../components/states.js'
import { href, path } from '../../router.js'
import { ModelHistory } from './model-history.js'
import { type VersionAction, VersionActionDialog } from './version-actions.js'

/** Actions on one version, shared by the model page and the version page. */
export function VersionButtons({ v, onAction }: { v: ModelVersion; onAction(a: VersionAction): void }) {
  return (
    <span className="row" style={{ gap: 4, flexWrap: 'nowrap' }}>
      <button
        type="button"
        className="small"
        onClick={() => onAction({ kind: 'alias', version: v })}
        data-testid={`promote-v${v.version}`}
      >
        Promote…
      </button>
      <button type="button" className="small" onClick={() => onAction({ kind: 'stage', version: v })}>
        Stage…
      </button>
      <button
        type="button"
        className="small danger"
        disabled={v.currentStage === 'Archived'}
        onClick={() => onAction({ kind: 'archive', version: v })}
        data-testid={`archive-v${v.version}`}
      >
        Archive
      </button>
    </span>
  )
}

/** A registered model: versions with aliases and stages, actions, and the full history. */
export function ModelPage({ name }: { name: string }) {
  const model = useApi(
    (signal) => api<RegisteredModel>(`/models/${encodeURIComponent(name)}`, { signal }),
    [name],
  )
  const versions = useApi(
    (signal) =>
      api<Page<ModelVersion>>('/model-versions/search', {
        signal,
        body: {
          filter: `name = '${name.replace(/'/g, "''")}'`,
          orderBy: ['version_number DESC'],
          maxResults: 1000,
        },
      }),
    [name],
  )
  const history = useApi(
    (signal) =>
      api<ModelEvent[]>(`/models/${encodeURIComponent(name)}/events`, { signal, query: { limit: 200 } }),
    [name],
  )
  const [action, setAction] = useState<VersionAction | null>(null)
  const [flash, setFlash] = useState<string | null>(null)
  if (!model.data)
    return (
      <ResourceState
        state={model}
        notFound={`No model named "${name}"`}
        back={<a href="#/models">All models</a>}
        loading="Loading the model"
      />
    )
  const m = model.data
  const reload = () => {
    model.reload()
    versions.reload()
    history.reload()
  }
  return (
    <div className="page">
      <PageHead
        crumbs={[{ href: '#/models', label: 'Models' }]}
        title={m.name}
        subtitle={
          <>
            {Object.entries(m.aliases).map(([a, v]) => (
              <span key={a} className="badge alias" data-testid={`alias-${a}`} data-version={v}>
                @{a} → v{v}
                <button
                  type="button"
                  className="ghost small"
                  style={{ padding: '0 2px', color: 'inherit' }}
                  aria-label={`Remove alias ${a}`}
                  onClick={() => setAction({ kind: 'delete-alias', alias: a, version: v })}
                >
                  ×
                </button>
              </span>
            ))}
            <span>updated {formatAgo(m.lastUpdatedTime)}</span>
          </>
        }
        actions={
          <a
            className="btn"
            href={href('/playground', { model: `models:/${m.name}@${Object.keys(m.aliases)[0] ?? ''}` })}
          >
            Try in playground
          </a>
        }
      />
      {m.description ? <div className="muted">{m.description}</div> : null}
      {flash ? (
        <div
          className="notice"
          role="status"
          style={{ borderColor: 'var(--ok)', background: 'var(--ok-soft)' }}
          data-testid="flash"
        >
          {flash}
        </div>
      ) : null}
      <div className="panel">
        <div className="panel-head">
          <h2>Versions</h2>
        </div>
        <div className="panel-body flush" style={{ overflow: 'auto' }}>
          {versions.error ? <ErrorBox error={versions.error} /> : null}
          <table className="data" data-testid="versions-table">
            <thead>
              <tr>
                <th>Version</th>
                <th>Aliases</th>
                <th>Stage</th>
                <th>Source run</th>
                <th>Registered</th>
                <th>Description</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {(versions.data?.items ?? []).map((v) => (
                <tr key={v.version} data-version={v.version}>
                  <td>
                    <a href={href(path('models', m.name, 'versions', v.version))}>v{v.version}</a>
                  </td>
                  <td>
                    {v.aliases.map((a) => (
                      <span key={a} className="badge alias" style={{ marginRight: 4 }}>
                        @{a}
                      </span>
                    ))}
                  </td>
                  <td>
                    <StatusBadge status={v.currentStage} />
                  </td>
                  <td>
                    {v.runId ? (
                      <a href={href(path('runs', v.runId))} className="mono">
                        {shortId(v.runId)}
                      </a>
                    ) : (
                      <span className="faint">—</span>
                    )}
                  </td>
                  <td className="muted nowrap">{formatTime(v.creationTime)}</td>
                  <td className="muted wrap">{v.description ?? ''}</td>
                  <td>
                    <VersionButtons v={v} onAction={setAction} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <div className="panel">
        <div className="panel-head">
          <h2>History</h2>
          <span className="faint small">stage transitions, alias moves and promotion-gate decisions</span>
        </div>
        <div className="panel-body">
          {history.error ? <ErrorBox error={history.error} /> : null}
          {history.data ? <ModelHistory name={m.name} events={history.data} /> : <Loading />}
        </div>
      </div>
      {action ? (
        <VersionActionDialog
          model={m}
          action={action}
          onClose={() => setAction(null)}
          onDone={(msg) => {
            setAction(null)
            setFlash(msg)
            reload()
          }}
        />
      ) : null}
    </div>
  )
}
