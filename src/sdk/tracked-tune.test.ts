import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  crossValidate,
  gridSampler,
  knnClassifier,
  makeClassification,
  makeRegression,
  medianPruner,
  ridge,
  type TrialEvent,
} from '../ml/index.js'
import { type RunningServer, startServer } from '../server/index.js'
import { Cairn } from './cairn.js'
import { TUNE_TAGS } from './tracked-tune.js'

const regression = makeRegression({ rows: 160, features: 6, informative: 3, seed: 1, noise: 30 })
const classification = makeClassification({ rows: 240, features: 4, classes: 3, seed: 2, separation: 1.5 })

function suite(mode: string, open: () => Promise<{ cairn: Cairn; cleanup(): Promise<void> }>) {
  describe(`cairn.tune (${mode})`, () => {
    let cairn: Cairn
    let cleanup: () => Promise<void>
    beforeAll(async () => {
      ;({ cairn, cleanup } = await open())
    })
    afterAll(async () => {
      await cairn?.close()
      await cleanup?.()
    })

    it('records the search as a parent run with one nested child run per trial', async () => {
      const stage = await cairn.tracking.startRun({ experiment: 'tuning', runName: 'stage' })
      const alphas = [0.01, 1, 100, 10_000]
      const seen: TrialEvent['type'][] = []
      const result = await cairn.tune(ridge(), regression, {
        target: 'y',
        space: { alpha: alphas },
        sampler: gridSampler(),
        cv: 3,
        threads: 1,
        experiment: 'tuning',
        runName: 'ridge-search',
        parentRunId: stage.id,
        tags: { team: 'ml' },
        onTrial: (e) => void seen.push(e.type),
      })
      await stage.end()
      expect(seen.filter((t) => t === 'completed')).toHaveLength(4)
      expect(result.metric).toBe('r2')
      expect(result.trialRunIds).toHaveLength(4)
      expect(result.bestRunId).toBe(result.trialRunIds[result.best.number])

      const parent = await cairn.tracking.getRun(result.runId)
      expect(parent.info).toMatchObject({ runName: 'ridge-search', status: 'FINISHED' })
      expect(parent.data.tags).toMatchObject({
        'mlflow.parentRunId': stage.id,
        team: 'ml',
        [TUNE_TAGS.metric]: 'r2',
        [TUNE_TAGS.direction]: 'maximize',
        [TUNE_TAGS.bestTrial]: String(result.best.number),
        [TUNE_TAGS.bestRunId]: result.bestRunId,
      })
      expect(parent.data.params).toMatchObject({
        'best.alpha': String(result.bestParams.alpha),
        'tune.family': 'ridge',
        'tune.metric': 'r2',
        'tune.sampler': 'grid',
        'tune.cv': '3',
      })
      expect(parent.data.metrics.cv_r2?.value).toBe(result.bestValue)
      expect(parent.data.metrics.trials_complete?.value).toBe(4)

      const exp = await cairn.tracking.getExperimentByName('tuning')
      const children = (
        await cairn.tracking.searchRuns({
          experimentIds: [exp.experimentId],
          filter: `tags.mlflow.parentRunId = '${result.runId}'`,
          orderBy: ['params.alpha ASC'],
        })
      ).items
      expect(children.map((c) => c.info.runId).sort()).toEqual([...result.trialRunIds].sort())
      // Each trial's score is its own cross-validation, recorded with its per-fold running mean.
      for (const child of children) {
        const number = Number(child.data.tags[TUNE_TAGS.trial])
        const trial = result.trials[number]
        expect(child.info.runName).toBe(`ridge-search-trial-${number}`)
        expect(child.info.status).toBe('FINISHED')
        expect(child.data.tags).toMatchObject({ team: 'ml', [TUNE_TAGS.state]: 'complete' })
        expect(child.data.params).toEqual({ alpha: String(trial?.params.alpha) })
        const manual = await crossValidate(ridge({ alpha: trial?.params.alpha as number }), regression, {
          target: 'y',
          cv: 3,
        })
        expect(child.data.metrics.cv_r2?.value).toBe(manual.mean.r2)
        const running = (await cairn.tracking.getMetricHistory(child.info.runId, 'cv_r2_running')).items
        expect(running.map((m) => m.step)).toEqual([0, 1, 2])
        expect(running.at(-1)?.value).toBeCloseTo(manual.mean.r2 as number, 12)
        expect(child.data.metrics.fit_seconds?.value).toBeGreaterThanOrEqual(0)
      }
    })

    it('ends pruned trials KILLED and invalid ones FAILED with the error, in a run the caller keeps open', async () => {
      const run = await cairn.tracking.startRun({ experiment: 'tuning', runName: 'knn' })
      const result = await cairn.tune(knnClassifier(), classification, {
        target: 'y',
        space: { k: [1, 2, 3, 4, 200, 200, 200, -1] },
        sampler: gridSampler(),
        cv: 4,
        threads: 1,
        pruner: medianPruner({ startupTrials: 3 }),
        refit: false,
        run,
      })
      expect(run.ended).toBe(false)
      run.logMetric('extra', 1)
      await run.end()
      const statuses = await Promise.all(
        result.trialRunIds.map(async (id) => (await cairn.tracking.getRun(id)).info.status),
      )
      expect(statuses).toEqual(
        result.trials.map(
          (t) => ({ complete: 'FINISHED', pruned: 'KILLED', failed: 'FAILED' })[t.state as 'complete'],
        ),
      )
      expect(statuses.slice(0, 3)).toEqual(['FINISHED', 'FINISHED', 'FINISHED'])
      expect(statuses.slice(4, 7)).toEqual(['KILLED', 'KILLED', 'KILLED'])
      expect(statuses[7]).toBe('FAILED')
      const failed = await cairn.tracking.getRun(result.trialRunIds[7] as string)
      expect(failed.data.tags[TUNE_TAGS.error]).toMatch(/^CAIRN_INVALID_ARGUMENT: /)
      expect(failed.data.params).toEqual({ k: '-1' })
      expect(failed.data.tags['mlflow.parentRunId']).toBe(run.id)
      const pruned = await cairn.tracking.getRun(result.trialRunIds[4] as string)
      expect(pruned.data.tags[TUNE_TAGS.state]).toBe('pruned')
      expect(
        (await cairn.tracking.getMetricHistory(pruned.info.runId, 'cv_accuracy_running')).items,
      ).toHaveLength(1)
      const parent = await cairn.tracking.getRun(run.id)
      expect(parent.info.runName).toBe('knn')
      expect(parent.data.metrics).toMatchObject({
        trials_complete: expect.objectContaining({ value: statuses.filter((s) => s === 'FINISHED').length }),
        trials_pruned: expect.objectContaining({ value: statuses.filter((s) => s === 'KILLED').length }),
        trials_failed: expect.objectContaining({ value: 1 }),
        extra: expect.objectContaining({ value: 1 }),
      })
      expect(parent.data.params['best.k']).toBe(String(result.bestParams.k))
    })

    it('ends the parent and every trial FAILED when the whole search fails', async () => {
      await expect(
        cairn.tune(knnClassifier(), classification, {
          target: 'y',
          space: { k: [-1, -2] },
          sampler: gridSampler(),
          threads: 1,
          experiment: 'tuning-failed',
          captureSystemTags: false,
        }),
      ).rejects.toMatchObject({ code: 'CAIRN_INVALID_ARGUMENT' })
      const exp = await cairn.tracking.getExperimentByName('tuning-failed')
      const runs = (await cairn.tracking.searchRuns({ experimentIds: [exp.experimentId] })).items
      expect(runs).toHaveLength(3)
      expect(runs.every((r) => r.info.status === 'FAILED')).toBe(true)
      expect(runs.map((r) => r.info.runName).sort()).toEqual([
        'tune-knn-classifier',
        'tune-knn-classifier-trial-0',
        'tune-knn-classifier-trial-1',
      ])
      expect(runs.every((r) => r.data.tags['mlflow.user'] === undefined)).toBe(true)
    })
  })
}

suite('embedded', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cairn-sdk-tune-'))
  const cairn = await Cairn.open({ cwd: root })
  return { cairn, cleanup: () => rm(root, { recursive: true, force: true }) }
})

let server: RunningServer
suite('remote', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cairn-sdk-tune-'))
  const serverDir = await mkdtemp(join(tmpdir(), 'cairn-sdk-tune-server-'))
  server = await startServer({ cwd: serverDir, port: 0 })
  const cairn = await Cairn.open({ cwd: root, trackingUri: server.url })
  return {
    cairn,
    async cleanup() {
      await server.close()
      await rm(root, { recursive: true, force: true })
      await rm(serverDir, { recursive: true, force: true })
    },
  }
})
