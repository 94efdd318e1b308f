import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type RunningServer, startServer } from './create-server.js'

// The `mlflow` npm package (2.0.7): an independent MLflow REST client, used here as a user would.
// biome-ignore lint/suspicious/noExplicitAny: the package returns untyped JSON; tests read it freely
type Call = (args?: Record<string, unknown>) => Promise<Record<string, any>>
interface MlflowClient {
  Experiments: Record<'create' | 'get' | 'list' | 'update' | 'delete' | 'restore' | 'setExperimentTag', Call>
  Runs: Record<
    | 'create'
    | 'get'
    | 'update'
    | 'logMetric'
    | 'logParameter'
    | 'logBatch'
    | 'setTag'
    | 'deleteTag'
    | 'search'
    | 'delete'
    | 'restore',
    Call
  >
  Metrics: Record<'getHistory', Call>
  Artifacts: Record<'list', Call>
}
const MLflow = createRequire(import.meta.url)('mlflow') as new (args: { endpoint: string }) => MlflowClient

/** The client throws `Error(JSON.stringify({status, statusText, data}))`, wrapped once more; dig it out. */
async function failure(
  promise: Promise<unknown>,
): Promise<{ status: number; data: { error_code: string; message: string } }> {
  try {
    await promise
  } catch (err) {
    const text = (err as Error).message.replace(/^Error: /, '')
    return JSON.parse(text)
  }
  throw new Error('expected the call to fail')
}

const sortedKeys = (o: object) => Object.keys(o).sort()

describe('the mlflow npm client against cairn server', () => {
  let dir: string
  let server: RunningServer
  let client: MlflowClient
  let experimentId: string
  let runId: string

  beforeAll(async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {}) // the client prints every request body
    dir = await mkdtemp(join(tmpdir(), 'cairn-mlflow-'))
    server = await startServer({
      backendStoreUri: `sqlite:///${join(dir, 'mlflow.db')}`,
      artifactsDestination: join(dir, 'artifacts'),
      cwd: dir,
      port: 0,
    })
    client = new MLflow({ endpoint: server.url })
  })
  afterAll(async () => {
    await server?.close()
    await rm(dir, { recursive: true, force: true })
    vi.restoreAllMocks()
  })

  it('creates and gets an experiment', async () => {
    const created = await client.Experiments.create({ name: 'housing' })
    expect(sortedKeys(created)).toEqual(['experiment_id'])
    experimentId = created.experiment_id
    expect(experimentId).toMatch(/^\d+$/)
    const { experiment } = await client.Experiments.get({ experiment_id: experimentId })
    expect(experiment).toEqual({
      experiment_id: experimentId,
      name: 'housing',
      artifact_location: `mlflow-artifacts:/${experimentId}`,
      lifecycle_stage: 'active',
      creation_time: expect.any(Number),
      last_update_time: expect.any(Number),
    })
    expect(
      await client.Experiments.update({ experiment_id: experimentId, new_name: 'housing-prices' }),
    ).toEqual({})
    const again = await client.Experiments.get({ experiment_id: experimentId })
    expect(again.experiment.name).toBe('housing-prices')
  })

  it('creates a run', async () => {
    const startTime = Date.now()
    const { run } = await client.Runs.create({
      experiment_id: experimentId,
      start_time: startTime,
      user_id: 'ana',
      tags: [{ key: 'mlflow.runName', value: 'gbdt-1' }],
    })
    runId = run.info.run_id
    expect(run).toEqual({
      info: {
        run_id: runId,
        run_uuid: runId,
        run_name: 'gbdt-1',
        experiment_id: experimentId,
        user_id: 'ana',
        status: 'RUNNING',
        start_time: startTime,
        artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
        lifecycle_stage: 'active',
      },
      data: { tags: [{ key: 'mlflow.runName', value: 'gbdt-1' }] },
      inputs: {},
    })
  })

  it('logs params, metrics and a batch, and sets tags', async () => {
    expect(await client.Runs.logParameter({ run_id: runId, key: 'max_depth', value: '6' })).toEqual({})
    expect(
      await client.Runs.logMetric({ run_id: runId, key: 'rmse', value: 0.9, timestamp: 1000, step: 0 }),
    ).toEqual({})
    expect(
      await client.Runs.logBatch({
        run_id: runId,
        metrics: [
          { key: 'rmse', value: 0.7, timestamp: 1001, step: 1 },
          { key: 'rmse', value: 0.5, timestamp: 1002, step: 2 },
          { key: 'mae', value: 0.4, timestamp: 1002, step: 2 },
        ],
        params: [{ key: 'learning_rate', value: '0.1' }],
        tags: [{ key: 'team', value: 'ml' }],
      }),
    ).toEqual({})
    expect(await client.Runs.setTag({ run_id: runId, key: 'stage', value: 'dev' })).toEqual({})
    const history = await client.Metrics.getHistory({ run_id: runId, metric_key: 'rmse' })
    expect(history).toEqual({
      metrics: [
        { key: 'rmse', value: 0.9, timestamp: 1000, step: 0 },
        { key: 'rmse', value: 0.7, timestamp: 1001, step: 1 },
        { key: 'rmse', value: 0.5, timestamp: 1002, step: 2 },
      ],
    })
  })

  it('gets the run with its latest metrics, params and tags', async () => {
    const { run } = await client.Runs.get({ run_id: runId })
    expect(sortedKeys(run)).toEqual(['data', 'info', 'inputs'])
    const byKey = (a: Array<{ key: string }>) => [...a].sort((x, y) => x.key.localeCompare(y.key))
    expect(byKey(run.data.metrics)).toEqual([
      { key: 'mae', value: 0.4, timestamp: 1002, step: 2 },
      { key: 'rmse', value: 0.5, timestamp: 1002, step: 2 },
    ])
    expect(byKey(run.data.params)).toEqual([
      { key: 'learning_rate', value: '0.1' },
      { key: 'max_depth', value: '6' },
    ])
    expect(byKey(run.data.tags)).toEqual([
      { key: 'mlflow.runName', value: 'gbdt-1' },
      { key: 'stage', value: 'dev' },
      { key: 'team', value: 'ml' },
    ])
  })

  it('searches runs with a filter and order', async () => {
    const other = await client.Runs.create({
      experiment_id: experimentId,
      tags: [{ key: 'team', value: 'data' }],
    })
    await client.Runs.logMetric({
      run_id: other.run.info.run_id,
      key: 'rmse',
      value: 2,
      timestamp: 1,
      step: 0,
    })
    const found = await client.Runs.search({
      experiment_ids: [experimentId],
      filter: "metrics.rmse < 1 and tags.team = 'ml'",
      run_view_type: 'ACTIVE_ONLY',
      max_results: 10,
    })
    expect(sortedKeys(found)).toEqual(['runs'])
    expect(found.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([runId])
    const ordered = await client.Runs.search({
      experiment_ids: [experimentId],
      order_by: ['metrics.rmse DESC'],
    })
    expect(ordered.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([
      other.run.info.run_id,
      runId,
    ])
    const paged = await client.Runs.search({
      experiment_ids: [experimentId],
      max_results: 1,
      order_by: ['metrics.rmse ASC'],
    })
    expect(paged.runs).toHaveLength(1)
    expect(typeof paged.next_page_token).toBe('string')
    const rest = await client.Runs.search({
      experiment_ids: [experimentId],
      max_results: 1,
      order_by: ['metrics.rmse ASC'],
      page_token: paged.next_page_token,
    })
    expect(rest.runs[0].info.run_id).toBe(other.run.info.run_id)
    expect(
      await client.Runs.search({ experiment_ids: [experimentId], filter: "params.max_depth = '7'" }),
    ).toEqual({})
  })

  it('updates the run status', async () => {
    const endTime = Date.now()
    const { run_info } = await client.Runs.update({ run_id: runId, status: 'FINISHED', end_time: endTime })
    expect(run_info).toMatchObject({
      run_id: runId,
      status: 'FINISHED',
      end_time: endTime,
      lifecycle_stage: 'active',
    })
    expect((await client.Runs.get({ run_id: runId })).run.info.status).toBe('FINISHED')
  })

  it('lists run artifacts', async () => {
    await server.app.cairn.tracking.logArtifact(runId, 'model/manifest.json', '{}')
    const listing = await client.Artifacts.list({ run_id: runId })
    expect(listing).toEqual({
      root_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
      files: [{ path: 'model', is_dir: true }],
    })
  })

  it('gets MLflow error codes and statuses', async () => {
    const missing = await failure(client.Runs.get({ run_id: '0123456789abcdef0123456789abcdef' }))
    expect(missing.status).toBe(404)
    expect(missing.data.error_code).toBe('RESOURCE_DOES_NOT_EXIST')
    const changed = await failure(client.Runs.logParameter({ run_id: runId, key: 'max_depth', value: '7' }))
    expect(changed.status).toBe(400)
    expect(changed.data.error_code).toBe('INVALID_PARAMETER_VALUE')
    const dup = await failure(client.Experiments.create({ name: 'housing-prices' }))
    expect(dup).toMatchObject({ status: 400, data: { error_code: 'RESOURCE_ALREADY_EXISTS' } })
    const badFilter = await failure(
      client.Runs.search({ experiment_ids: [experimentId], filter: 'metrics.rmse <' }),
    )
    expect(badFilter).toMatchObject({ status: 400, data: { error_code: 'INVALID_PARAMETER_VALUE' } })
    expect(badFilter.data.message).toContain('at the end')
  })

  // Two methods of mlflow@2.0.7 call endpoints MLflow itself does not serve. Cairn answers them
  // as MLflow 2.x does (404 ENDPOINT_NOT_FOUND) rather than pretending they exist.
  it('Experiments.list calls GET experiments/list, which MLflow 2.0 removed (use experiments/search)', async () => {
    const err = await failure(client.Experiments.list())
    expect(err).toMatchObject({ status: 404, data: { error_code: 'ENDPOINT_NOT_FOUND' } })
    expect(err.data.message).toContain('/api/2.0/mlflow/experiments/list')
    const res = await fetch(`${server.url}/api/2.0/mlflow/experiments/search?max_results=10`)
    expect(
      ((await res.json()) as { experiments: Array<{ name: string }> }).experiments.map(
        (e: { name: string }) => e.name,
      ),
    ).toContain('housing-prices')
  })

  it('Experiments.setExperimentTag misspells its path (experimentsset-experiment-tag, no slash)', async () => {
    const err = await failure(
      client.Experiments.setExperimentTag({ experiment_id: experimentId, key: 'k', value: 'v' }),
    )
    expect(err).toMatchObject({ status: 404, data: { error_code: 'ENDPOINT_NOT_FOUND' } })
    expect(err.data.message).toContain('/api/2.0/mlflow/experimentsset-experiment-tag')
    const res = await fetch(`${server.url}/api/2.0/mlflow/experiments/set-experiment-tag`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_id: experimentId, key: 'k', value: 'v' }),
    })
    expect(res.status).toBe(200)
    expect((await client.Experiments.get({ experiment_id: experimentId })).experiment.tags).toEqual([
      { key: 'k', value: 'v' },
    ])
  })
})
