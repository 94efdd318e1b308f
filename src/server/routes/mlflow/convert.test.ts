import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openArtifactStore } from '../../../store/index.js'
import type { Run } from '../../../tracking/index.js'
import { ArtifactUriMapper, runJson } from './convert.js'

function run(i: number, over: Partial<Run['data']> = {}, inputs: Run['inputs'] = { datasetInputs: [] }): Run {
  return {
    info: {
      runId: `${i}`.padStart(32, '0'),
      runName: i % 2 ? `run "${i}" \\ ü\n` : '',
      experimentId: '1',
      userId: 'ana',
      status: 'FINISHED',
      startTime: 1_700_000_000_000 + i,
      endTime: i % 3 ? null : 1_700_000_000_500,
      artifactUri: `file:///tmp/artifacts/1/${i}/artifacts`,
      lifecycleStage: 'active',
    },
    data: {
      metrics: {
        rmse: { key: 'rmse', value: 0.1 + 0.2, timestamp: 5, step: 3 },
        nan: { key: 'nan', value: Number.NaN, timestamp: 1, step: 0 },
        inf: { key: 'inf', value: Number.NEGATIVE_INFINITY, timestamp: 1, step: -1 },
        big: { key: 'big', value: 1e21, timestamp: 2 ** 52, step: 0 },
        zero: { key: 'zero', value: -0, timestamp: 0, step: 0 },
      },
      params: { lr: '0.1', __proto__: 'p', 'a b/c': '"quoted"' } as Record<string, string>,
      tags: { 'mlflow.runName': 'x\u2028y', team: '' },
      ...over,
    },
    inputs,
  }
}

describe('runJson', () => {
  let dir: string
  let uris: ArtifactUriMapper
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-convert-'))
    uris = new ArtifactUriMapper(openArtifactStore(join(dir, 'artifacts')))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  /** What MLflow writes for a run's metrics: every field, non-finite values as strings. */
  const mlflowMetrics = (r: Run) =>
    Object.values(r.data.metrics).map((m) => ({
      key: m.key,
      value: Number.isFinite(m.value)
        ? m.value + 0 // JSON writes -0 as 0
        : Number.isNaN(m.value)
          ? 'NaN'
          : m.value > 0
            ? 'Infinity'
            : '-Infinity',
      timestamp: m.timestamp,
      step: m.step,
    }))

  it("writes MLflow's metric list, with NaN and ±Infinity as strings", () => {
    const withSpecial = run(0)
    const finite = run(1, {
      metrics: {
        rmse: { key: 'rmse', value: 0.30000000000000004, timestamp: 5, step: 3 },
        big: { key: 'big', value: 1e21, timestamp: 2 ** 52, step: 0 },
      },
    })
    for (const r of [withSpecial, finite]) {
      const text = JSON.stringify(runJson(r, uris))
      const back = JSON.parse(text) as { data: { metrics: unknown[]; params: unknown[] } }
      expect(back.data.metrics).toEqual(mlflowMetrics(r))
      expect(text).toContain('"key":"rmse","value":')
    }
    expect(JSON.stringify(runJson(withSpecial, uris))).toContain('"value":"NaN"')
    expect(JSON.parse(JSON.stringify(runJson(run(2, { metrics: {}, params: {}, tags: {} }), uris)))).toEqual({
      info: expect.objectContaining({ run_id: run(2).info.runId }),
      data: {},
      inputs: {},
    })
  })
})
