import { CairnError } from '../../../core/index.js'
import {
  decodeMetricInput,
  type MetricInput,
  type SearchRunsOptions,
  type ViewType,
} from '../../../tracking/index.js'
import type { RoutePlugin } from '../../context.js'
import { ArtifactUriMapper, experimentJson, metricJson, runInfoJson, runJson } from './convert.js'
import { type Args, int, keyValues, str, strList, strOneOf, toRecord } from './request.js'
import { mlflowRoute } from './route.js'

const tag = 'MLflow tracking' as const
const runIdOf = (a: Args) => strOneOf(a, ['run_id', 'run_uuid'])

function viewType(a: Args, name: string): ViewType | undefined {
  const v = a[name]
  if (v === undefined || v === null || v === '') return undefined
  if (v === 1 || v === '1') return 'ACTIVE_ONLY'
  if (v === 2 || v === '2') return 'DELETED_ONLY'
  if (v === 3 || v === '3') return 'ALL'
  return String(v) as ViewType
}

function metricsOf(a: Args): MetricInput[] | undefined {
  const list = a.metrics
  if (list === undefined || list === null) return undefined
  if (!Array.isArray(list))
    throw new CairnError('CAIRN_INVALID_ARGUMENT', "Invalid value for parameter 'metrics': expected a list")
  return list.map(decodeMetricInput)
}

/** MLflow's tracking REST API: experiments, runs, params, metrics, tags, inputs, run artifact listing. */
export const mlflowTrackingRoutes: RoutePlugin = {
  name: 'mlflow-tracking',
  register(app, ctx) {
    const t = ctx.tracking
    const uris = new ArtifactUriMapper(ctx.artifacts)

    mlflowRoute(app, 'POST', 'experiments/create', { summary: 'Create an experiment', tag }, async (a) => {
      const location = str(a, 'artifact_location')
      const tags = toRecord(keyValues(a, 'tags'))
      const e = await t.createExperiment({
        name: str(a, 'name', true),
        ...(location ? { artifactLocation: uris.fromMlflow(location) } : {}),
        ...(tags ? { tags } : {}),
      })
      return { experiment_id: e.experimentId }
    })
    mlflowRoute(
      app,
      ['GET', 'POST'],
      'experiments/search',
      { summary: 'Search experiments', tag },
      async (a) => {
        const view = viewType(a, 'view_type')
        const filter = str(a, 'filter')
        const orderBy = strList(a, 'order_by')
        const maxResults = int(a, 'max_results')
        const pageToken = str(a, 'page_token')
        const page = await t.searchExperiments({
          ...(filter ? { filter } : {}),
          ...(orderBy ? { orderBy } : {}),
          ...(maxResults !== undefined ? { maxResults } : {}),
          ...(pageToken ? { pageToken } : {}),
          ...(view ? { viewType: view } : {}),
        })
        return {
          experiments: page.items.map((e) => experimentJson(e, uris)),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        }
      },
    )
    mlflowRoute(app, 'GET', 'experiments/get', { summary: 'Get an experiment by id', tag }, async (a) => ({
      experiment: experimentJson(await t.getExperiment(str(a, 'experiment_id', true)), uris),
    }))
    mlflowRoute(
      app,
      'GET',
      'experiments/get-by-name',
      { summary: 'Get an experiment by name', tag },
      async (a) => ({
        experiment: experimentJson(await t.getExperimentByName(str(a, 'experiment_name', true)), uris),
      }),
    )
    mlflowRoute(
      app,
      'POST',
      'experiments/delete',
      { summary: 'Delete an experiment and its runs', tag },
      async (a) => {
        await t.deleteExperiment(str(a, 'experiment_id', true))
      },
    )
    mlflowRoute(
      app,
      'POST',
      'experiments/restore',
      { summary: 'Restore a deleted experiment', tag },
      async (a) => {
        await t.restoreExperiment(str(a, 'experiment_id', true))
      },
    )
    mlflowRoute(app, 'POST', 'experiments/update', { summary: 'Rename an experiment', tag }, async (a) => {
      const name = str(a, 'new_name')
      if (name) await t.renameExperiment(str(a, 'experiment_id', true), name)
      else await t.getExperiment(str(a, 'experiment_id', true))
    })
    mlflowRoute(
      app,
      'POST',
      'experiments/set-experiment-tag',
      { summary: 'Set an experiment tag', tag },
      async (a) => {
        await t.setExperimentTag(str(a, 'experiment_id', true), str(a, 'key', true), str(a, 'value') ?? '')
      },
    )
    mlflowRoute(
      app,
      'POST',
      'experiments/delete-tag',
      { summary: 'Delete an experiment tag', tag },
      async (a) => {
        await t.deleteExperimentTag(str(a, 'experiment_id', true), str(a, 'key', true))
      },
    )

    mlflowRoute(app, 'POST', 'runs/create', { summary: 'Create a run', tag }, async (a) => {
      const tags = toRecord(keyValues(a, 'tags'))
      const runName = str(a, 'run_name')
      const userId = str(a, 'user_id')
      const startTime = int(a, 'start_time')
      const run = await t.createRun({
        experimentId: str(a, 'experiment_id') ?? '0',
        ...(runName ? { runName } : {}),
        ...(userId ? { userId } : {}),
        ...(startTime !== undefined ? { startTime } : {}),
        ...(tags ? { tags } : {}),
      })
      return { run: runJson(run, uris) }
    })
    mlflowRoute(
      app,
      'POST',
      'runs/update',
      { summary: 'Update a run (status, end time, name)', tag },
      async (a) => {
        const status = str(a, 'status')
        const endTime = int(a, 'end_time')
        const runName = str(a, 'run_name')
        const info = await t.updateRun(runIdOf(a), {
          ...(status ? { status: status as never } : {}),
          ...(endTime !== undefined ? { endTime } : {}),
          ...(runName ? { runName } : {}),
        })
        return { run_info: runInfoJson(info, uris) }
      },
    )
    mlflowRoute(app, 'POST', 'runs/delete', { summary: 'Delete a run', tag }, async (a) => {
      await t.deleteRun(runIdOf(a))
    })
    mlflowRoute(app, 'POST', 'runs/restore', { summary: 'Restore a deleted run', tag }, async (a) => {
      await t.restoreRun(runIdOf(a))
    })
    mlflowRoute(app, 'GET', 'runs/get', { summary: 'Get a run with its data', tag }, async (a) => ({
      run: runJson(await t.getRun(runIdOf(a)), uris),
    }))
    mlflowRoute(app, 'POST', 'runs/log-metric', { summary: 'Log one metric value', tag }, async (a) => {
      const m = decodeMetricInput({
        key: str(a, 'key', true),
        value: a.value,
        timestamp: a.timestamp,
        step: a.step,
      })
      if (a.value === undefined || a.value === null)
        throw new CairnError('CAIRN_INVALID_METRIC', "Missing value for required parameter 'value'")
      await t.logMetric(runIdOf(a), m)
    })
    mlflowRoute(app, 'POST', 'runs/log-parameter', { summary: 'Log a param (immutable)', tag }, async (a) => {
      await t.logParam(runIdOf(a), str(a, 'key', true), str(a, 'value') ?? '')
    })
    mlflowRoute(app, 'POST', 'runs/set-tag', { summary: 'Set a run tag', tag }, async (a) => {
      await t.setTag(runIdOf(a), str(a, 'key', true), str(a, 'value') ?? '')
    })
    mlflowRoute(app, 'POST', 'runs/delete-tag', { summary: 'Delete a run tag', tag }, async (a) => {
      await t.deleteTag(runIdOf(a), str(a, 'key', true))
    })
    mlflowRoute(
      app,
      'POST',
      'runs/log-batch',
      { summary: 'Log up to 1000 metrics, 100 params and 100 tags at once (all or nothing)', tag },
      async (a) => {
        const metrics = metricsOf(a)
        const params = keyValues(a, 'params')
        const tags = keyValues(a, 'tags')
        await t.logBatch(runIdOf(a), {
          ...(metrics ? { metrics } : {}),
          ...(params ? { params } : {}),
          ...(tags ? { tags } : {}),
        })
      },
    )
    mlflowRoute(
      app,
      'POST',
      'runs/log-model',
      { summary: "Record a logged model's metadata", tag },
      async (a) => {
        const runId = runIdOf(a)
        const modelJson = str(a, 'model_json', true)
        let parsed: unknown
        try {
          parsed = JSON.parse(modelJson)
        } catch {
          throw new CairnError('CAIRN_INVALID_ARGUMENT', "Parameter 'model_json' is not valid JSON")
        }
        const run = await t.getRun(runId)
        const history = JSON.parse(run.data.tags['mlflow.log-model.history'] ?? '[]') as unknown[]
        history.push(parsed)
        await t.setTag(runId, 'mlflow.log-model.history', JSON.stringify(history))
      },
    )
    mlflowRoute(app, 'POST', 'runs/log-inputs', { summary: 'Log datasets a run used', tag }, async (a) => {
      const datasets = a.datasets
      if (datasets !== undefined && !Array.isArray(datasets))
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          "Invalid value for parameter 'datasets': expected a list",
        )
      await t.logInputs(
        runIdOf(a),
        ((datasets ?? []) as Array<{ tags?: unknown; dataset?: Record<string, unknown> }>).map((d) => ({
          tags: toRecord(keyValues({ tags: d?.tags ?? [] }, 'tags')) ?? {},
          dataset: {
            name: d?.dataset?.name as string,
            digest: d?.dataset?.digest as string,
            sourceType: d?.dataset?.source_type as string,
            source: d?.dataset?.source as string,
            schema: (d?.dataset?.schema as string | undefined) ?? null,
            profile: (d?.dataset?.profile as string | undefined) ?? null,
          },
        })),
      )
    })
    mlflowRoute(
      app,
      'POST',
      'runs/search',
      { summary: 'Search runs with the MLflow filter grammar', tag },
      async (a) => {
        const filter = str(a, 'filter')
        const orderBy = strList(a, 'order_by')
        const maxResults = int(a, 'max_results')
        const pageToken = str(a, 'page_token')
        const view = viewType(a, 'run_view_type')
        const options: SearchRunsOptions = {
          experimentIds: strList(a, 'experiment_ids') ?? [],
          ...(filter ? { filter } : {}),
          ...(orderBy ? { orderBy } : {}),
          ...(maxResults !== undefined ? { maxResults } : {}),
          ...(pageToken ? { pageToken } : {}),
          ...(view ? { viewType: view } : {}),
        }
        if (options.experimentIds.length === 0) return {}
        const page = await t.searchRuns(options)
        return {
          ...(page.items.length ? { runs: page.items.map((r) => runJson(r, uris)) } : {}),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        }
      },
    )
    mlflowRoute(
      app,
      'GET',
      'metrics/get-history',
      { summary: 'Every value logged for one metric', tag },
      async (a) => {
        const maxResults = int(a, 'max_results')
        const pageToken = str(a, 'page_token')
        const page = await t.getMetricHistory(runIdOf(a), str(a, 'metric_key', true), {
          ...(maxResults !== undefined ? { maxResults } : {}),
          ...(pageToken ? { pageToken } : {}),
        })
        return {
          metrics: page.items.map(metricJson),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        }
      },
    )
    mlflowRoute(app, 'GET', 'artifacts/list', { summary: "List a run's artifacts", tag }, async (a) => {
      const runId = runIdOf(a)
      const store = await t.runArtifacts(runId)
      const path = str(a, 'path') ?? ''
      const entries = await store.list(path)
      const run = await t.getRun(runId)
      return {
        root_uri: uris.toMlflow(run.info.artifactUri),
        ...(entries.length
          ? {
              files: entries.map((e) => ({
                path: e.path,
                is_dir: e.isDir,
                ...(e.isDir ? {} : { file_size: e.size ?? 0 }),
              })),
            }
          : {}),
      }
    })
  },
}
