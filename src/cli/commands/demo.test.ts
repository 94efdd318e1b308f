import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url))

function cairn(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env: { ...process.env, CAIRN_FROM_SOURCE: '1', NO_COLOR: '1' }, timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

describe('cairn demo and the tracking/registry commands', () => {
  let dir: string
  let demo: Awaited<ReturnType<typeof cairn>>
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-cli-'))
    demo = await cairn(dir, 'demo', '--exit', '--port', '0')
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('starts the server on the embedded store, logs a sample run and registers a model', () => {
    expect(demo.stderr).toBe('')
    expect(demo.code).toBe(0)
    expect(demo.stdout).toMatch(/Cairn server listening on http:\/\/127\.0\.0\.1:\d+/)
    expect(demo.stdout).toContain('/docs')
    expect(demo.stdout).toContain(join(dir, '.cairn', 'cairn.db'))
    expect(demo.stdout).toMatch(/Registered demo-housing v1 as models:\/demo-housing@champion/)
  })

  it('searches what the demo logged', async () => {
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
