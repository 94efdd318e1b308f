import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CairnError } from '../core/index.js'
import type { TrackingClient } from './tracking-client.js'

/** What a backend gives the contract suite. */
export interface TrackingFixture {
  client: TrackingClient
  cleanup(): Promise<void>
}

let counter = 0
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`

async function expectCode(promise: Promise<unknown>, code: string): Promise<CairnError> {
  try {
    await promise
  } catch (err) {
    expect(err).toBeInstanceOf(CairnError)
    expect((err as CairnError).code).toBe(code)
    return err as CairnError
  }
  throw new Error(`expected ${code}, but the call succeeded`)
}

/** The behaviour every TrackingClient must have; run with one backend per call. */
export function trackingClientContract(backend: string, setup: () => Promise<TrackingFixture>): void {
  describe(`TrackingClient contract: ${backend}`, () => {
    let fx: TrackingFixture
    let t: TrackingClient
    beforeAll(async () => {
      fx = await setup()
      t = fx.client
    })
    afterAll(async () => {
      await fx?.cleanup()
    })

    const newRun = async (tags?: Record<string, string>) => {
      const exp = await t.createExperiment({ name: unique('exp') })
      const run = await t.createRun({ experimentId: exp.experimentId, ...(tags ? { tags } : {}) })
      return { exp, run, runId: run.info.runId }
    }

    describe('experiments', () => {
      it('creates, gets by id and by name, with tags', async () => {
        const name = unique('housing')
        const exp = await t.createExperiment({ name, tags: { team: 'ml' } })
        expect(exp).toMatchObject({ name, lifecycleStage: 'active', tags: { team: 'ml' } })
        expect(exp.experimentId).toMatch(/^\d+$/)
        expect(exp.artifactLocation).toContain(exp.experimentId)
        expect(await t.getExperiment(exp.experimentId)).toEqual(exp)
        expect(await t.getExperimentByName(name)).toEqual(exp)
      })

      it('has the Default experiment with id 0', async () => {
        const def = await t.getExperiment('0')
        expect(def.name).toBe('Default')
      })

      it('rejects a duplicate name and unknown ids', async () => {
        const name = unique('dup')
        await t.createExperiment({ name })
        await expectCode(t.createExperiment({ name }), 'CAIRN_EXPERIMENT_ALREADY_EXISTS')
        await expectCode(t.getExperiment('987654321'), 'CAIRN_EXPERIMENT_NOT_FOUND')
        await expectCode(t.getExperimentByName(unique('missing')), 'CAIRN_EXPERIMENT_NOT_FOUND')
        await expectCode(t.createExperiment({ name: '' }), 'CAIRN_INVALID_ARGUMENT')
      })

      it('renames, and refuses a name in use', async () => {
        const a = await t.createExperiment({ name: unique('a') })
        const b = await t.createExperiment({ name: unique('b') })
        const renamed = unique('renamed')
        await t.renameExperiment(a.experimentId, renamed)
        expect((await t.getExperiment(a.experimentId)).name).toBe(renamed)
        await expectCode(t.renameExperiment(a.experimentId, b.name), 'CAIRN_EXPERIMENT_ALREADY_EXISTS')
        await expectCode(t.renameExperiment('987654321', unique('x')), 'CAIRN_EXPERIMENT_NOT_FOUND')
      })

      it('sets and deletes tags', async () => {
        const exp = await t.createExperiment({ name: unique('tags') })
        await t.setExperimentTag(exp.experimentId, 'owner', 'ana')
        await t.setExperimentTag(exp.experimentId, 'owner', 'bo')
        expect((await t.getExperiment(exp.experimentId)).tags).toEqual({ owner: 'bo' })
        await t.deleteExperimentTag(exp.experimentId, 'owner')
        expect((await t.getExperiment(exp.experimentId)).tags).toEqual({})
        await expectCode(t.deleteExperimentTag(exp.experimentId, 'owner'), 'CAIRN_NOT_FOUND')
      })

      it('deletes with its runs and restores both', async () => {
        const { exp, runId } = await newRun()
        await t.deleteExperiment(exp.experimentId)
        expect((await t.getExperiment(exp.experimentId)).lifecycleStage).toBe('deleted')
        expect((await t.getRun(runId)).info.lifecycleStage).toBe('deleted')
        await expectCode(t.createRun({ experimentId: exp.experimentId }), 'CAIRN_EXPERIMENT_DELETED')
        const active = await t.searchExperiments({ filter: `name = '${exp.name}'` })
        expect(active.items).toHaveLength(0)
        const deleted = await t.searchExperiments({
          filter: `name = '${exp.name}'`,
          viewType: 'DELETED_ONLY',
        })
        expect(deleted.items.map((e) => e.experimentId)).toEqual([exp.experimentId])
        await t.restoreExperiment(exp.experimentId)
        expect((await t.getExperiment(exp.experimentId)).lifecycleStage).toBe('active')
        expect((await t.getRun(runId)).info.lifecycleStage).toBe('active')
        await expectCode(t.deleteExperiment('0'), 'CAIRN_INVALID_ARGUMENT')
      })

      it('searches with a filter, order and pages', async () => {
        const prefix = unique('search')
        for (const n of ['c', 'a', 'b']) await t.createExperiment({ name: `${prefix}-${n}`, tags: { k: n } })
        const all = await t.searchExperiments({ filter: `name LIKE '${prefix}-%'`, orderBy: ['name ASC'] })
        expect(all.items.map((e) => e.name)).toEqual(['a', 'b', 'c'].map((n) => `${prefix}-${n}`))
        const byTag = await t.searchExperiments({ filter: `name LIKE '${prefix}%' and tags.k = 'b'` })
        expect(byTag.items.map((e) => e.name)).toEqual([`${prefix}-b`])
        const first = await t.searchExperiments({
          filter: `name LIKE '${prefix}%'`,
          orderBy: ['name DESC'],
          maxResults: 2,
        })
        expect(first.items.map((e) => e.name)).toEqual([`${prefix}-c`, `${prefix}-b`])
        expect(first.nextPageToken).toBeTruthy()
        const second = await t.searchExperiments({
          filter: `name LIKE '${prefix}%'`,
          orderBy: ['name DESC'],
          maxResults: 2,
          pageToken: first.nextPageToken!,
        })
        expect(second.items.map((e) => e.name)).toEqual([`${prefix}-a`])
        expect(second.nextPageToken).toBeUndefined()
        await expectCode(t.searchExperiments({ filter: 'name ~ 3' }), 'CAIRN_INVALID_FILTER')
        await expectCode(t.searchExperiments({ pageToken: 'garbage!' }), 'CAIRN_INVALID_PAGE_TOKEN')
      })
    })

    describe('runs', () => {
      it('creates a run with a name, user, tags and an artifact root <experiment>/<run>/artifacts', async () => {
        const exp = await t.createExperiment({ name: unique('runs') })
        const run = await t.createRun({
          experimentId: exp.experimentId,
          runName: 'first',
          tags: { team: 'ml' },
          userId: 'ana',
        })
        expect(run.info).toMatchObject({
          experimentId: exp.experimentId,
          runName: 'first',
          userId: 'ana',
          status: 'RUNNING',
          endTime: null,
          lifecycleStage: 'active',
        })
        expect(run.info.runId).toMatch(/^[0-9a-f]{32}$/)
        expect(run.info.artifactUri.endsWith(`${exp.experimentId}/${run.info.runId}/artifacts`)).toBe(true)
        expect(run.data.tags).toMatchObject({ team: 'ml', 'mlflow.runName': 'first' })
        expect(await t.getRun(run.info.runId)).toEqual(run)
        const unnamed = await t.createRun({ experimentId: exp.experimentId })
        expect(unnamed.info.runName).toMatch(/^[a-z]+-[a-z]+-\d+$/)
      })

      it('rejects unknown experiments and runs', async () => {
        await expectCode(t.createRun({ experimentId: '987654321' }), 'CAIRN_EXPERIMENT_NOT_FOUND')
        await expectCode(t.getRun('0123456789abcdef0123456789abcdef'), 'CAIRN_RUN_NOT_FOUND')
        await expectCode(
          t.logMetric('0123456789abcdef0123456789abcdef', { key: 'x', value: 1 }),
          'CAIRN_RUN_NOT_FOUND',
        )
        await expectCode(
          t.updateRun('0123456789abcdef0123456789abcdef', { status: 'FINISHED' }),
          'CAIRN_RUN_NOT_FOUND',
        )
        await expectCode(t.deleteRun('0123456789abcdef0123456789abcdef'), 'CAIRN_RUN_NOT_FOUND')
      })

      it('links child runs to a parent', async () => {
        const { exp, runId } = await newRun()
        const child = await t.createRun({ experimentId: exp.experimentId, parentRunId: runId })
        expect(child.data.tags['mlflow.parentRunId']).toBe(runId)
        const children = await t.searchRuns({
          experimentIds: [exp.experimentId],
          filter: `tags.mlflow.parentRunId = '${runId}'`,
        })
        expect(children.items.map((r) => r.info.runId)).toEqual([child.info.runId])
        await expectCode(
          t.createRun({ experimentId: exp.experimentId, parentRunId: '0123456789abcdef0123456789abcdef' }),
          'CAIRN_RUN_NOT_FOUND',
        )
      })

      it('updates status, end time and name', async () => {
        const { runId } = await newRun()
        const info = await t.updateRun(runId, { status: 'FINISHED' })
        expect(info.status).toBe('FINISHED')
        expect(info.endTime).toBeGreaterThan(0)
        await t.updateRun(runId, { runName: 'renamed', endTime: 1234 })
        const run = await t.getRun(runId)
        expect(run.info).toMatchObject({ runName: 'renamed', endTime: 1234, status: 'FINISHED' })
        expect(run.data.tags['mlflow.runName']).toBe('renamed')
        await expectCode(t.updateRun(runId, { status: 'DONE' as never }), 'CAIRN_INVALID_ARGUMENT')
      })

      it('deletes and restores; a deleted run takes no more logging', async () => {
        const { runId } = await newRun()
        await t.deleteRun(runId)
        expect((await t.getRun(runId)).info.lifecycleStage).toBe('deleted')
        await expectCode(t.logMetric(runId, { key: 'x', value: 1 }), 'CAIRN_RUN_NOT_ACTIVE')
        await t.restoreRun(runId)
        await t.logMetric(runId, { key: 'x', value: 1 })
        expect((await t.getRun(runId)).data.metrics.x?.value).toBe(1)
      })

      it('sets and deletes tags', async () => {
        const { runId } = await newRun()
        await t.setTag(runId, 'stage', 'dev')
        await t.setTag(runId, 'stage', 'prod')
        expect((await t.getRun(runId)).data.tags.stage).toBe('prod')
        await t.deleteTag(runId, 'stage')
        expect((await t.getRun(runId)).data.tags.stage).toBeUndefined()
        await expectCode(t.deleteTag(runId, 'stage'), 'CAIRN_NOT_FOUND')
        await t.setTag(runId, 'mlflow.runName', 'via-tag')
        expect((await t.getRun(runId)).info.runName).toBe('via-tag')
      })
    })

    describe('params', () => {
      it('are immutable: the same value again is fine, another value is CAIRN_PARAM_CHANGED', async () => {
        const { runId } = await newRun()
        await t.logParam(runId, 'lr', '0.1')
        await t.logParam(runId, 'lr', '0.1')
        const err = await expectCode(t.logParam(runId, 'lr', '0.2'), 'CAIRN_PARAM_CHANGED')
        expect(err.message).toContain('0.1')
        expect((await t.getRun(runId)).data.params).toEqual({ lr: '0.1' })
      })

      it('a changed param rolls back the whole batch', async () => {
        const { runId } = await newRun()
        await t.logParam(runId, 'depth', '6')
        await expectCode(
          t.logBatch(runId, {
            metrics: [{ key: 'rmse', value: 1 }],
            params: [
              { key: 'fresh', value: 'x' },
              { key: 'depth', value: '7' },
            ],
            tags: [{ key: 't', value: 'v' }],
          }),
          'CAIRN_PARAM_CHANGED',
        )
        const run = await t.getRun(runId)
        expect(run.data.params).toEqual({ depth: '6' })
        expect(run.data.metrics).toEqual({})
        expect(run.data.tags.t).toBeUndefined()
      })

      it('rejects bad keys and over-long values', async () => {
        const { runId } = await newRun()
        await expectCode(t.logParam(runId, 'bad!key', 'x'), 'CAIRN_INVALID_ARGUMENT')
        await expectCode(t.logParam(runId, '../up', 'x'), 'CAIRN_INVALID_ARGUMENT')
        await expectCode(t.logParam(runId, 'long', 'x'.repeat(6001)), 'CAIRN_INVALID_ARGUMENT')
      })
    })

    describe('metrics', () => {
      it('keeps the full history and the latest value per key', async () => {
        const { runId } = await newRun()
        await t.logMetric(runId, { key: 'loss', value: 0.9, step: 0, timestamp: 1000 })
        await t.logMetric(runId, { key: 'loss', value: 0.5, step: 2, timestamp: 1002 })
        await t.logMetric(runId, { key: 'loss', value: 0.7, step: 1, timestamp: 1001 })
        const history = await t.getMetricHistory(runId, 'loss')
        expect(history.items.map((m) => [m.step, m.value])).toEqual([
          [0, 0.9],
          [1, 0.7],
          [2, 0.5],
        ])
        expect((await t.getRun(runId)).data.metrics.loss).toEqual({
          key: 'loss',
          value: 0.5,
          step: 2,
          timestamp: 1002,
        })
        const paged = await t.getMetricHistory(runId, 'loss', { maxResults: 2 })
        expect(paged.items).toHaveLength(2)
        const rest = await t.getMetricHistory(runId, 'loss', {
          maxResults: 2,
          pageToken: paged.nextPageToken!,
        })
        expect(rest.items.map((m) => m.step)).toEqual([2])
      })

      it('stores NaN and ±Infinity', async () => {
        const { runId } = await newRun()
        await t.logBatch(runId, {
          metrics: [
            { key: 'nan', value: Number.NaN },
            { key: 'inf', value: Number.POSITIVE_INFINITY },
            { key: 'ninf', value: Number.NEGATIVE_INFINITY },
          ],
        })
        const m = (await t.getRun(runId)).data.metrics
        expect(m.nan?.value).toBeNaN()
        expect(m.inf?.value).toBe(Number.POSITIVE_INFINITY)
        expect(m.ninf?.value).toBe(Number.NEGATIVE_INFINITY)
      })

      it('logs 1000 metrics in one batch', async () => {
        const { runId } = await newRun()
        const metrics = Array.from({ length: 1000 }, (_, i) => ({
          key: `m${i % 20}`,
          value: i,
          step: Math.floor(i / 20),
        }))
        await t.logBatch(runId, { metrics })
        const run = await t.getRun(runId)
        expect(Object.keys(run.data.metrics)).toHaveLength(20)
        expect(run.data.metrics.m0?.step).toBe(49)
        expect((await t.getMetricHistory(runId, 'm7')).items).toHaveLength(50)
      })

      it('refuses oversized batches before storing anything', async () => {
        const { runId } = await newRun()
        const m = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, step: i }))
        const kv = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }))
        await expectCode(t.logBatch(runId, { metrics: m(1001) }), 'CAIRN_BATCH_TOO_LARGE')
        await expectCode(t.logBatch(runId, { params: kv(101) }), 'CAIRN_BATCH_TOO_LARGE')
        await expectCode(t.logBatch(runId, { tags: kv(101) }), 'CAIRN_BATCH_TOO_LARGE')
        await expectCode(t.logBatch(runId, { metrics: m(1000), params: kv(1) }), 'CAIRN_BATCH_TOO_LARGE')
        expect((await t.getRun(runId)).data).toMatchObject({ metrics: {}, params: {} })
      })

      it('an invalid metric value rejects the whole batch', async () => {
        const { runId } = await newRun()
        const bad = [
          { key: 'ok', value: 1 },
          { key: 'bad', value: 'high' as unknown as number },
        ]
        const err = await expectCode(
          t.logBatch(runId, { metrics: bad, params: [{ key: 'p', value: '1' }] }),
          'CAIRN_INVALID_METRIC',
        )
        expect(err.message).toContain('bad')
        await expectCode(t.logMetric(runId, { key: 'x', value: 1, step: 1.5 }), 'CAIRN_INVALID_METRIC')
        await expectCode(
          t.logMetric(runId, { key: 'x', value: null as unknown as number }),
          'CAIRN_INVALID_METRIC',
        )
        await expectCode(t.logMetric(runId, { key: 'bad key!', value: 1 }), 'CAIRN_INVALID_METRIC')
        const run = await t.getRun(runId)
        expect(run.data.metrics).toEqual({})
        expect(run.data.params).toEqual({})
      })
    })

    describe('search', () => {
      let exp: string
      const ids: Record<string, string> = {}
      beforeAll(async () => {
        exp = (await t.createExperiment({ name: unique('grid') })).experimentId
        const specs = [
          { name: 'gbdt-a', model: 'gbdt', rmse: 3, team: 'ml-core', status: 'FINISHED' },
          { name: 'gbdt-b', model: 'gbdt', rmse: 1, team: 'ml-edge', status: 'FINISHED' },
          { name: 'linear', model: 'linear', rmse: 2, team: 'ML-core', status: 'FAILED' },
          { name: 'no-metric', model: 'linear', rmse: undefined, team: 'data', status: 'RUNNING' },
        ]
        for (const s of specs) {
          const run = await t.createRun({ experimentId: exp, runName: s.name, tags: { team: s.team } })
          ids[s.name] = run.info.runId
          await t.logBatch(run.info.runId, {
            params: [{ key: 'model', value: s.model }],
            metrics: s.rmse === undefined ? [] : [{ key: 'rmse', value: s.rmse }],
          })
          if (s.status !== 'RUNNING') await t.updateRun(run.info.runId, { status: s.status as 'FINISHED' })
        }
        await t.logInputs(ids['gbdt-a']!, [
          {
            dataset: { name: 'housing', digest: 'abc123', sourceType: 'local', source: '{"uri":"data.csv"}' },
            tags: { 'mlflow.data.context': 'training' },
          },
        ])
      })
      const names = async (filter?: string, orderBy?: string[]) =>
        (
          await t.searchRuns({
            experimentIds: [exp],
            ...(filter ? { filter } : {}),
            ...(orderBy ? { orderBy } : {}),
          })
        ).items.map((r) => r.info.runName)

      it('filters on metrics, params, tags and attributes with MLflow grammar', async () => {
        expect(await names("metrics.rmse < 2.5 and params.model = 'gbdt'")).toEqual(['gbdt-b'])
        expect(await names("tags.team LIKE 'ml%'", ['run_name'])).toEqual(['gbdt-a', 'gbdt-b'])
        expect(await names("tags.team ILIKE 'ml%'", ['run_name'])).toEqual(['gbdt-a', 'gbdt-b', 'linear'])
        expect(await names("attributes.status = 'FAILED'")).toEqual(['linear'])
        expect(await names("run_name IN ('linear', 'gbdt-a')", ['run_name'])).toEqual(['gbdt-a', 'linear'])
        expect(await names(`attributes.run_id = '${ids['gbdt-b']}'`)).toEqual(['gbdt-b'])
        expect(await names('metrics.rmse >= 2', ['metrics.rmse'])).toEqual(['linear', 'gbdt-a'])
        expect(await names("params.model != 'gbdt'", ['run_name'])).toEqual(['linear', 'no-metric'])
        expect(await names('metrics.rmse IS NULL')).toEqual(['no-metric'])
        expect(await names("datasets.name = 'housing' and datasets.context = 'training'")).toEqual(['gbdt-a'])
        expect(await names('start_time > 0', ['run_name'])).toHaveLength(4)
      })

      it('supports OR and parentheses', async () => {
        expect(
          await names("(metrics.rmse < 1.5 or params.model = 'linear') and tags.team != 'data'", [
            'run_name',
          ]),
        ).toEqual(['gbdt-b', 'linear'])
      })

      it('orders by metrics with missing values last, and by attributes', async () => {
        expect(await names(undefined, ['metrics.rmse ASC'])).toEqual([
          'gbdt-b',
          'linear',
          'gbdt-a',
          'no-metric',
        ])
        expect(await names(undefined, ['metrics.rmse DESC'])).toEqual([
          'gbdt-a',
          'linear',
          'gbdt-b',
          'no-metric',
        ])
        expect(await names(undefined, ['params.model DESC', 'run_name ASC'])).toEqual([
          'linear',
          'no-metric',
          'gbdt-a',
          'gbdt-b',
        ])
      })

      it('pages through results with tokens', async () => {
        const seen: string[] = []
        let pageToken: string | undefined
        do {
          const page = await t.searchRuns({
            experimentIds: [exp],
            orderBy: ['run_name'],
            maxResults: 3,
            ...(pageToken ? { pageToken } : {}),
          })
          seen.push(...page.items.map((r) => r.info.runName))
          pageToken = page.nextPageToken
        } while (pageToken)
        expect(seen).toEqual(['gbdt-a', 'gbdt-b', 'linear', 'no-metric'])
      })

      it('pages through a metric order: numbers, then NaN, then runs without the metric', async () => {
        const e = (await t.createExperiment({ name: unique('metric-pages') })).experimentId
        const specs: Array<[string, number | undefined]> = [
          ['three', 3],
          ['one', 1],
          ['nan', Number.NaN],
          ['two', 2],
          ['none-a', undefined],
          ['none-b', undefined],
        ]
        for (const [i, [name, value]] of specs.entries()) {
          const run = await t.createRun({ experimentId: e, runName: name, startTime: 1_000 + i })
          if (value !== undefined) await t.logMetric(run.info.runId, { key: 'x', value })
          else await t.logMetric(run.info.runId, { key: 'other', value: 0 })
        }
        for (const [orderBy, expected] of [
          ['metrics.x ASC', ['one', 'two', 'three', 'nan', 'none-b', 'none-a']],
          ['metrics.x DESC', ['three', 'two', 'one', 'nan', 'none-b', 'none-a']],
        ] as const) {
          for (const size of [1, 2, 4]) {
            const seen: string[] = []
            let pageToken: string | undefined
            do {
              const p = await t.searchRuns({
                experimentIds: [e],
                orderBy: [orderBy],
                maxResults: size,
                ...(pageToken ? { pageToken } : {}),
              })
              seen.push(...p.items.map((r) => r.info.runName))
              pageToken = p.nextPageToken
            } while (pageToken)
            expect(seen, `${orderBy} in pages of ${size}`).toEqual(expected)
          }
        }
        const filtered = await t.searchRuns({
          experimentIds: [e],
          filter: 'metrics.x > 1',
          orderBy: ['metrics.x DESC', 'run_name'],
        })
        expect(filtered.items.map((r) => r.info.runName)).toEqual(['three', 'two'])
      })

      it('applies every kind of filter the same under a metric order', async () => {
        const filters = [
          "params.model = 'gbdt'",
          "params.model != 'gbdt'",
          'metrics.rmse IS NULL',
          'metrics.rmse IS NOT NULL',
          'params.model IS NOT NULL',
          "tags.team NOT LIKE 'ml%'",
          "datasets.name = 'housing'",
          "metrics.rmse > 1.5 or params.model = 'linear'",
          "attributes.status != 'RUNNING' and tags.team IN ('ml-core', 'ML-core')",
        ]
        for (const filter of filters) {
          const byName = (await names(filter, ['run_name'])).sort()
          expect(await names(filter, ['metrics.rmse ASC']).then((n) => n.sort()), filter).toEqual(byName)
          expect(
            await names(filter, ['metrics.rmse DESC', 'run_name']).then((n) => n.sort()),
            filter,
          ).toEqual(byName)
        }
      })

      it('returns each found run whole, as getRun does', async () => {
        const e = (await t.createExperiment({ name: unique('whole-runs') })).experimentId
        const made: string[] = []
        for (let i = 0; i < 3; i++) {
          const run = await t.createRun({
            experimentId: e,
            runName: `whole-${i}`,
            tags: { 'team name': `ünï cödé ${i} \\ "` },
          })
          made.push(run.info.runId)
          await t.logBatch(run.info.runId, {
            params: [
              { key: '__proto__', value: `p${i}` },
              { key: 'lr', value: '0.1' },
            ],
            metrics: [
              { key: 'score', value: 0.1 + 0.2 + i, step: 7, timestamp: 1_700_000_000_123 },
              { key: 'score', value: 5, step: 3, timestamp: 1 },
              { key: 'tiny', value: 5e-324 },
              { key: '__proto__', value: i },
              { key: 'nan', value: Number.NaN },
              { key: 'inf', value: i % 2 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY },
            ],
          })
        }
        const found = await t.searchRuns({
          experimentIds: [e],
          filter: "params.lr = '0.1' and metrics.score > 0",
          orderBy: ['metrics.score DESC'],
        })
        expect(found.items.map((r) => r.info.runName)).toEqual(['whole-2', 'whole-1', 'whole-0'])
        for (const run of found.items) {
          const stored = await t.getRun(run.info.runId)
          expect(run).toEqual(stored)
          expect(Object.getPrototypeOf(run.data.params)).toBe(Object.prototype)
          expect(Object.keys(run.data.params).sort()).toEqual(['__proto__', 'lr'])
          expect(run.data.metrics.score).toEqual({
            key: 'score',
            value: 0.1 + 0.2 + Number(run.info.runName.slice(-1)),
            step: 7,
            timestamp: 1_700_000_000_123,
          })
          expect(run.data.metrics.tiny?.value).toBe(5e-324)
          expect(Object.getOwnPropertyDescriptor(run.data.metrics, '__proto__')?.value).toMatchObject({
            key: '__proto__',
            value: Number(run.info.runName.slice(-1)),
          })
          expect(run.data.metrics.nan?.value).toBeNaN()
          expect(Math.abs(run.data.metrics.inf?.value ?? 0)).toBe(Number.POSITIVE_INFINITY)
        }
      })

      it('hides deleted runs unless asked', async () => {
        const extra = await t.createRun({ experimentId: exp, runName: 'trash' })
        await t.deleteRun(extra.info.runId)
        expect(await names("run_name = 'trash'")).toEqual([])
        const deleted = await t.searchRuns({ experimentIds: [exp], viewType: 'DELETED_ONLY' })
        expect(deleted.items.map((r) => r.info.runName)).toEqual(['trash'])
        const all = await t.searchRuns({ experimentIds: [exp], viewType: 'ALL' })
        expect(all.items).toHaveLength(5)
      })

      it('points at the offending token of a malformed filter', async () => {
        const err = await expectCode(
          t.searchRuns({ experimentIds: [exp], filter: 'metrics.rmse < and x' }),
          'CAIRN_INVALID_FILTER',
        )
        expect(err.details).toMatchObject({ position: 15, token: 'and' })
        const unknown = await expectCode(
          t.searchRuns({ experimentIds: [exp], filter: "colour = 'red'" }),
          'CAIRN_INVALID_FILTER',
        )
        expect(unknown.details).toMatchObject({ position: 0, token: 'colour' })
        const unquoted = await expectCode(
          t.searchRuns({ experimentIds: [exp], filter: 'params.model = gbdt' }),
          'CAIRN_INVALID_FILTER',
        )
        expect(unquoted.details).toMatchObject({ position: 15 })
        await expectCode(
          t.searchRuns({ experimentIds: [exp], filter: "params.model = 'gbdt" }),
          'CAIRN_INVALID_FILTER',
        )
        await expectCode(
          t.searchRuns({ experimentIds: [exp], filter: "tags.x = 'a' and" }),
          'CAIRN_INVALID_FILTER',
        )
        await expectCode(
          t.searchRuns({ experimentIds: [exp], orderBy: ['metrics.rmse sideways'] }),
          'CAIRN_INVALID_FILTER',
        )
      })

      it('treats filter values as data, never as SQL', async () => {
        expect(await names("params.model = 'x'' OR 1=1 --'")).toEqual([])
        expect(await names("tags.`team'; drop table runs; --` = 'x'")).toEqual([])
        expect(await names(undefined, ['run_name'])).toHaveLength(4)
      })
    })

    describe('dataset inputs', () => {
      it('records datasets once and returns them with the run', async () => {
        const { runId } = await newRun()
        const input = {
          dataset: {
            name: 'adult',
            digest: 'd1',
            sourceType: 'local',
            source: 'data/adult.csv',
            schema: '{"a":1}',
          },
          tags: { 'mlflow.data.context': 'training' },
        }
        await t.logInputs(runId, [input])
        await t.logInputs(runId, [input])
        const run = await t.getRun(runId)
        expect(run.inputs.datasetInputs).toEqual([
          { dataset: { ...input.dataset, profile: null }, tags: { 'mlflow.data.context': 'training' } },
        ])
        await expectCode(t.logInputs(runId, [{ dataset: { name: 'x' } } as never]), 'CAIRN_INVALID_ARGUMENT')
      })
    })

    describe('artifacts', () => {
      it('stores, lists and downloads run artifacts', async () => {
        const { runId } = await newRun()
        await t.logArtifact(runId, 'model/manifest.json', '{"family":"x"}')
        await t.logArtifact(runId, 'notes.txt', new TextEncoder().encode('hello'))
        expect((await t.listArtifacts(runId)).map((e) => [e.path, e.isDir])).toEqual([
          ['model', true],
          ['notes.txt', false],
        ])
        expect((await t.listArtifacts(runId, 'model')).map((e) => e.path)).toEqual(['model/manifest.json'])
        expect((await t.downloadArtifact(runId, 'notes.txt')).toString()).toBe('hello')
        await expectCode(t.downloadArtifact(runId, 'missing.txt'), 'CAIRN_ARTIFACT_NOT_FOUND')
      })

      it('uploads local files and folders', async () => {
        const { runId } = await newRun()
        const dir = await mkdtemp(join(tmpdir(), 'cairn-art-'))
        try {
          await writeFile(join(dir, 'a.txt'), 'A')
          await writeFile(join(dir, 'b.txt'), 'B')
          expect(await t.logArtifacts(runId, dir, 'folder')).toBe(2)
          expect(await t.logArtifacts(runId, join(dir, 'a.txt'))).toBe(1)
          expect((await t.listArtifacts(runId)).map((e) => e.path)).toEqual(['a.txt', 'folder'])
          const store = await t.runArtifacts(runId)
          expect((await store.get('folder/b.txt')).toString()).toBe('B')
          await store.getToFile('folder/a.txt', join(dir, 'copy.txt'))
          expect(await readFile(join(dir, 'copy.txt'), 'utf8')).toBe('A')
          await expectCode(t.logArtifacts(runId, join(dir, 'nope')), 'CAIRN_NOT_FOUND')
        } finally {
          await rm(dir, { recursive: true, force: true })
        }
      })

      it('refuses paths that escape the run root', async () => {
        const { runId } = await newRun()
        await expectCode(t.logArtifact(runId, '../other-run/x.txt', 'x'), 'CAIRN_INVALID_ARTIFACT_PATH')
        await expectCode(t.logArtifact(runId, 'a/../../x.txt', 'x'), 'CAIRN_INVALID_ARTIFACT_PATH')
        await expectCode(t.logArtifact(runId, '/etc/passwd', 'x'), 'CAIRN_INVALID_ARTIFACT_PATH')
        await expectCode(t.downloadArtifact(runId, '../../../etc/passwd'), 'CAIRN_INVALID_ARTIFACT_PATH')
        expect(await t.listArtifacts(runId)).toEqual([])
      })
    })
  })
}
