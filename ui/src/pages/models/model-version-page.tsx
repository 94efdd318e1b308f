import { useState } from 'react'
import { api, modelArtifactUrl } from '../../api/client.js'
import type { ArtifactPreview, ModelEvent, ModelVersion, RegisteredModel } from '../../api/types.js'
import { useApi } from '../../api/use-api.js'
import { ArtifactBrowser } from '../../components/artifact-view.js'
import { formatNumber, formatTime } from '../../components/format.js'
import { PageHead } from '../../components/layout.js'
import { SignatureTable } from '../../components/signature-table.js'
import { ErrorBox, Loading, ResourceState, StatusBadge } from '../../components/states.js'
import { href, path, useQueryState } from '../../router.js'
import { ModelHistory } from './model-history.js'
import { VersionButtons } from './model-page.js'
import { type VersionAction, VersionActionDialog } from './version-actions.js'

/** One model version: signature, metrics, source run, files, history and actions. */
export function ModelVersionPage({ name, version }: { name: string; version: string }) {
  const [q, set] = useQueryState()
  const base = `/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`
  const mv = useApi((signal) => api<ModelVersion>(base, { signal }), [base])
  const model = useApi(
    (signal) => api<RegisteredModel>(`/models/${encodeURIComponent(name)}`, { signal }),
    [name],
  )
  const manifest = useApi(
    (signal) => api<ArtifactPreview>(`${base}/artifact-preview`, { signal, query: { path: '' } }),
    [base],
  )
  const history = useApi(
    (signal) =>
      api<ModelEvent[]>(`/models/${encodeURIComponent(name)}/events`, {
        signal,
        query: { version: Number(version) || 0, limit: 100 },
      }),
    [name, version],
  )
  const [action, setAction] = useState<VersionAction | null>(null)
  const [flash, setFlash] = useState<string | null>(null)
  if (!mv.data)
    return (
      <ResourceState
        state={mv}
        notFound={`${name} has no version ${version}`}
        back={<a href={href(path('models', name))}>All versions of {name}</a>}
        loading="Loading the version"
      />
    )
  const v = mv.data
  const m = manifest.data?.kind === 'model' ? manifest.data.manifest : undefined
  const firstAlias = v.aliases[0]
  return (
    <div className="page">
      <PageHead
        crumbs={[
          { href: '#/models', label: 'Models' },
          { href: href(path('models', name)), label: name },
        ]}
        title={
          <span className="row" style={{ gap: 10 }}>
            {name} v{v.version} <StatusBadge status={v.currentStage} />
            {v.aliases.map((a) => (
              <span key={a} className="badge alias">
                @{a}
              </span>
            ))}
          </span>
        }
        subtitle={
          <>
            <span>registered {formatTime(v.creationTime)}</span>
            {v.userId ? <span>by {v.userId}</span> : null}
            {v.runId ? (
              <span>
                from run{' '}
                <a href={href(path('runs', v.runId))} className="mono">
                  {v.runId.slice(0, 8)}
                </a>
              </span>
            ) : null}
          </>
        }
        actions={
          <>
            <a
              className="btn"
              href={href('/playground', {
                model: `models:/${name}${firstAlias ? `@${firstAlias}` : `/${v.version}`}`,
              })}
            >
              Try in playground
            </a>
            {model.data ? <VersionButtons v={v} onAction={setAction} /> : null}
          </>
        }
      />
      {flash ? (
        <div
          className="notice"
          role="status"
          style={{ borderColor: 'var(--ok)', background: 'var(--ok-soft)' }}
        >
          {flash}
        </div>
      ) : null}
      {v.description ? <div className="muted">{v.description}</div> : null}
      <div className="grid-2">
        <div className="panel">
          <div className="panel-head">
            <h2>Signature</h2>
            {m ? <span className="faint small">family {m.family}</span> : null}
          </div>
          <div className="panel-body">
            {manifest.error ? (
              <ErrorBox error={manifest.error} title="The version's bundle could not be read" />
            ) : null}
            {m?.signature ? (
              <SignatureTable signature={m.signature} />
            ) : manifest.loading ? (
              <Loading />
            ) : null}
            {manifest.data && manifest.data.kind !== 'model' ? (
              <div className="muted small">
                These files are not a Cairn model bundle, so there is no signature.
              </div>
            ) : null}
          </div>
        </div>
        <div className="panel">
          <div className="panel-head">
            <h2>Details</h2>
          </div>
          <div className="panel-body flush">
            <table className="data kv">
              <tbody>
                <tr>
                  <td>source</td>
                  <td className="mono wrap">{v.source}</td>
                </tr>
                <tr>
                  <td>stored at</td>
                  <td className="mono wrap">{v.storageLocation}</td>
                </tr>
                <tr>
                  <td>status</td>
                  <td>{v.status}</td>
                </tr>
                <tr>
                  <td>serve it</td>
                  <td className="mono">
                    cairn serve models:/{name}
                    {firstAlias ? `@${firstAlias}` : `/${v.version}`}
                  </td>
                </tr>
                {Object.entries(m?.metrics ?? {}).map(([k, x]) => (
                  <tr key={k}>
                    <td>metric {k}</td>
                    <td className="mono">{formatNumber(x)}</td>
                  </tr>
                ))}
                {Object.entries(v.tags).map(([k, x]) => (
                  <tr key={k}>
                    <td>tag {k}</td>
                    <td className="mono">{x}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
      <div className="panel">
        <div className="panel-head">
          <h2>Files</h2>
        </div>
        <ArtifactBrowser
          owner={{ base, fileUrl: (p) => modelArtifactUrl(name, v.version, p) }}
          selected={q.get('path')}
          onSelect={(p) => set({ path: p })}
        />
      </div>
      <div className="panel">
        <div className="panel-head">
          <h2>History of v{v.version}</h2>
        </div>
        <div className="panel-body">
          {history.data ? <ModelHistory name={name} events={history.data} /> : <Loading />}
        </div>
      </div>
      {action && model.data ? (
        <VersionActionDialog
          model={model.data}
          action={action}
          onClose={() => setAction(null)}
          onDone={(msg) => {
            setAction(null)
            setFlash(msg)
            mv.reload()
            model.reload()
            history.reload()
          }}
        />
      ) : null}
    </div>
  )
}
