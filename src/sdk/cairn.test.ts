import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Frame } from '../data/index.js'
import { type Model, type ModelFamily, registerFamily, toBundle } from '../ml/index.js'
import { type RunningServer, startServer } from '../server/index.js'
import { Cairn } from './cairn.js'

/** A one-number model family, enough to show a bundle goes in and comes back out. */
class ConstantModel implements Model {
  readonly family = 'sdk-test-constant'
  readonly signature = { inputs: [], output: { task: 'regression' as const, name: 'y' } }
  constructor(readonly value: number) {}
  predict(frame: Frame) {
    return { values: new Float64Array(frame.rowCount).fill(this.value) }
  }
  rowPredictor() {
    return { predict: () => ({ value: this.value }) }
  }
}
const constantFamily: ModelFamily<ConstantModel> = {
  name: 'sdk-test-constant',
  save: (m) => ({
    hyperparameters: {},
    signature: m.signature,
    state: null,
    tensors: { value: Float64Array.of(m.value) },
  }),
  load: (parts) => new ConstantModel((parts.tensors.value as Float64Array)[0]!),
}
registerFamily(constantFamily)

/** The same user code, run embedded and against a server. */
function sdkSuite(
  mode: string,
  open: () => Promise<{ cairn: Cairn; root: string; cleanup(): Promise<void> }>,
) {
  describe(`Cairn SDK (${mode})`, () => {
    let cairn: Cairn
    let root: string
    let cleanup: () => Promise<void>
    beforeAll(async () => {
      ;({ cairn, root, cleanup } = await open())
    })
    afterAll(async () => {
      await cairn?.close()
      await cleanup?.()
    })

    it('records a run: params, buffered metrics, tags, artifacts, system tags', async () => {
      const run = await cairn.tracking.startRun({
        experiment: 'housing',
        runName: 'gbdt',
        tags: { team: 'ml' },
      })
      const sends = vi.spyOn(cairn.tracking.client, 'logBatch')
      await run.logParams({ maxDepth: 6, learningRate: 0.1, model: 'gbdt' })
      for (let step = 0; step < 2500; step++) run.logMetric('loss', 1 / (step + 1), { step })
      run.logMetrics({ rmse: 48210.5, mae: 30000 }, { step: 2500 })
      await run.setTags({ stage: 'dev' })
      await writeFile(join(root, 'notes.txt'), 'hello')
      await run.logArtifact(join(root, 'notes.txt'), 'docs')
      await run.logJson('metrics.json', { rmse: 48210.5 })
      await run.end()
      const metricSends = sends.mock.calls.filter(([, b]) => b.metrics !== undefined)
      expect(metricSends.length).toBeLessThanOrEqual(4)
      expect(metricSends.reduce((n, [, b]) => n + (b.metrics?.length ?? 0), 0)).toBe(2502)
      sends.mockRestore()

      const stored = await cairn.tracking.getRun(run.id)
      expect(stored.info).toMatchObject({ runName: 'gbdt', status: 'FINISHED' })
      expect(stored.info.endTime).toBeGreaterThan(0)
      expect(stored.data.params).toEqual({ maxDepth: '6', learningRate: '0.1', model: 'gbdt' })
      expect(stored.data.metrics.rmse?.value).toBe(48210.5)
      expect(stored.data.metrics.loss?.step).toBe(2499)
      expect((await cairn.tracking.getMetricHistory(run.id, 'loss')).items).toHaveLength(2500)
      expect(stored.data.tags).toMatchObject({ team: 'ml', stage: 'dev', 'mlflow.source.type': 'LOCAL' })
      expect(stored.data.tags['mlflow.user']).toBeTruthy()
      expect(stored.data.tags['cairn.source.host']).toBeTruthy()
      expect(stored.data.tags['cairn.source.command']).toBeTruthy()
      expect(stored.data.tags['mlflow.source.git.commit']).toBe('a'.repeat(40))
      expect(stored.data.tags['mlflow.source.git.branch']).toBe('main')
      expect((await cairn.tracking.listArtifacts(run.id)).map((e) => e.path)).toEqual([
        'docs',
        'metrics.json',
      ])
      expect((await cairn.tracking.downloadArtifact(run.id, 'docs/notes.txt')).toString()).toBe('hello')
    })

    it('rejects a bad metric at the call and a changed param at the send', async () => {
      const run = await cairn.tracking.startRun({ experiment: 'housing' })
      expect(() => run.logMetric('rmse', Number('oops') as unknown as number, { step: 0.5 })).toThrowError(
        expect.objectContaining({ code: 'CAIRN_INVALID_METRIC' }),
      )
      await run.logParam('lr', 0.1)
      await expect(run.logParam('lr', 0.2)).rejects.toMatchObject({ code: 'CAIRN_PARAM_CHANGED' })
      await run.end('KILLED')
      expect((await cairn.tracking.getRun(run.id)).info.status).toBe('KILLED')
    })

    it('ends a run FAILED when withRun throws, and links child runs', async () => {
      let parentId = ''
      await expect(
        cairn.tracking.withRun({ experiment: 'sweeps' }, async (parent) => {
          parentId = parent.id
          await cairn.tracking.withRun({ experiment: 'sweeps', parentRunId: parent.id }, async (child) => {
            child.logMetric('score', 0.9)
          })
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      expect((await cairn.tracking.getRun(parentId)).info.status).toBe('FAILED')
      const exp = await cairn.tracking.getExperimentByName('sweeps')
      const children = await cairn.tracking.searchRuns({
        experimentIds: [exp.experimentId],
        filter: `tags.mlflow.parentRunId = '${parentId}'`,
      })
      expect(children.items).toHaveLength(1)
      expect(children.items[0]!.data.metrics.score?.value).toBe(0.9)
    })

    it('logs a model bundle, registers it with an alias and loads it back by URI', async () => {
      const run = await cairn.tracking.startRun({ experiment: 'housing' })
      const version = await cairn.registry.logModel('sdk-model', run.id, toBundle(new ConstantModel(42)), {
        aliases: ['champion'],
      })
      await run.end()
      expect(version).toMatchObject({ name: 'sdk-model', aliases: ['champion'], runId: run.id })
      const resolved = await cairn.registry.resolve('models:/sdk-model@champion')
      expect(resolved.version).toBe(version.version)
      const loaded = await cairn.registry.loadModel('models:/sdk-model@champion')
      expect(loaded.model.rowPredictor().predict({}).value).toBe(42)
      expect(loaded.manifest.family).toBe('sdk-test-constant')
      await cairn.registry.transitionModelVersionStage('sdk-model', version.version, 'Production')
      expect((await cairn.registry.loadModel('models:/sdk-model/Production')).modelVersion.version).toBe(
        version.version,
      )
      const history = await cairn.registry.history('sdk-model')
      expect(history.map((e) => e.kind)).toEqual([
        'stage_transition',
        'alias_set',
        'version_created',
        'model_created',
      ])
    })

    it('ends open runs and flushes their metrics on close', async () => {
      const run = await cairn.tracking.startRun({ experiment: 'housing', flushIntervalMs: 60_000 })
      run.logMetric('late', 1)
      expect(cairn.tracking.activeRuns).toContain(run)
      await cairn.tracking.endAll()
      expect((await cairn.tracking.getRun(run.id)).data.metrics.late?.value).toBe(1)
    })
  })
}

async function projectDir() {
  const root = await mkdtemp(join(tmpdir(), 'cairn-sdk-'))
  await mkdir(join(root, '.git', 'refs', 'heads'), { recursive: true })
  await writeFile(join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n')
  await writeFile(join(root, '.git', 'refs', 'heads', 'main'), `${'a'.repeat(40)}\n`)
  return root
}

sdkSuite('embedded, default .cairn/ store', async () => {
  const root = await projectDir()
  const cairn = await Cairn.open({ cwd: root })
  expect(cairn.mode).toBe('embedded')
  expect(cairn.context.trackingUri).toBe(`sqlite:///${join(root, '.cairn', 'cairn.db')}`)
  return { cairn, root, cleanup: () => rm(root, { recursive: true, force: true }) }
})

let server: RunningServer
sdkSuite('remote, over HTTP to cairn server', async () => {
  const root = await projectDir()
  const serverDir = await mkdtemp(join(tmpdir(), 'cairn-sdk-server-'))
  server = await startServer({ cwd: serverDir, port: 0 })
  const cairn = await Cairn.open({ cwd: root, trackingUri: server.url })
  expect(cairn.mode).toBe('remote')
  return {
    cairn,
    root,
    async cleanup() {
      await server.close()
      await rm(root, { recursive: true, force: true })
      await rm(serverDir, { recursive: true, force: true })
    },
  }
})
