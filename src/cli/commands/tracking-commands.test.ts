import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCairnCli } from '../../../test/support/cairn-cli.js'
import { frameFromRows } from '../../data/index.js'
import { ridge, rmse, toBundle } from '../../ml/index.js'
import { Cairn } from '../../sdk/index.js'

const cairn = runCairnCli

/** Rows y = 3·a − 2·b + noise, seeded. */
function rows(n: number, seed: number): Record<string, number>[] {
  let s = seed
  const r = () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
  return Array.from({ length: n }, () => {
    const a = r() * 10
    const b = r() * 10
    return { a, b, y: 3 * a - 2 * b + (r() - 0.5) * 4 }
  })
}

/** A ridge sweep: a parent run with five child runs (one per alpha), the best registered as @champion. */
async function logSweep(cwd: string): Promise<void> {
  const c = await Cairn.open({ cwd })
  try {
    const train = frameFromRows(rows(400, 1))
    const valid = frameFromRows(rows(100, 2))
    const y = valid.columns.find((x) => x.name === 'y') as { values: Float64Array }
    await c.tracking.withRun({ experiment: 'demo-housing', runName: 'ridge-sweep' }, async (parent) => {
      let best: { rmse: number; model?: Awaited<ReturnType<ReturnType<typeof ridge>['fit']>> } = {
        rmse: Number.POSITIVE_INFINITY,
      }
      for (const alpha of [0.01, 0.1, 1, 10, 100]) {
        await c.tracking.withRun(
          { experiment: 'demo-housing', runName: `ridge-alpha-${alpha}`, parentRunId: parent.id },
          async (child) => {
            await child.logParams({ model: 'ridge', alpha })
            const model = await ridge({ alpha }).fit(train, { target: 'y' })
            const e = rmse(y.values, model.predict(valid).values)
            child.logMetrics({ rmse: e })
            if (e < best.rmse) best = { rmse: e, model }
          },
        )
      }
      await c.registry.logModel('demo-housing', parent.id, toBundle(best.model!), { aliases: ['champion'] })
    })
  } finally {
    await c.close()
  }
}

describe('the tracking and registry commands', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-cli-'))
    await logSweep(dir)
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('searches the logged runs with a filter and an order', async () => {
    const found = await cairn(
      dir,
      'runs',
      'search',
      '-e',
      'demo-housing',
      '--filter',
      "params.model = 'ridge' and metrics.rmse > 0",
      '--order-by',
      'metrics.rmse ASC',
      '--json',
    )
    expect(found.code).toBe(0)
    const runs = JSON.parse(found.stdout) as Array<{ data: { metrics: Record<string, { value: number }> } }>
    expect(runs).toHaveLength(5)
    const rmse = runs.map((r) => r.data.metrics.rmse!.value)
    expect([...rmse].sort((a, b) => a - b)).toEqual(rmse)
  })

  it('promotes a version and lists versions with aliases and stages', async () => {
    const promoted = await cairn(
      dir,
      'models',
      'promote',
      'demo-housing',
      '1',
      '--alias',
      'production',
      '--stage',
      'Production',
    )
    expect(promoted.code).toBe(0)
    const versions = JSON.parse((await cairn(dir, 'models', 'versions', 'demo-housing', '--json')).stdout)
    expect(versions[0]).toMatchObject({
      version: 1,
      currentStage: 'Production',
      aliases: ['champion', 'production'],
    })
  })

  it('reports bad input with the code, the offending token and exit status 2', async () => {
    const bad = await cairn(dir, 'runs', 'search', '--filter', 'metrics.rmse < and x')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('CAIRN_INVALID_FILTER')
    expect(bad.stderr).toContain('position 15')
  })
})
