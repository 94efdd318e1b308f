import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeFrame, numericColumn } from '../../data/index.js'
import { definePipeline, openPipelineWorkspace } from '../../pipelines/index.js'
import { createNotifiers, parseAlertRules } from '../alerts/index.js'
import { Monitor } from '../monitor/monitor.js'
import { profileReference } from '../quality/index.js'
import { MonitorStore } from '../store/index.js'
import {
  binaryData,
  createRegistryProject,
  type RegistryProject,
  trainOn,
} from '../test-support/registry-project.js'
import { evaluateChallenger, GATE_EVENT_KINDS } from './evaluate-challenger.js'
import { pipelineTrainer } from './pipeline-trainer.js'
import { RetrainingGate } from './retraining-gate.js'

let p: RegistryProject
beforeEach(async () => {
  p = await createRegistryProject()
})
afterEach(async () => {
  await p.close()
})

describe('the promotion gate', () => {
  it('rejects a worse challenger and promotes a better one, both decisions in the model history', async () => {
    const train = binaryData(3000, 1)
    const heldOut = binaryData(2000, 2)
    const champion = await p.register('churn', await trainOn(train, ['x1']), 'production')
    const worse = await p.register('churn', await trainOn(train, ['noise']))
    const better = await p.register('churn', await trainOn(train, ['x1', 'x2', 'x3']))

    const rejected = await evaluateChallenger({
      registry: p.registry,
      model: 'churn',
      challenger: worse,
      heldOut,
      target: 'y',
      margin: 0.02,
    })
    expect(rejected.decision).toBe('reject')
    expect(rejected.champion?.version).toBe(champion)
    expect(rejected.challenger.metrics.accuracy).toBeLessThan(rejected.champion?.metrics.accuracy as number)
    expect(rejected.reasons[0]).toMatch(/accuracy .* vs champion v1 .*: not better/)
    expect((await p.registry.getModelVersionByAlias('churn', 'production')).version).toBe(champion)

    const promoted = await evaluateChallenger({
      registry: p.registry,
      model: 'churn',
      challenger: better,
      heldOut,
      target: 'y',
      margin: 0.02,
    })
    expect(promoted.decision).toBe('promote')
    expect(promoted.delta).toBeGreaterThan(0.02)
    expect((await p.registry.getModelVersionByAlias('churn', 'production')).version).toBe(better)

    const history = await p.registry.history('churn', {
      kinds: [GATE_EVENT_KINDS.promote, GATE_EVENT_KINDS.reject],
    })
    expect(history.map((e) => [e.kind, e.version, e.from, e.to])).toEqual([
      ['gate_promote', better, String(champion), String(better)],
      ['gate_reject', worse, String(champion), String(champion)],
    ])
    const payload = history[0]?.payload as {
      champion: { metrics: Record<string, number> }
      challenger: { metrics: Record<string, number> }
      metric: string
      margin: number
    }
    expect(payload.metric).toBe('accuracy')
    expect(payload.margin).toBe(0.02)
    expect(payload.champion.metrics.accuracy).toBeCloseTo(promoted.champion?.metrics.accuracy as number, 12)
    expect(payload.challenger.metrics.accuracy).toBeCloseTo(
      promoted.challenger.metrics.accuracy as number,
      12,
    )
    const aliasEvents = await p.registry.history('churn', { kinds: ['alias_set'] })
    expect(aliasEvents[0]?.comment).toMatch(/retraining gate: accuracy/)
  })

  it('rejects when the margin is not met, the held-out data fails quality checks, or the challenger cannot predict', async () => {
    const train = binaryData(2000, 3)
    const heldOut = binaryData(1500, 4)
    await p.register('churn', await trainOn(train, ['x1', 'x2']), 'production')
    const slightly = await p.register('churn', await trainOn(train, ['x1', 'x2', 'x3']))
    const margin = await evaluateChallenger({
      registry: p.registry,
      model: 'churn',
      challenger: slightly,
      heldOut,
      target: 'y',
      margin: 0.5,
    })
    expect(margin.decision).toBe('reject')
    expect(margin.reasons[0]).toMatch(/less than the margin 0.5/)

    const broken = makeFrame([
      ...heldOut.columns.filter((c) => c.name !== 'x2'),
      numericColumn('x2', new Float64Array(heldOut.rowCount).fill(Number.NaN)),
    ])
    const quality = await evaluateChallenger({
      registry: p.registry,
      model: 'churn',
      challenger: slightly,
      heldOut: broken,
      target: 'y',
      quality: { reference: profileReference(train) },
    })
    expect(quality.decision).toBe('reject')
    expect(quality.reasons.join(' ')).toMatch(/data-quality check/)
    expect(quality.reasons.join(' ')).toMatch(/challenger gave 1500 invalid prediction|failed to predict/)
    expect((await p.registry.history('churn', { kinds: ['gate_reject'] })).length).toBe(2)
  })

  it('promotes the first challenger when no version holds the alias', async () => {
    const v = await p.register('fresh', await trainOn(binaryData(800, 5), ['x1', 'x2', 'x3']))
    const d = await evaluateChallenger({
      registry: p.registry,
      model: 'fresh',
      challenger: v,
      heldOut: binaryData(500, 6),
      target: 'y',
    })
    expect(d).toMatchObject({ decision: 'promote', champion: null, delta: null })
    expect((await p.registry.getModelVersionByAlias('fresh', 'production')).version).toBe(v)
  })
})

describe('retraining triggered by monitoring', () => {
  it('runs the training pipeline when drift is detected and gates the version it registers', async () => {
    const reference = binaryData(3000, 10)
    await p.register('churn', await trainOn(reference, ['x1']), 'production')
    let trained = 0
    const workspace = await openPipelineWorkspace({
      cwd: p.root,
      definitions: {
        retrain: definePipeline({
          stages: {
            train: {
              run: async (ctx) => {
                trained++
                const fresh = binaryData(3000, 20 + trained)
                await p.register('churn', await trainOn(fresh, ['x1', 'x2', 'x3']))
                const { writeFile } = await import('node:fs/promises')
                await writeFile(ctx.path('model.txt'), `trained ${trained}\n`)
              },
              outs: ['model.txt'],
            },
          },
        }),
      },
    })
    try {
      const store = new MonitorStore(p.metadata)
      const features = (f: ReturnType<typeof binaryData>) => ({
        rowCount: f.rowCount,
        columns: f.columns.filter((c) => c.name !== 'y'),
      })
      const monitor = new Monitor({
        name: 'churn',
        config: { model: 'churn', retrain: { pipeline: 'retrain', when: 'dataset_drift', margin: 0.01 } },
        reference: { frame: features(reference) },
        store,
        rules: parseAlertRules([{ name: 'DatasetDrift', when: 'dataset_drift', notify: ['log'] }]),
        notifiers: createNotifiers(),
      })
      const gate = new RetrainingGate({
        model: 'churn',
        config: { pipeline: 'retrain', when: 'DatasetDrift', margin: 0.01 },
        registry: p.registry,
        train: pipelineTrainer(workspace, { pipeline: 'retrain' }),
        heldOut: async () => binaryData(2000, 99),
        target: 'y',
        reference: profileReference(features(reference)),
        ruleNames: ['DatasetDrift'],
      })
      const calm = await monitor.runBatch({ frame: features(binaryData(1500, 11)) }, 'calm', 1000)
      expect(await gate.onResult(calm)).toBeNull()
      expect(trained).toBe(0)

      const shifted = binaryData(1500, 12)
      for (const c of shifted.columns)
        if (c.type === 'number')
          for (let i = 0; i < c.values.length; i++) c.values[i] = (c.values[i] as number) * 1.5 + 0.5
      const drifted = await monitor.runBatch({ frame: features(shifted) }, 'drifted', 2000)
      expect(drifted.result.drift?.datasetDrift).toBe(true)
      const outcome = await gate.onResult(drifted)
      expect(trained).toBe(1)
      expect(outcome).toMatchObject({ status: 'decided', challenger: 2, decision: { decision: 'promote' } })
      expect(outcome?.training.ok).toBe(true)
      expect(outcome?.decision?.trigger).toMatchObject({
        reason: 'alert DatasetDrift fired in drifted',
        monitor: 'churn',
        window: 'drifted',
      })
      expect((await p.registry.getModelVersionByAlias('churn', 'production')).version).toBe(2)
      const [event] = await p.registry.history('churn', { kinds: ['gate_promote'] })
      expect(event?.payload).toMatchObject({ trigger: { trainingRunId: outcome?.training.runId } })
    } finally {
      await workspace.close()
    }
  })
})

describe('the gate applies the monitor’s quality settings to the held-out data', () => {
  it('uses qualityOptions for the held-out check (stricter here: one out-of-range value rejects)', async () => {
    const reference = binaryData(3000, 30)
    await p.register('churn', await trainOn(reference, ['x1']), 'production')
    const heldOut = binaryData(2000, 31)
    const x1 = heldOut.columns.find((c) => c.name === 'x1') as { values: Float64Array }
    x1.values[0] = 1000
    const features = {
      rowCount: reference.rowCount,
      columns: reference.columns.filter((c) => c.name !== 'y'),
    }
    const gate = (qualityOptions?: { maxOutOfRangeShare: number }) =>
      new RetrainingGate({
        model: 'churn',
        config: { when: 'dataset_drift' },
        registry: p.registry,
        train: async () => {
          await p.register('churn', await trainOn(reference, ['x1', 'x2', 'x3']))
          return { ok: true }
        },
        heldOut: async () => heldOut,
        target: 'y',
        reference: profileReference(features),
        ...(qualityOptions ? { qualityOptions } : {}),
      })
    const strict = await gate({ maxOutOfRangeShare: 0 }).retrain('test')
    expect(strict.decision?.decision).toBe('reject')
    expect(strict.decision?.qualityFailures.map((q) => q.check)).toContain('out_of_range')
    const lenient = await gate().retrain('test')
    expect(lenient.decision?.decision).toBe('promote')
  })
})
