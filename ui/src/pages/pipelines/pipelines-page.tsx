import { Fragment, useEffect, useState } from 'react'
import { type ApiError, api, asApiError } from '../../api/client.js'
import type {
  LiveRun,
  PipelineInfo,
  PipelineRunRecord,
  PipelinesAnswer,
  StageRunRecord,
} from '../../api/types.js'
import { useApi } from '../../api/use-api.js'
import { Dialog } from '../../components/dialog.js'
import { formatAgo, formatDuration, formatShortTime, formatTime } from '../../components/format.js'
import { Icon } from '../../components/icons.js'
import { PageHead } from '../../components/layout.js'
import { EmptyState, ErrorBox, Loading, StatusBadge } from '../../components/states.js'
import { href, path, useQueryState } from '../../router.js'
import { DagView } from './dag-view.js'

function StageLog({ stageRunId }: { stageRunId: string }) {
  const log = useApi(
    (signal) =>
      api<{ text: string; source: string }>(`/pipelines/stage-runs/${encodeURIComponent(stageRunId)}/log`, {
        signal,
      }),
    [stageRunId],
  )
  if (log.error) return <ErrorBox error={log.error} />
  if (!log.data) return <Loading what="Loading the log" />
  return (
    <pre className="log-view" data-testid="stage-log">
      {log.data.text || '(the stage wrote nothing)'}
    </pre>
  )
}

function RunDetail({ runId }: { runId: string }) {
  const detail = useApi(
    (signal) =>
      api<{ run: PipelineRunRecord; stages: StageRunRecord[] }>(
        `/pipelines/runs/${encodeURIComponent(runId)}`,
        { signal },
      ),
    [runId],
  )
  const [open, setOpen] = useState<string | null>(null)
  if (detail.error) return <ErrorBox error={detail.error} />
  if (!detail.data) return <Loading />
  const { run, stages } = detail.data
  return (
    <div data-testid="pipeline-run-detail">
      <div className="panel-head">
        <h2>Run {run.runId.slice(0, 8)}</h2>
        <StatusBadge status={run.status} />
        <span className="muted small">
          {formatTime(run.startTime)} · {run.trigger} · {run.host}
        </span>
      </div>
      {run.error ? (
        <div className="panel-body">
          <div className="error-box">{run.error}</div>
        </div>
      ) : null}
      <table className="data">
        <thead>
          <tr>
            <th>Stage</th>
            <th>Status</th>
            <th>Cache</th>
            <th className="num">Duration</th>
            <th>Executor</th>
            <th>Log</th>
          </tr>
        </thead>
        <tbody>
          {stages.map((s) => (
            <Fragment key={s.stageRunId}>
              <tr>
                <td className="mono">{s.stage}</td>
                <td>
                  <StatusBadge status={s.status} />
                  {s.errorCode ? (
                    <span className="mono small" style={{ color: 'var(--bad)' }}>
                      {' '}
                      {s.errorCode}
                    </span>
                  ) : null}
                </td>
                <td>
                  {s.cacheHit ? <span className="badge info">hit</span> : <span className="faint">miss</span>}
                </td>
                <td className="num">{formatDuration(s.durationMs)}</td>
                <td className="muted small">
                  {s.executor}
                  {s.worker ? ` · ${s.worker}` : ''}
                </td>
                <td>
                  <button
                    type="button"
                    className="small"
                    aria-expanded={open === s.stageRunId}
                    onClick={() => setOpen(open === s.stageRunId ? null : s.stageRunId)}
                    data-testid="show-log"
                  >
                    {open === s.stageRunId ? 'Hide' : 'Show'}
                  </button>
                </td>
              </tr>
              {open === s.stageRunId ? (
                <tr>
                  <td colSpan={6}>
                    {s.error ? (
                      <div className="error-box" style={{ marginBottom: 8 }}>
                        {s.error}
                      </div>
                    ) : null}
                    <StageLog stageRunId={s.stageRunId} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function RunDialog({
  pipeline,
  onClose,
  onStarted,
}: {
  pipeline: string
  onClose(): void
  onStarted(live: LiveRun): void
}) {
  const [force, setForce] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()
  const start = async () => {
    setBusy(true)
    setError(undefined)
    try {
      onStarted(await api<LiveRun>(`/pipelines/${encodeURIComponent(pipeline)}/run`, { body: { force } }))
    } catch (err) {
      setError(asApiError(err))
      setBusy(false)
    }
  }
  return (
    <Dialog
      title={`Run pipeline ${pipeline}?`}
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={start} disabled={busy} data-testid="confirm-run">
            {busy ? 'Starting…' : 'Run'}
          </button>
        </>
      }
    >
      <p className="muted" style={{ margin: 0 }}>
        The server runs the stages whose command, dependencies or params changed; the others are up to date or
        restored from the cache. Same as <code>cairn run {pipeline === 'default' ? '' : pipeline}</code>.
      </p>
      <label className="inline">
        <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
        Force: run every stage, ignoring the cache
      </label>
      {error ? <ErrorBox error={error} title="The run did not start" /> : null}
    </Dialog>
  )
}

function useLiveRun(id: string | null, onEnd: () => void) {
  const [live, setLive] = useState<LiveRun | null>(null)
  // biome-ignore lint/correctness/useExhaustiveDependencies: poll once per live run
  useEffect(() => {
    if (!id) return
    let stop = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async () => {
      try {
        const l = await api<LiveRun>(`/pipelines/live/${encodeURIComponent(id)}`)
        if (stop) return
        setLive(l)
        if (l.endedAt) {
          onEnd()
          return
        }
      } catch {
        if (stop) return
      }
      timer = setTimeout(poll, 400)
    }
    void poll()
    return () => {
      stop = true
      if (timer) clearTimeout(timer)
    }
  }, [id])
  return live
}

/** Pipelines: the stage graph with each stage's last status, run history, stage logs, and a run button. */
export function PipelinesPage() {
  const [q, set] = useQueryState()
  const data = useApi((signal) => api<PipelinesAnswer>('/pipelines', { signal }), [])
  const pipelines = data.data?.pipelines ?? []
  const name = q.get('p') ?? pipelines[0]?.name ?? null
  const p: PipelineInfo | undefined = pipelines.find((x) => x.name === name)
  const runs = useApi(
    (signal) =>
      name
        ? api<{ items: PipelineRunRecord[] }>('/pipelines/runs', {
            signal,
            query: { pipeline: name, limit: 50 },
          })
        : Promise.resolve({ items: [] }),
    [name],
  )
  const [running, setRunning] = useState<string | null>(null)
  const [confirm, setConfirm] = useState(false)
  const live = useLiveRun(running, () => {
    data.reload()
    runs.reload()
  })
  const stage = q.get('stage')
  const runId = q.get('run') ?? runs.data?.items[0]?.runId ?? null
  const selectedStage = p?.stages.find((s) => s.id === stage)

  if (data.error)
    return (
      <div className="page">
        <ErrorBox error={data.error} />
      </div>
    )
  if (!data.data) return <Loading what="Loading pipelines" />
  if (pipelines.length === 0)
    return (
      <div className="page">
        <PageHead title="Pipelines" />
        {data.data.error ? (
          <ErrorBox error={data.data.error} title="The project's pipelines could not be loaded" />
        ) : null}
        <div className="panel">
          <EmptyState
            title="No pipelines yet"
            command={`# cairn.yaml\nstages:\n  prepare:\n    cmd: node prepare.js\n    deps: [data/raw.csv]\n    outs: [data/prepared]\n  train:\n    run: src/train.ts#train\n    deps: [data/prepared]\n    outs: [models/model]\n\n# then\ncairn run`}
          >
            Define stages in <code>cairn.yaml</code> (or with <code>definePipeline</code>) and run them; start{' '}
            <code>cairn server</code> in the project folder to see the graph here.
          </EmptyState>
        </div>
      </div>
    )
  const liveRunning = live && !live.endedAt ? live : null
  return (
    <div className="page">
      <PageHead
        title="Pipelines"
        subtitle={data.data.root ? <span className="mono">{data.data.root}</span> : null}
        actions={
          p?.defined ? (
            <button
              type="button"
              className="primary"
              onClick={() => setConfirm(true)}
              disabled={liveRunning !== null}
              data-testid="run-pipeline"
            >
              <Icon name="play" /> {liveRunning ? 'Running…' : `Run ${p.name}`}
            </button>
          ) : null
        }
      />
      {data.data.error ? (
        <div className="notice">
          The server could not load the pipeline definitions ({data.data.error.code}:{' '}
          {data.data.error.message}); showing what the metadata store recorded.
        </div>
      ) : null}
      {pipelines.length > 1 ? (
        <fieldset className="segmented">
          <legend className="sr-only">Pipeline</legend>
          {pipelines.map((x) => (
            <button
              key={x.name}
              type="button"
              aria-pressed={x.name === name}
              onClick={() => set({ p: x.name, stage: '', run: '' })}
            >
              {x.name}
            </button>
          ))}
        </fieldset>
      ) : null}
      {live ? (
        <div
          className="notice"
          role="status"
          data-testid="live-run"
          data-done={live.endedAt ? (live.ok ? 'ok' : 'failed') : 'running'}
          style={
            live.endedAt
              ? {
                  borderColor: live.ok ? 'var(--ok)' : 'var(--bad)',
                  background: live.ok ? 'var(--ok-soft)' : 'var(--bad-soft)',
                }
              : {}
          }
        >
          <strong>
            {live.endedAt
              ? live.ok
                ? `Run finished in ${formatDuration(live.endedAt - live.startedAt)}`
                : 'Run failed'
              : 'Running…'}
          </strong>{' '}
          {live.summary.length > 0
            ? live.summary.map((s) => `${s.stage}: ${s.status}`).join(' · ')
            : Object.entries(live.stages)
                .map(([k, v]) => `${k}: ${v}`)
                .join(' · ')}
          {live.error ? (
            <div className="mono small" style={{ marginTop: 4 }}>
              {live.error.code}: {live.error.message}
            </div>
          ) : null}
          {live.output.length > 0 ? (
            <details style={{ marginTop: 6 }}>
              <summary className="small">Output ({live.output.length} lines)</summary>
              <pre className="log-view">{live.output.join('\n')}</pre>
            </details>
          ) : null}
        </div>
      ) : null}
      {p ? (
        <div className="panel">
          <div className="panel-head">
            <h2>{p.name}</h2>
            <span className="faint small">
              {p.stages.length} stages
              {p.source === 'definePipeline'
                ? ' · defined in TypeScript (definePipeline)'
                : p.source
                  ? ` · defined in ${p.source}`
                  : p.stages.some((x) => x.deps !== undefined)
                    ? ' · defined outside this project: graph from cairn.lock, status from recorded runs'
                    : ' · not defined in this project (recorded runs only)'}
            </span>
            <span className="spacer" />
            {p.lastRun ? (
              <span className="small muted">
                last run {formatAgo(p.lastRun.startTime)} <StatusBadge status={p.lastRun.status} />
              </span>
            ) : null}
          </div>
          <DagView
            stages={p.stages}
            selected={stage}
            live={liveRunning?.stages}
            onSelect={(id) => set({ stage: id === stage ? '' : id })}
          />
          {selectedStage ? (
            <div
              className="panel-body"
              style={{ borderTop: '1px solid var(--border)', display: 'grid', gap: 10 }}
              data-testid="stage-detail"
            >
              <div className="row">
                <strong className="mono">{selectedStage.id}</strong>
                {selectedStage.last ? (
                  <StatusBadge status={selectedStage.last.status} />
                ) : (
                  <span className="badge">never run</span>
                )}
                {selectedStage.last?.cacheHit ? <span className="badge info">cache hit</span> : null}
                {selectedStage.last?.trackingRunId ? (
                  <a href={href(path('runs', selectedStage.last.trackingRunId))} className="small">
                    tracked run
                  </a>
                ) : null}
                {selectedStage.desc ? <span className="muted">{selectedStage.desc}</span> : null}
              </div>
              {selectedStage.command ? <pre className="mono">{selectedStage.command}</pre> : null}
              <div className="grid-2" style={{ gap: 10 }}>
                <div>
                  <h3>Depends on</h3>
                  {(selectedStage.deps ?? []).map((d) => (
                    <div key={d} className="mono small">
                      {d}
                    </div>
                  ))}
                  {(selectedStage.params ?? []).map((d) => (
                    <div key={d} className="mono small">
                      param {d}
                    </div>
                  ))}
                </div>
                <div>
                  <h3>Outputs</h3>
                  {(selectedStage.outs ?? []).map((o) => (
                    <div key={o.path} className="mono small">
                      {o.path} {o.role !== 'out' ? <span className="badge outline">{o.role}</span> : null}
                      {!o.cache ? <span className="faint"> (not cached)</span> : null}
                    </div>
                  ))}
                </div>
              </div>
              {selectedStage.last ? (
                <div>
                  <h3>Last log</h3>
                  <StageLog stageRunId={selectedStage.last.stageRunId} />
                </div>
              ) : null}
            </div>
          ) : (
            <div className="panel-body faint small" style={{ borderTop: '1px solid var(--border)' }}>
              Select a stage to see its command, dependencies, outputs and last log.
            </div>
          )}
        </div>
      ) : null}
      <div className="grid-2">
        <div className="panel">
          <div className="panel-head">
            <h2>Run history</h2>
          </div>
          <div className="panel-body flush">
            {runs.data && runs.data.items.length === 0 ? (
              <EmptyState title="Never run" command={`cairn run ${name === 'default' ? '' : (name ?? '')}`} />
            ) : null}
            <table className="data" data-testid="pipeline-runs">
              <tbody>
                {(runs.data?.items ?? []).map((r) => (
                  <tr key={r.runId} className={r.runId === runId ? 'selected' : ''}>
                    <td>
                      <button
                        type="button"
                        className="ghost small"
                        onClick={() => set({ run: r.runId })}
                        aria-pressed={r.runId === runId}
                      >
                        <span className="mono">{r.runId.slice(0, 8)}</span>
                      </button>
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td className="muted small nowrap">{formatShortTime(r.startTime)}</td>
                    <td className="num small nowrap">
                      {r.endTime ? formatDuration(r.endTime - r.startTime) : '—'}
                    </td>
                    <td className="small nowrap">
                      <span title="ran">{r.stagesRan} ran</span> ·{' '}
                      <span title="from cache">{r.stagesCached} cached</span>
                      {r.stagesFailed ? (
                        <span style={{ color: 'var(--bad)' }}> · {r.stagesFailed} failed</span>
                      ) : null}
                    </td>
                    <td className="faint small">{r.trigger}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
        <div className="panel">
          {runId ? (
            <RunDetail key={runId} runId={runId} />
          ) : (
            <div className="panel-body muted">Choose a run.</div>
          )}
        </div>
      </div>
      {confirm && p ? (
        <RunDialog
          pipeline={p.name}
          onClose={() => setConfirm(false)}
          onStarted={(l) => {
            setConfirm(false)
            setRunning(l.id)
          }}
        />
      ) : null}
    </div>
  )
}
