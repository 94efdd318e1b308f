import { useMemo } from 'react'
import { api, runArtifactUrl } from '../../api/client.js'
import type { Experiment, Run, RunLineage } from '../../api/types.js'
import { useApi } from '../../api/use-api.js'
import { ArtifactBrowser } from '../../components/artifact-view.js'
import { formatDuration, formatNumber, formatTime } from '../../components/format.js'
import { Icon } from '../../components/icons.js'
import { PageHead } from '../../components/layout.js'
import { ErrorBox, Loading, ResourceState, StatusBadge } from '../../components/states.js'
import { Tabs } from '../../components/tabs.js'
import { href, navigate, path, useQueryState } from '../../router.js'
import { MetricCharts } from './metric-charts.js'
import { RunLineageView } from './run-lineage.js'

function KvTable({
  entries,
  empty,
  testId,
}: {
  entries: [string, string][]
  empty: string
  testId?: string
}) {
  if (entries.length === 0) return <div className="muted small panel-body">{empty}</div>
  return (
    <table className="data kv" data-testid={testId}>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <td className="mono">{k}</td>
            <td className="wrap mono">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** A run: overview (params, metrics, tags), metric charts, artifacts and lineage. */
export function RunPage({ runId }: { runId: string }) {
  const [q, set] = useQueryState()
  const tab = q.get('tab') ?? 'overview'
  const run = useApi((signal) => api<Run>(`/runs/${encodeURIComponent(runId)}`, { signal }), [runId])
  const experiment = useApi(
    (signal) =>
      run.data
        ? api<Experiment>(`/experiments/${run.data.info.experimentId}`, { signal })
        : Promise.resolve(undefined),
    [run.data?.info.experimentId],
  )
  const lineage = useApi(
    (signal) => api<RunLineage>(`/runs/${encodeURIComponent(runId)}/lineage`, { signal }),
    [runId],
  )
  const chartRuns = useMemo(
    () => (run.data ? [{ runId, label: run.data.info.runName || runId }] : []),
    [run.data, runId],
  )
  if (!run.data)
    return (
      <ResourceState
        state={run}
        notFound="This run does not exist"
        back={
          <span>
            It may have been deleted for good (garbage-collected).{' '}
            <a href="#/experiments">Browse experiments</a>
          </span>
        }
        loading="Loading the run"
      />
    )
  const r = run.data
  const metrics = Object.keys(r.data.metrics).sort()
  const params = Object.entries(r.data.params).sort(([a], [b]) => a.localeCompare(b))
  const userTags = Object.entries(r.data.tags)
    .filter(([k]) => !k.startsWith('mlflow.'))
    .sort(([a], [b]) => a.localeCompare(b))
  const systemTags = Object.entries(r.data.tags)
    .filter(([k]) => k.startsWith('mlflow.'))
    .sort(([a], [b]) => a.localeCompare(b))
  const deleted = r.info.lifecycleStage === 'deleted'
  const note = r.data.tags['mlflow.note.content']
  const owner = {
    base: `/runs/${encodeURIComponent(runId)}`,
    fileUrl: (p: string) => runArtifactUrl(runId, p),
  }
  return (
    <div className="page">
      <PageHead
        crumbs={[
          { href: '#/experiments', label: 'Experiments' },
          {
            href: href(path('experiments', r.info.experimentId)),
            label: experiment.data?.name ?? `#${r.info.experimentId}`,
          },
        ]}
        title={
          <span className="row" style={{ gap: 10 }}>
            {r.info.runName || runId}
            <StatusBadge status={r.info.status} />
            {deleted ? <span className="badge bad">deleted</span> : null}
          </span>
        }
        subtitle={
          <>
            <span className="mono">{runId}</span>
            <span>started {formatTime(r.info.startTime)}</span>
            <span>
              took {r.info.endTime ? formatDuration(r.info.endTime - r.info.startTime) : 'still running'}
            </span>
            {r.info.userId ? <span>by {r.info.userId}</span> : null}
          </>
        }
        actions={
          <button
            type="button"
            onClick={() =>
              navigate(
                href(path('experiments', r.info.experimentId), {
                  sel: [runId],
                }),
              )
            }
          >
            <Icon name="compare" /> Compare with…
          </button>
        }
      />
      {deleted ? (
        <div className="notice" role="status" data-testid="deleted-run">
          <strong>This run was deleted.</strong> It stays readable until the store is garbage-collected.
          Restore it with <code>cairn runs restore {runId}</code> (or{' '}
          <code>POST /api/v1/runs/{runId}/restore</code>).
        </div>
      ) : null}
      <Tabs
        items={[
          { id: 'overview', label: 'Overview' },
          { id: 'metrics', label: 'Metrics', count: metrics.length },
          { id: 'artifacts', label: 'Artifacts' },
          { id: 'lineage', label: 'Lineage' },
        ]}
        selected={tab}
        onSelect={(t) => set({ tab: t === 'overview' ? '' : t, path: '' })}
      />
      {tab === 'overview' ? (
        <div className="grid-2">
          <div className="panel">
            <div className="panel-head">
              <h2>Params</h2>
              <span className="faint small">{params.length}</span>
            </div>
            <div className="panel-body flush">
              <KvTable entries={params} empty="No params logged." testId="params-table" />
            </div>
          </div>
          <div className="panel">
            <div className="panel-head">
              <h2>Metrics</h2>
              <span className="faint small">latest values</span>
            </div>
            <div className="panel-body flush">
              {metrics.length === 0 ? (
                <div className="muted small panel-body">No metrics logged.</div>
              ) : (
                <table className="data" data-testid="metrics-table">
                  <thead>
                    <tr>
                      <th>Metric</th>
                      <th className="num">Value</th>
                      <th className="num">Step</th>
                    </tr>
                  </thead>
                  <tbody>
                    {metrics.map((k) => {
                      const m = r.data.metrics[k]
                      return (
                        <tr key={k}>
                          <td className="mono">
                            <a href={href(path('runs', runId), { tab: 'metrics' })}>{k}</a>
                          </td>
                          <td className="num">{formatNumber(m?.value)}</td>
                          <td className="num muted">{m?.step}</td>
                        </tr>
                      )
                    })}
                  </tbody>
                </table>
              )}
            </div>
          </div>
          <div className="panel">
            <div className="panel-head">
              <h2>Tags</h2>
            </div>
            <div className="panel-body flush">
              <KvTable entries={userTags} empty="No tags." />
              {systemTags.length > 0 ? (
                <details style={{ padding: '8px 12px' }}>
                  <summary className="small muted">System tags ({systemTags.length})</summary>
                  <KvTable entries={systemTags} empty="" />
                </details>
              ) : null}
            </div>
          </div>
          {note ? (
            <div className="panel">
              <div className="panel-head">
                <h2>Notes</h2>
              </div>
              <div className="panel-body" style={{ whiteSpace: 'pre-wrap' }}>
                {note}
              </div>
            </div>
          ) : null}
        </div>
      ) : null}
      {tab === 'metrics' ? (
        metrics.length === 0 ? (
          <div className="panel">
            <div className="muted panel-body">
              This run has no metrics. Log some with{' '}
              <code>
                run.logMetric('loss', v, {'{'} step {'}'})
              </code>
              .
            </div>
          </div>
        ) : (
          <MetricCharts runs={chartRuns} metrics={metrics} />
        )
      ) : null}
      {tab === 'artifacts' ? (
        <div className="panel">
          <ArtifactBrowser
            owner={owner}
            selected={q.get('path')}
            onSelect={(p) => set({ path: p })}
            emptyHint="await run.logArtifact('report.html')"
          />
        </div>
      ) : null}
      {tab === 'lineage' ? (
        lineage.error ? (
          <ErrorBox error={lineage.error} />
        ) : lineage.data ? (
          <RunLineageView lineage={lineage.data} />
        ) : (
          <Loading />
        )
      ) : null}
    </div>
  )
}
