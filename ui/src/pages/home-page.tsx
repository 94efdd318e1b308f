import { api } from '../api/client.js'
import type { Overview } from '../api/types.js'
import { useApi } from '../api/use-api.js'
import { formatAgo } from '../components/format.js'
import { PageHead } from '../components/layout.js'
import { ErrorBox, Loading, StatusBadge } from '../components/states.js'
import { href, path } from '../router.js'

interface RecentRun {
  runId: string
  runName: string
  experimentId: string
  status: string
  startTime: number
  endTime: number | null
}

const CARDS: { key: keyof Overview; label: string; href: string }[] = [
  { key: 'experiments', label: 'Experiments', href: '#/experiments' },
  { key: 'runs', label: 'Runs', href: '#/experiments' },
  { key: 'models', label: 'Registered models', href: '#/models' },
  { key: 'datasets', label: 'Datasets', href: '#/data' },
  { key: 'pipelineRuns', label: 'Pipeline runs', href: '#/pipelines' },
  { key: 'monitors', label: 'Monitors', href: '#/monitoring' },
]

const STEPS = [
  {
    title: 'Log a run',
    command: 'npx cairn demo',
    text: 'Fill this server with a sample experiment, model and runs.',
  },
  {
    title: 'Track training from TypeScript',
    command: `import { Cairn } from 'cairn'\nconst cairn = await Cairn.open({ trackingUri: '${window.location.origin}' })\nawait cairn.tracking.withRun({ experiment: 'housing' }, async (run) => {\n  await run.logParams({ maxDepth: 6 })\n  run.logMetric('rmse', 48210.5, { step: 3 })\n})`,
  },
  { title: 'Version a dataset', command: 'cairn data ingest data/raw.csv --name housing' },
  { title: 'Run the pipeline', command: 'cairn run' },
]

export function HomePage() {
  const overview = useApi((signal) => api<Overview>('/overview', { signal }), [])
  const recent = useApi(
    (signal) => api<{ items: RecentRun[] }>('/runs/recent', { signal, query: { limit: 8 } }),
    [],
  )
  const o = overview.data
  return (
    <div className="page">
      <PageHead
        title="Overview"
        subtitle="Everything this Cairn server holds: runs, models, data, pipelines and monitors."
      />
      {overview.error ? <ErrorBox error={overview.error} /> : null}
      {!o && overview.loading ? <Loading /> : null}
      {o ? (
        <div className="grid-cards">
          {CARDS.map((c) => (
            <a key={c.key} href={c.href} className="panel stat-card" data-testid={`stat-${c.key}`}>
              <span className="n">{o[c.key].toLocaleString()}</span>
              <span className="label">{c.label}</span>
            </a>
          ))}
          <a href="#/monitoring" className="panel stat-card" data-testid="stat-alerts">
            <span className="n" style={{ color: o.firingAlerts > 0 ? 'var(--bad)' : undefined }}>
              {o.firingAlerts}
            </span>
            <span className="label">Alerts firing</span>
          </a>
        </div>
      ) : null}
      {o && o.runs === 0 ? (
        <div className="panel">
          <div className="panel-head">
            <h2>Get started</h2>
          </div>
          <div className="panel-body" style={{ display: 'grid', gap: 14 }}>
            {STEPS.map((s) => (
              <div key={s.title} className="field">
                <span>{s.title}</span>
                {s.text ? <span className="help">{s.text}</span> : null}
                <pre>
                  <code>{s.command}</code>
                </pre>
              </div>
            ))}
          </div>
        </div>
      ) : null}
      {recent.data && recent.data.items.length > 0 ? (
        <div className="panel">
          <div className="panel-head">
            <h2>Recent runs</h2>
          </div>
          <div className="panel-body flush">
            <table className="data">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Status</th>
                  <th>Started</th>
                  <th>Experiment</th>
                </tr>
              </thead>
              <tbody>
                {recent.data.items.map((r) => (
                  <tr key={r.runId}>
                    <td>
                      <a href={href(path('runs', r.runId))}>{r.runName || r.runId}</a>
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td className="muted">{formatAgo(r.startTime)}</td>
                    <td>
                      <a href={href(path('experiments', r.experimentId))}>#{r.experimentId}</a>
                    </td>
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
