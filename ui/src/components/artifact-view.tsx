import { useState } from 'react'
import { api } from '../api/client.js'
import type { ArtifactEntry, ArtifactPreview } from '../api/types.js'
import { useApi } from '../api/use-api.js'
import { formatBytes } from './format.js'
import { Icon } from './icons.js'
import { SignatureTable } from './signature-table.js'
import { EmptyState, ErrorBox, Loading } from './states.js'

/** Where an owner's artifacts are: `/runs/<id>` or `/models/<name>/versions/<v>`, and file URLs. */
export interface ArtifactOwner {
  base: string
  fileUrl(path: string): string
}

function TextPreview({ p }: { p: Extract<ArtifactPreview, { kind: 'text' }> }) {
  return (
    <>
      <pre className="log-view" data-testid="preview-text">
        {p.text}
      </pre>
      {p.truncated ? (
        <span className="muted small">Showing the first {formatBytes(p.text.length)}.</span>
      ) : null}
    </>
  )
}

function CsvPreview({ p }: { p: Extract<ArtifactPreview, { kind: 'csv' }> }) {
  return (
    <div className="table-scroll" style={{ border: '1px solid var(--border)', borderRadius: 6 }}>
      <table className="data" data-testid="preview-csv">
        <thead>
          <tr>
            {p.header.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: header cells are positional
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
            <tr key={i}>
              {r.map((c, j) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                <td key={j} className={/^-?[\d.]+(e-?\d+)?$/i.test(c) ? 'num' : ''}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {p.truncated ? (
        <div className="muted small" style={{ padding: 8 }}>
          First {p.rows.length} rows.
        </div>
      ) : null}
    </div>
  )
}

function ModelPreview({ p }: { p: Extract<ArtifactPreview, { kind: 'model' }> }) {
  const m = p.manifest
  return (
    <div style={{ display: 'grid', gap: 12 }} data-testid="preview-model">
      <div className="row">
        <span className="badge info">model bundle</span>
        <span>
          family <strong className="mono">{m.family}</strong>
        </span>
        <span className="muted">
          task {m.signature?.output?.task} → <span className="mono">{m.signature?.output?.name}</span>
        </span>
      </div>
      {m.signature ? <SignatureTable signature={m.signature} /> : null}
      {m.metrics && Object.keys(m.metrics).length > 0 ? (
        <div className="row small">
          {Object.entries(m.metrics).map(([k, v]) => (
            <span key={k} className="badge outline">
              {k}: {v}
            </span>
          ))}
        </div>
      ) : null}
      <details>
        <summary className="small muted">manifest.json</summary>
        <pre className="json-view">{JSON.stringify(m, null, 2)}</pre>
      </details>
    </div>
  )
}

/** The preview of one artifact, by kind. */
export function ArtifactPreviewView({ owner, path }: { owner: ArtifactOwner; path: string }) {
  const preview = useApi(
    (signal) => api<ArtifactPreview>(`${owner.base}/artifact-preview`, { signal, query: { path } }),
    [owner.base, path],
  )
  if (preview.error)
    return (
      <div data-testid="preview-error">
        <ErrorBox
          error={preview.error}
          title={
            preview.error.notFound
              ? `"${path}" is not among the artifacts`
              : 'Could not preview this artifact'
          }
        />
      </div>
    )
  if (!preview.data || preview.loading) return <Loading what="Loading preview" />
  const p = preview.data
  return (
    <div className="artifact-view" data-testid="artifact-preview" data-kind={p.kind}>
      <div className="row">
        <strong className="mono">{p.path || '/'}</strong>
        <span className="muted small">{formatBytes(p.size)}</span>
        <span className="spacer" />
        {p.kind !== 'model' ? (
          <a className="btn small" href={owner.fileUrl(p.path)} download>
            <Icon name="download" size={14} /> Download
          </a>
        ) : null}
      </div>
      {p.kind === 'text' ? <TextPreview p={p} /> : null}
      {p.kind === 'json' ? (
        <pre className="json-view" data-testid="preview-json">
          {JSON.stringify(p.json, null, 2)}
        </pre>
      ) : null}
      {p.kind === 'csv' ? <CsvPreview p={p} /> : null}
      {p.kind === 'image' ? (
        <img src={owner.fileUrl(p.path)} alt={p.path} data-testid="preview-image" />
      ) : null}
      {p.kind === 'model' ? <ModelPreview p={p} /> : null}
      {p.kind === 'binary' ? <div className="muted">A binary file; download it to look inside.</div> : null}
    </div>
  )
}

interface TreeNode {
  path: string
  name: string
  isDir: boolean
  size?: number | undefined
  depth: number
}

/** Bundle folders (a manifest.json inside) open as a model preview instead of expanding. */
function flatten(entries: ArtifactEntry[]): TreeNode[] {
  const dirs = new Set<string>()
  for (const e of entries) {
    const parts = e.path.split('/')
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'))
  }
  const nodes: TreeNode[] = [
    ...[...dirs].map((d) => ({
      path: d,
      name: d.split('/').pop() ?? d,
      isDir: true,
      depth: d.split('/').length - 1,
    })),
    ...entries
      .filter((e) => !e.isDir)
      .map((e) => ({
        path: e.path,
        name: e.path.split('/').pop() ?? e.path,
        isDir: false,
        size: e.size,
        depth: e.path.split('/').length - 1,
      })),
  ]
  return nodes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** The artifacts browser: a file tree on the left, the selected file's preview on the right. */
export function ArtifactBrowser({
  owner,
  selected,
  onSelect,
  emptyHint,
}: {
  owner: ArtifactOwner
  selected: string | null
  onSelect(path: string): void
  emptyHint?: string
}) {
  const list = useApi(
    (signal) =>
      api<{ files: ArtifactEntry[] }>(`${owner.base}/artifacts`, { signal, query: { recursive: true } }),
    [owner.base],
  )
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set())
  if (list.error) return <ErrorBox error={list.error} />
  if (!list.data) return <Loading what="Listing artifacts" />
  if (list.data.files.length === 0)
    return (
      <EmptyState title="No artifacts" command={emptyHint}>
        Files logged with <code>run.logArtifact(path)</code>, <code>run.logJson(…)</code> or a model bundle
        appear here.
      </EmptyState>
    )
  const nodes = flatten(list.data.files)
  const bundleDirs = new Set(
    list.data.files
      .filter((f) => f.path.endsWith('/manifest.json'))
      .map((f) => f.path.slice(0, -'/manifest.json'.length)),
  )
  const hidden = (p: string) => [...collapsed].some((c) => p.startsWith(`${c}/`))
  const current = selected ?? nodes.find((n) => !n.isDir)?.path ?? null
  return (
    <div className="artifacts" data-testid="artifacts">
      <div className="artifact-tree" role="tree" aria-label="Artifacts">
        {nodes
          .filter((n) => !hidden(n.path))
          .map((n) => (
            <button
              type="button"
              key={n.path}
              role="treeitem"
              aria-current={current === n.path}
              aria-expanded={n.isDir ? !collapsed.has(n.path) : undefined}
              style={{ paddingLeft: 6 + n.depth * 14 }}
              onClick={() => {
                if (n.isDir && bundleDirs.has(n.path)) onSelect(n.path)
                else if (n.isDir)
                  setCollapsed((c) => {
                    const x = new Set(c)
                    if (x.has(n.path)) x.delete(n.path)
                    else x.add(n.path)
                    return x
                  })
                else onSelect(n.path)
              }}
              data-path={n.path}
            >
              <Icon name={n.isDir ? 'folder' : 'file'} size={14} />
              <span className="ellipsis">{n.name}</span>
              {n.isDir && bundleDirs.has(n.path) ? <span className="badge info">model</span> : null}
              {!n.isDir ? (
                <span className="faint small" style={{ marginLeft: 'auto' }}>
                  {formatBytes(n.size)}
                </span>
              ) : null}
            </button>
          ))}
      </div>
      {current ? (
        <ArtifactPreviewView owner={owner} path={current} />
      ) : (
        <div className="artifact-view muted">Choose a file.</div>
      )}
    </div>
  )
}
