import { describe, expect, it } from 'vitest'
import { crossValidate } from '../evaluation/cross-validate.js'
import { makeClassification, makeRegression } from '../evaluation/synthetic.js'
import { logisticRegression, ridge } from '../linear/index.js'
import { Rng } from '../matrix/index.js'
import { knnClassifier } from '../neighbors/index.js'
import { pipeline } from '../pipeline/index.js'
import { standardScaler } from '../transforms/index.js'
import {
  floatParam,
  gridSampler,
  intParam,
  medianPruner,
  type Observation,
  randomSampler,
  type TrialEvent,
  tpeSampler,
  tune,
} from './index.js'

const regression = makeRegression({ rows: 160, features: 6, informative: 3, seed: 1, noise: 30 })
const classification = makeClassification({ rows: 240, features: 4, classes: 3, seed: 2, separation: 1.5 })

describe('grid search', () => {
  it('tries every combination and picks the best cross-validated score', async () => {
    const alphas = [0.01, 1, 100, 10_000]
    const r = await tune(ridge(), regression, {
      target: 'y',
      space: { alpha: alphas },
      sampler: gridSampler(),
      cv: 3,
      threads: 1,
    })
    expect(r.trials.map((t) => t.params.alpha)).toEqual(alphas)
    expect(r.metric).toBe('r2')
    const manual = await Promise.all(
      alphas.map((alpha) => crossValidate(ridge({ alpha }), regression, { target: 'y', cv: 3 })),
    )
    const bestManual =
      alphas[manual.reduce((b, m, i) => ((m.mean.r2 as number) > (manual[b]?.mean.r2 as number) ? i : b), 0)]
    expect(r.bestParams.alpha).toBe(bestManual)
    expect(r.trials.map((t) => t.value)).toEqual(manual.map((m) => m.mean.r2))
    expect(r.bestModel?.family).toBe('ridge')
  })
})

describe('random search across worker threads', () => {
  it('evaluates in workers exactly as in-process, through a pipeline spec, and reports every step', async () => {
    const est = pipeline([standardScaler()], logisticRegression())
    const space = { 'model.C': floatParam(0.001, 10, { log: true }) }
    const events: TrialEvent[] = []
    const opts = {
      target: 'y',
      space,
      sampler: randomSampler(),
      trials: 4,
      cv: 3,
      seed: 5,
      refit: false,
      metric: 'log_loss',
    }
    const inWorkers = await tune(est, classification, {
      ...opts,
      threads: 2,
      onTrial: (e) => void events.push(e),
    })
    const inProcess = await tune(est, classification, { ...opts, threads: 1 })
    expect(inWorkers.trials.map((t) => [t.params, t.value])).toEqual(
      inProcess.trials.map((t) => [t.params, t.value]),
    )
    expect(inWorkers.direction).toBe('minimize')
    expect(inWorkers.bestValue).toBe(Math.min(...inWorkers.trials.map((t) => t.value as number)))
    const forTrial0 = events.filter((e) => e.trial.number === 0).map((e) => e.type)
    expect(forTrial0).toEqual(['started', 'reported', 'reported', 'reported', 'completed'])
    expect(events.find((e) => e.type === 'started')?.trial.spec.family).toBe('pipeline')
  })
})

describe('TPE sampler', () => {
  it('concentrates suggestions near the best region', () => {
    const space = { x: floatParam(-10, 10) }
    const rng = new Rng(3)
    const history: Observation[] = []
    for (let i = 0; i < 30; i++) {
      const params = tpeSampler({ startupTrials: 10 }).suggest(space, i, history, rng) as { x: number }
      history.push({ params, score: -((params.x - 3) ** 2) })
    }
    const late = history.slice(20).map((o) => Math.abs((o.params.x as number) - 3))
    const mean = late.reduce((a, b) => a + b, 0) / late.length
    expect(mean).toBeLessThan(2.5)
  })
  it('is deterministic for a seed and handles integer and categorical params', async () => {
    const space = { k: intParam(1, 40), weights: ['uniform', 'distance'] }
    const run = () =>
      tune(knnClassifier(), classification, {
        target: 'y',
        space,
        trials: 14,
        cv: 3,
        seed: 9,
        threads: 1,
        refit: false,
      })
    const a = await run()
    const b = await run()
    expect(a.trials.map((t) => [t.params, t.value])).toEqual(b.trials.map((t) => [t.params, t.value]))
    for (const t of a.trials) {
      expect(Number.isInteger(t.params.k)).toBe(true)
      expect(['uniform', 'distance']).toContain(t.params.weights)
    }
  })
})

describe('median pruning and failures', () => {
  it('prunes trials below the median of finished ones at the same fold', () => {
    const p = medianPruner({ startupTrials: 3 })
    const finished = [
      { intermediate: [0.9, 0.9] },
      { intermediate: [0.8, 0.85] },
      { intermediate: [0.7, 0.7] },
    ]
    expect(p.shouldPrune(0, 0.75, finished)).toBe(true)
    expect(p.shouldPrune(0, 0.85, finished)).toBe(false)
    expect(p.shouldPrune(0, 0.1, finished.slice(0, 2))).toBe(false)
  })
  it('stops bad trials early and records invalid params as failed trials', async () => {
    const space = { k: [1, 2, 3, 4, 200, 200, 200, -1] }
    const r = await tune(knnClassifier(), classification, {
      target: 'y',
      space,
      sampler: gridSampler(),
      cv: 4,
      threads: 1,
      pruner: medianPruner({ startupTrials: 3 }),
      refit: false,
    })
    const states = r.trials.map((t) => t.state)
    expect(states.slice(0, 3)).toEqual(['complete', 'complete', 'complete'])
    expect(states.slice(4, 7)).toEqual(['pruned', 'pruned', 'pruned'])
    expect(r.trials[4]?.intermediate).toHaveLength(1)
    expect(r.trials[7]?.state).toBe('failed')
    expect(r.trials[7]?.error?.code).toBe('CAIRN_INVALID_ARGUMENT')
  })
})
