import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SeededProject, seedProject } from '../../../../test/ui/seed.js'
import { definePipeline } from '../../../pipelines/index.js'
import { createServer } from '../../create-server.js'
import type { MetricSeries } from './run-views.js'

describe('native API for the web UI', () => {
  let seeded: SeededProject
  let app: FastifyInstance
  let emptyUi: string

  beforeAll(async () => {
    seeded = await seedProject()
    emptyUi = await mkdtemp(join(tmpdir(), 'cairn-no-ui-'))
    app = await createServer({
      cwd: seeded.dir,
      backendStoreUri: seeded.trackingUri,
      artifactsDestination: seeded.artifactsUri,
      uiDir: emptyUi,
      docs: false,
    })
  })

  afterAll(async () => {
    await app?.close()
    if (seeded) await rm(seeded.dir, { recursive: true, force: true })
    if (emptyUi) await rm(emptyUi, { recursive: true, force: true })
  })

  const get = async (url: string) => {
    const r = await app.inject({ method: 'GET', url })
    return { status: r.statusCode, body: r.json() }
  }
  const post = async (url: string, payload: unknown) => {
    const r = await app.inject({ method: 'POST', url, payload: payload as object })
    return { status: r.statusCode, body: r.json() }
  }

  describe('metric series', () => {
    it('downsamples 20,000 steps in SQL to bucket means with their min and max', async () => {
      const { status, body } = await post('/api/v1/runs/metric-series', {
        runIds: [seeded.runs.long],
        keys: ['train_loss'],
        maxPoints: 500,
      })
      expect(status).toBe(200)
      const s = body.series[0] as MetricSeries
      expect(s.total).toBe(20_000)
      expect(s.downsampled).toBe(true)
      expect(s.xs.length).toBeLessThanOrEqual(500)
      expect(s.xs.length).toBeGreaterThan(450)
      // each bucket's mean is the mean of the raw values in it
      const history = await get(
        `/api/v1/runs/${seeded.runs.long}/metric-history?key=train_loss&maxResults=25000`,
      )
      const raw = history.body.items as { step: number; value: number }[]
      const width = s.xs[1]! - s.xs[0]!
      for (const b of [0, 17, s.xs.length - 1]) {
        const inBucket = raw
          .filter((m) => m.step >= s.xs[b]! && m.step < s.xs[b]! + width)
          .map((m) => m.value)
        const mean = inBucket.reduce((a, v) => a + v, 0) / inBucket.length
        expect(s.ys[b]).toBeCloseTo(mean, 9)
        expect(s.mins?.[b]).toBe(Math.min(...inBucket))
        expect(s.maxs?.[b]).toBe(Math.max(...inBucket))
      }
      for (let i = 1; i < s.xs.length; i++) expect(s.xs[i]).toBeGreaterThan(s.xs[i - 1]!)
    })

    it('returns the raw values of a zoomed range when they fit', async () => {
      const { body } = await post('/api/v1/runs/metric-series', {
        runIds: [seeded.runs.long],
        keys: ['train_loss'],
        maxPoints: 1000,
        from: 1000,
        to: 1499,
      })
      const s = body.series[0] as MetricSeries
      expect(s.total).toBe(500)
      expect(s.downsampled).toBe(false)
      expect(s.xs[0]).toBe(1000)
      expect(s.xs.at(-1)).toBe(1499)
      expect(s.mins).toBeUndefined()
    })

    it('serves several runs and keys at once, by time as well as by step', async () => {
      const { body } = await post('/api/v1/runs/metric-series', {
        runIds: [seeded.runs.best, seeded.runs.second],
        keys: ['val_rmse', 'rmse'],
        x: 'time',
      })
      expect(body.series).toHaveLength(4)
      const val = body.series.find((s: MetricSeries) => s.key === 'val_rmse') as MetricSeries
      expect(val.x).toBe('time')
      expect(val.total).toBe(150)
      expect(val.xs[1]! - val.xs[0]!).toBe(50)
    })

    it('refuses unknown runs and malformed requests with codes', async () => {
      const missing = await post('/api/v1/runs/metric-series', { runIds: ['nope'], keys: ['x'] })
      expect(missing.status).toBe(404)
      expect(missing.body.error.code).toBe('CAIRN_RUN_NOT_FOUND')
      const bad = await post('/api/v1/runs/metric-series', { runIds: [], keys: ['x'] })
      expect(bad.status).toBe(400)
      expect(bad.body.error.code).toBe('CAIRN_INVALID_ARGUMENT')
      const range = await post('/api/v1/runs/metric-series', {
        runIds: [seeded.runs.best],
        keys: ['x'],
        from: 'a',
      })
      expect(range.body.error.code).toBe('CAIRN_INVALID_ARGUMENT')
    })
  })

  it('lists the param, metric and tag keys of an experiment (table columns)', async () => {
    const { body } = await post('/api/v1/runs/columns', { experimentIds: [seeded.experiments.housing] })
    expect(body.metrics).toEqual(['mae', 'r2', 'rmse', 'train_loss', 'val_rmse'])
    expect(body.params).toContain('max_depth')
    expect(body.tags).toContain('team')
  })

  it('counts runs per experiment and everything on the overview', async () => {
    const stats = await get('/api/v1/experiments/stats')
    const housing = stats.body.items.find(
      (s: { experimentId: string }) => s.experimentId === seeded.experiments.housing,
    )
    expect(housing.runs).toBe(6)
    const overview = await get('/api/v1/overview')
    expect(overview.body).toMatchObject({ runs: 32, models: 2, datasets: 2, monitors: 1, firingAlerts: 2 })
    expect(overview.body.pipelineRuns).toBe(3)
  })

  it("gives a run's lineage: datasets in, model versions out, git commit, parent and children", async () => {
    const best = await get(`/api/v1/runs/${seeded.runs.best}/lineage`)
    expect(best.body.datasets[0].dataset.name).toBe('housing')
    expect(best.body.modelVersions).toEqual([
      expect.objectContaining({ name: 'housing', version: 3, aliases: ['challenger'] }),
    ])
    expect(best.body.git.commit).toBe('3f2c9e1a7b4d5e6f8091a2b3c4d5e6f708192a3b')
    const parent = await get(`/api/v1/runs/${seeded.runs.sweepParent}/lineage`)
    expect(parent.body.children).toHaveLength(24)
    const child = await get(`/api/v1/runs/${seeded.runs.sweepChildren[0]}/lineage`)
    expect(child.body.parent.runId).toBe(seeded.runs.sweepParent)
  })

  describe('artifact previews', () => {
    const preview = (path: string) =>
      get(`/api/v1/runs/${seeded.runs.best}/artifact-preview?path=${encodeURIComponent(path)}`)

    it('previews JSON, CSV heads, text, images and model bundles', async () => {
      expect((await preview('metrics.json')).body).toMatchObject({ kind: 'json', json: { rmse: 46_120 } })
      const csv = (await preview('predictions/sample.csv')).body
      expect(csv.kind).toBe('csv')
      expect(csv.header).toEqual(['row', 'actual', 'predicted'])
      expect(csv.rows).toHaveLength(40)
      expect((await preview('notes/summary.md')).body).toMatchObject({ kind: 'text', truncated: false })
      expect((await preview('plots/residuals.png')).body).toMatchObject({
        kind: 'image',
        contentType: 'image/png',
      })
      const model = (await preview('model')).body
      expect(model.kind).toBe('model')
      expect(model.manifest.signature.inputs.map((i: { name: string }) => i.name)).toContain('median_income')
      expect(model.files.map((f: { path: string }) => f.path)).toEqual([
        'model/manifest.json',
        'model/weights.bin',
      ])
      const version = await get('/api/v1/models/housing/versions/2/artifact-preview?path=')
      expect(version.body.kind).toBe('model')
    })

    it('says which artifact is missing, and refuses paths outside the run', async () => {
      const missing = await preview('reports/nope.html')
      expect(missing.status).toBe(404)
      expect(missing.body.error.code).toBe('CAIRN_ARTIFACT_NOT_FOUND')
      const outside = await preview('../../secrets.txt')
      expect(outside.status).toBe(400)
      expect(outside.body.error.code).toBe('CAIRN_INVALID_ARTIFACT_PATH')
      const folder = await preview('notes')
      expect(folder.body.error.code).toBe('CAIRN_INVALID_ARGUMENT')
    })
  })

  describe('datasets', () => {
    it('lists datasets and versions, and shows a version with its profile and validation', async () => {
      const list = await get('/api/v1/datasets')
      expect(list.body.items.map((d: { name: string }) => d.name)).toEqual(['housing', 'housing.quarantine'])
      const versions = await get('/api/v1/datasets/housing/versions')
      expect(versions.body.items).toHaveLength(2)
      expect(versions.body.items[0].profile).toBeUndefined()
      expect(versions.body.items[0].hasProfile).toBe(true)
      const latest = await get('/api/v1/datasets/housing/versions/latest')
      expect(latest.body.seq).toBe(2)
      expect(latest.body.profile.columns.map((c: { name: string }) => c.name)).toContain('median_income')
      expect(latest.body.validation).toMatchObject({ policy: 'quarantine', quarantinedRowCount: 21 })
    })

    it('pages through rows, including the rows a validation quarantined', async () => {
      const page = await get('/api/v1/datasets/housing/versions/latest/rows?limit=10&offset=5')
      expect(page.body.rows).toHaveLength(10)
      expect(page.body.offset).toBe(5)
      expect(page.body.total).toBe(1979)
      const latest = await get('/api/v1/datasets/housing/versions/latest')
      const [name, version] = (latest.body.validation.quarantine as string).split('@')
      const failing = await get(`/api/v1/datasets/${name}/versions/${version}/rows?limit=100`)
      expect(failing.body.total).toBe(21)
      const failedCol = failing.body.columns.findIndex((c: { name: string }) => c.name === '_cairn_failed')
      expect(failing.body.rows[0][failedCol]).toContain('median_income')
    })

    it('answers unknown datasets with CAIRN_DATASET_NOT_FOUND', async () => {
      const r = await get('/api/v1/datasets/nope/versions')
      expect(r.status).toBe(404)
      expect(r.body.error.code).toBe('CAIRN_DATASET_NOT_FOUND')
    })
  })

  describe('pipelines', () => {
    it("draws the project's stage graph with each stage's last status and cache hit", async () => {
      const { body } = await get('/api/v1/pipelines')
      expect(body.error).toBeNull()
      const p = body.pipelines[0]
      expect(p.name).toBe('default')
      expect(p.stages.map((s: { id: string }) => s.id)).toEqual(['prepare', 'featurize', 'train', 'evaluate'])
      const train = p.stages.find((s: { id: string }) => s.id === 'train')
      expect(train.upstream).toEqual(['featurize'])
      expect(train.last).toMatchObject({ status: 'cached', cacheHit: true })
      const runs = await get('/api/v1/pipelines/runs?pipeline=default')
      expect(runs.body.items).toHaveLength(3)
      const first = runs.body.items.at(-1)
      const detail = await get(`/api/v1/pipelines/runs/${first.runId}`)
      expect(detail.body.stages).toHaveLength(4)
      const trainRun = detail.body.stages.find((s: { stage: string }) => s.stage === 'train')
      const log = await get(`/api/v1/pipelines/stage-runs/${trainRun.stageRunId}/log`)
      expect(log.body.text).toContain('epoch 2 loss 0.31')
    })

    it('runs a pipeline from the API and reports it live; refuses unknown pipelines', async () => {
      await writeFile(
        join(seeded.dir, 'params.yaml'),
        'prepare:\n  split: 0.2\ntrain:\n  lr: 0.02\n  epochs: 2\n',
      )
      const start = await app.inject({ method: 'POST', url: '/api/v1/pipelines/default/run', payload: {} })
      expect(start.statusCode).toBe(202)
      const id = start.json().id as string
      let live = start.json()
      for (let i = 0; i < 200 && !live.endedAt; i++) {
        await new Promise((r) => setTimeout(r, 100))
        live = (await get(`/api/v1/pipelines/live/${id}`)).body
      }
      expect(live.ok).toBe(true)
      expect(live.summary).toEqual(
        expect.arrayContaining([
          { stage: 'train', status: 'ran' },
          { stage: 'prepare', status: 'up-to-date' },
        ]),
      )
      const runs = await get('/api/v1/pipelines/runs?pipeline=default')
      expect(runs.body.items[0].runId).toBe(live.runId)
      expect(runs.body.items[0].trigger).toBe('api')
      const unknown = await app.inject({ method: 'POST', url: '/api/v1/pipelines/nightly/run', payload: {} })
      expect(unknown.statusCode).toBe(404)
      expect(unknown.json().error.code).toBe('CAIRN_PIPELINE_NOT_FOUND')
    })

    it('runs a pipeline defined in code, resolving data: deps through its stores; without it, draws it from cairn.lock', async () => {
      const write = async (path: string, text: string) => {
        await mkdir(dirname(path), { recursive: true })
        await writeFile(path, text)
      }
      const scoring = definePipeline({
        stages: {
          snapshot: {
            run: async (c) => {
              const v = c.external['data:housing@latest']
              await write(c.path('scores/input.json'), JSON.stringify({ version: v?.version }))
            },
            deps: ['data:housing@latest'],
            outs: ['scores/input.json'],
          },
          summarize: {
            run: async (c) =>
              write(c.path('scores/summary.json'), await readFile(c.path('scores/input.json'), 'utf8')),
            deps: ['scores/input.json'],
            outs: ['scores/summary.json'],
          },
        },
      })
      const withCode = await createServer({
        cwd: seeded.dir,
        metadata: app.cairn.metadata,
        artifacts: app.cairn.artifacts,
        uiDir: emptyUi,
        docs: false,
        pipelines: { scoring },
      })
      try {
        const defined = (await withCode.inject({ method: 'GET', url: '/api/v1/pipelines' })).json()
        const p = defined.pipelines.find((x: { name: string }) => x.name === 'scoring')
        expect(p.defined).toBe(true)
        expect(p.stages.find((x: { name: string }) => x.name === 'summarize').upstream).toHaveLength(1)
        const start = await withCode.inject({
          method: 'POST',
          url: '/api/v1/pipelines/scoring/run',
          payload: {},
        })
        expect(start.statusCode).toBe(202)
        let live = start.json()
        for (let i = 0; i < 200 && !live.endedAt; i++) {
          await new Promise((r) => setTimeout(r, 100))
          live = (await withCode.inject({ method: 'GET', url: `/api/v1/pipelines/live/${live.id}` })).json()
        }
        expect(live.error).toBeNull()
        expect(live.ok).toBe(true)
      } finally {
        await withCode.close()
      }
      const latest = (await get('/api/v1/datasets/housing/versions/latest')).body
      const written = JSON.parse(await readFile(join(seeded.dir, 'scores', 'summary.json'), 'utf8'))
      expect(written.version).toBe(latest.version)

      // the project's own server does not know the pipeline: cairn.lock gives its graph
      const { body } = await get('/api/v1/pipelines')
      const recorded = body.pipelines.find((x: { name: string }) => x.name === 'scoring')
      expect(recorded.defined).toBe(false)
      expect(recorded.stages.map((x: { id: string }) => x.id)).toEqual(['snapshot', 'summarize'])
      expect(recorded.stages[0].deps).toEqual(['data:housing@latest'])
      expect(recorded.stages[1].upstream).toEqual(['snapshot'])
      expect(recorded.stages[1].last.status).toBe('succeeded')
    })
  })

  describe('monitoring', () => {
    it('lists monitors, their windows, series, full results and alerts', async () => {
      const list = await get('/api/v1/monitors')
      expect(list.body.items[0]).toMatchObject({ name: 'churn', model: 'churn' })
      expect(list.body.items[0].lastRun.datasetDrift).toBe(true)
      const detail = await get('/api/v1/monitors/churn')
      expect(detail.body.runs).toHaveLength(10)
      expect(detail.body.runs.map((r: { label: string }) => r.label)).toEqual(
        Array.from({ length: 10 }, (_, h) => `hour ${h}`),
      )
      expect(detail.body.alerts.filter((a: { state: string }) => a.state === 'firing')).toHaveLength(2)
      expect(detail.body.events.length).toBeGreaterThan(0)
      const drift = await get('/api/v1/monitors/churn/series?kind=drift')
      expect(new Set(drift.body.items.map((p: { name: string }) => p.name))).toEqual(
        new Set(['age', 'income', 'visits', 'tenure', 'plan', 'region']),
      )
      const last = detail.body.runs.at(-1)
      const result = await get(`/api/v1/monitors/churn/results/${last.runId}`)
      const age = result.body.drift.columns.find((c: { column: string }) => c.column === 'age')
      expect(age.drifted).toBe(true)
      expect(age.distribution.reference.length).toBe(age.distribution.edges.length - 1)
      expect(result.body.performance.metrics.accuracy).toBeLessThan(0.65)
      const alerts = await get('/api/v1/alerts?monitor=churn')
      expect(alerts.body.events.length).toBe(detail.body.events.length)
    })

    it('answers unknown monitors and series kinds with codes', async () => {
      const m = await get('/api/v1/monitors/nope')
      expect(m.status).toBe(404)
      expect(m.body.error.code).toBe('CAIRN_MONITOR_NOT_FOUND')
      const k = await get('/api/v1/monitors/churn/series?kind=vibes')
      expect(k.status).toBe(400)
      expect(k.body.error.code).toBe('CAIRN_INVALID_ARGUMENT')
    })
  })

  describe('prediction playground', () => {
    it("shows a registered version's signature and predicts a row and a batch", async () => {
      const model = await get(
        `/api/v1/playground/model?uri=${encodeURIComponent('models:/housing@champion')}`,
      )
      expect(model.body).toMatchObject({ name: 'housing', version: '2', task: 'regression' })
      const income = model.body.signature.inputs.find((i: { name: string }) => i.name === 'median_income')
      expect(income).toMatchObject({ min: 0, max: 15 })
      const row = {
        median_income: 8.3,
        housing_median_age: 41,
        total_rooms: 880,
        ocean_proximity: 'NEAR BAY',
      }
      const one = await post('/api/v1/playground/predict', { model: 'models:/housing@champion', row })
      expect(one.status).toBe(200)
      expect(one.body.predictions[0].prediction).toBeGreaterThan(100_000)
      expect(one.body.latencyMs).toBeGreaterThanOrEqual(0)
      const batch = await post('/api/v1/playground/predict', {
        model: 'models:/churn@production',
        rows: [
          { tenure: 2, charges: 110, plan: 'team' },
          { tenure: 70, charges: 20, plan: 'basic' },
        ],
      })
      expect(batch.body.predictions.map((p: { prediction: string }) => p.prediction)).toEqual(['yes', 'no'])
      expect(batch.body.predictions[0].probabilities.yes).toBeGreaterThan(0.5)
    })

    it('reports every bad field with a code, and bad model URIs', async () => {
      const bad = await post('/api/v1/playground/predict', {
        model: 'models:/housing/2',
        row: { median_income: 99, housing_median_age: 'old', total_rooms: null, ocean_proximity: 'MARS' },
      })
      expect(bad.status).toBe(422)
      expect(bad.body.error.code).toBe('CAIRN_VALIDATION_FAILED')
      const codes = bad.body.error.details.issues.map(
        (i: { path: string; code: string }) => `${i.path}:${i.code}`,
      )
      expect(codes).toEqual(
        expect.arrayContaining([
          'median_income:CAIRN_OUT_OF_RANGE',
          'housing_median_age:CAIRN_WRONG_TYPE',
          'ocean_proximity:CAIRN_UNKNOWN_CATEGORY',
        ]),
      )
      const uri = await post('/api/v1/playground/predict', { model: 'housing', row: {} })
      expect(uri.body.error.code).toBe('CAIRN_INVALID_MODEL_URI')
      const missing = await post('/api/v1/playground/predict', { model: 'models:/housing@nope', row: {} })
      expect(missing.status).toBe(404)
    })
  })

  it('says how to build the UI when it was not built, and the API keeps working', async () => {
    const r = await app.inject({ method: 'GET', url: '/' })
    expect(r.statusCode).toBe(503)
    expect(r.headers['content-type']).toContain('text/html')
    expect(r.body).toContain('npm run build:ui')
    const asset = await app.inject({ method: 'GET', url: '/assets/..%2F..%2Fpackage.json' })
    expect(asset.statusCode).toBe(404)
    expect((await get('/health')).status).toBe(200)
  })
})
