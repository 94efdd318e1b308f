import type { RunLineage } from '../../api/types.js'
import { formatNumber, formatTime, shortId } from '../../components/format.js'
import { StatusBadge } from '../../components/states.js'
import { href, path } from '../../router.js'

function datasetLink(source: string, name: string): string | undefined {
  const m = /^data:([^@]+)(?:@(.+))?$/.exec(source)
  if (m) return href(path('data', m[1] as string), { v: m[2] && m[2] !== 'latest' ? m[2] : '' })
  return name ? href(path('data', name)) : undefined
}

/** Where a run came from (datasets, code, parent, pipeline stage) and what it produced (models, child runs). */
export function RunLineageView({ lineage }: { lineage: RunLineage }) {
  const l = lineage
  return (
    <div className="grid-2" data-testid="lineage">
      <div className="panel">
        <div className="panel-head">
          <h2>Inputs</h2>
        </div>
        <div className="panel-body" style={{ display: 'grid', gap: 12 }}>
          <div>
            <h3>Datasets</h3>
            {l.datasets.length === 0 ? (
              <div className="muted small">
                No datasets logged (use <code>run.logDataset(…)</code>).
              </div>
            ) : (
              <ul>
                {l.datasets.map((d) => {
                  const link = datasetLink(d.dataset.source, d.dataset.name)
                  return (
                    <li key={`${d.dataset.name}-${d.dataset.digest}`}>
                      {link ? <a href={link}>{d.dataset.name}</a> : d.dataset.name}{' '}
                      <span className="mono faint small">{d.dataset.digest}</span>{' '}
                      {d.tags['mlflow.data.context'] ? (
                        <span className="badge outline">{d.tags['mlflow.data.context']}</span>
                      ) : null}
                      <div className="faint small mono">{d.dataset.source}</div>
                    </li>
                  )
                })}
              </ul>
            )}
          </div>
          <div>
            <h3>Code</h3>
            <table className="data kv">
              <tbody>
                <tr>
                  <td>git commit</td>
                  <td className="mono" data-testid="git-commit">
                    {l.git.commit ?? '—'}
                  </td>
                </tr>
                {l.git.branch ? (
                  <tr>
                    <td>branch</td>
                    <td className="mono">{l.git.branch}</td>
                  </tr>
                ) : null}
                {l.git.repoUrl ? (
                  <tr>
                    <td>repository</td>
                    <td className="mono">{l.git.repoUrl}</td>
                  </tr>
                ) : null}
                {l.source.name ? (
                  <tr>
                    <td>source</td>
                    <td className="mono">{l.source.name}</td>
                  </tr>
                ) : null}
                {l.source.command ? (
                  <tr>
                    <td>command</td>
                    <td className="mono">{l.source.command}</td>
                  </tr>
                ) : null}
                {l.source.host ? (
                  <tr>
                    <td>host</td>
                    <td className="mono">{l.source.host}</td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
          <div>
            <h3>Parent run</h3>
            {l.parent ? (
              l.parent.missing ? (
                <span className="muted">{l.parent.runId} (no longer exists)</span>
              ) : (
                <a href={href(path('runs', l.parent.runId))}>{l.parent.runName ?? l.parent.runId}</a>
              )
            ) : (
              <span className="muted small">None — this is a top-level run.</span>
            )}
          </div>
          {l.pipelineStages.length > 0 ? (
            <div>
              <h3>Pipeline stage</h3>
              {l.pipelineStages.map((s) => (
                <div key={s.stageRunId}>
                  <a href={href('/pipelines', { p: s.pipeline, run: s.pipelineRunId })}>
                    {s.pipeline}:{s.stage}
                  </a>{' '}
                  <StatusBadge status={s.status} />{' '}
                  {s.cacheHit ? <span className="badge info">cache hit</span> : null}{' '}
                  <span className="faint small">{formatTime(s.endTime)}</span>
                </div>
              ))}
            </div>
          ) : null}
        </div>
      </div>
      <div className="panel">
        <div className="panel-head">
          <h2>Outputs</h2>
        </div>
        <div className="panel-body" style={{ display: 'grid', gap: 12 }}>
          <div>
            <h3>Model versions</h3>
            {l.modelVersions.length === 0 ? (
              <div className="muted small">
                No registered model came from this run. Register one with{' '}
                <code>cairn.registry.registerModel('name', runId)</code>.
              </div>
            ) : (
              <ul data-testid="lineage-models">
                {l.modelVersions.map((v) => (
                  <li key={`${v.name}-${v.version}`}>
                    <a href={href(path('models', v.name, 'versions', v.version))}>
                      {v.name} v{v.version}
                    </a>{' '}
                    {v.aliases.map((a) => (
                      <span key={a} className="badge alias">
                        @{a}
                      </span>
                    ))}{' '}
                    {v.currentStage !== 'None' ? <StatusBadge status={v.currentStage} /> : null}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div>
            <h3>Child runs ({l.children.length})</h3>
            {l.children.length === 0 ? (
              <div className="muted small">None.</div>
            ) : (
              <>
                <a
                  className="btn small"
                  href={href('/compare', { runs: l.children.slice(0, 100).map((c) => c.runId) })}
                  data-testid="compare-children"
                >
                  Compare children
                </a>
                <table className="data" style={{ marginTop: 8 }}>
                  <thead>
                    <tr>
                      <th>Run</th>
                      <th>Status</th>
                      <th className="num">Metrics</th>
                    </tr>
                  </thead>
                  <tbody>
                    {l.children.slice(0, 200).map((c) => (
                      <tr key={c.runId}>
                        <td>
                          <a href={href(path('runs', c.runId))}>{c.runName || shortId(c.runId)}</a>
                        </td>
                        <td>
                          <StatusBadge status={c.status} />
                        </td>
                        <td className="num small">
                          {Object.entries(c.metrics)
                            .slice(0, 3)
                            .map(([k, v]) => `${k} ${formatNumber(v)}`)
                            .join(' · ')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </div>
        </div>
      </div>
    </div>
  )
}
