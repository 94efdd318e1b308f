import { Component, type ReactNode } from 'react'
import { Layout } from './components/layout.js'
import { NotFoundPage } from './components/states.js'
import { ComparePage } from './pages/compare-page.js'
import { DatasetPage } from './pages/data/dataset-page.js'
import { DatasetsPage } from './pages/data/datasets-page.js'
import { ExperimentsPage } from './pages/experiments-page.js'
import { HomePage } from './pages/home-page.js'
import { ModelPage } from './pages/models/model-page.js'
import { ModelVersionPage } from './pages/models/model-version-page.js'
import { ModelsPage } from './pages/models/models-page.js'
import { MonitorPage } from './pages/monitoring/monitor-page.js'
import { MonitorsPage } from './pages/monitoring/monitors-page.js'
import { PipelinesPage } from './pages/pipelines/pipelines-page.js'
import { PlaygroundPage } from './pages/playground-page.js'
import { RunPage } from './pages/run/run-page.js'
import { RunsPage } from './pages/runs/runs-page.js'
import { useRoute } from './router.js'

function Page() {
  const { segments } = useRoute()
  const [a, b, c, d] = segments
  if (a === undefined) return <HomePage />
  if (a === 'experiments' && b === undefined) return <ExperimentsPage />
  if (a === 'experiments' && b !== undefined && c === undefined) return <RunsPage key={b} experimentId={b} />
  if (a === 'runs' && b !== undefined) return <RunPage key={b} runId={b} />
  if (a === 'compare') return <ComparePage />
  if (a === 'models' && b === undefined) return <ModelsPage />
  if (a === 'models' && b !== undefined && c === undefined) return <ModelPage key={b} name={b} />
  if (a === 'models' && b !== undefined && c === 'versions' && d !== undefined)
    return <ModelVersionPage key={`${b}/${d}`} name={b} version={d} />
  if (a === 'data' && b === undefined) return <DatasetsPage />
  if (a === 'data' && b !== undefined) return <DatasetPage key={b} name={b} />
  if (a === 'pipelines') return <PipelinesPage />
  if (a === 'monitoring' && b === undefined) return <MonitorsPage />
  if (a === 'monitoring' && b !== undefined) return <MonitorPage key={b} name={b} />
  if (a === 'playground') return <PlaygroundPage />
  return <NotFoundPage title="There is no page here" back={<a href="#/">Go to the overview</a>} />
}

/** Shows a message instead of a blank screen when a page throws while rendering. */
class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null }

  static getDerivedStateFromError(error: Error) {
    return { error }
  }

  override componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null })
  }

  override render() {
    if (!this.state.error) return this.props.children
    return (
      <div className="page">
        <div className="error-box" role="alert">
          <span className="code">UI_ERROR</span>
          <span>This page failed to draw: {this.state.error.message}</span>
          <span className="hint">
            Reload the page; if it happens again, the browser console has the details.
          </span>
        </div>
      </div>
    )
  }
}

export function App() {
  const route = useRoute()
  return (
    <Layout>
      <ErrorBoundary resetKey={route.path}>
        <Page />
      </ErrorBoundary>
    </Layout>
  )
}
