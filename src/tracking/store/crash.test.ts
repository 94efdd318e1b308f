import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createPostgresDatabase, useService } from '../../../test/support/use-service.js'
import { openArtifactStore, openMetadataStore } from '../../store/index.js'
import { StoreTrackingClient } from './store-tracking-client.js'

const METRICS = 900
const PARAMS = 100
const storeIndex = fileURLToPath(new URL('../../store/index.ts', import.meta.url))
const clientModule = fileURLToPath(new URL('./store-tracking-client.ts', import.meta.url))

/**
 * A writer process that logs full batches (900 metrics + 100 params = MLflow's 1000-entry limit)
 * back to back, printing `begin N` before and `done N` after each, until it is killed.
 */
const writerSource = `
import { openArtifactStore, openMetadataStore } from ${JSON.stringify(storeIndex)}
import { StoreTrackingClient } from ${JSON.stringify(clientModule)}
const [uri, artifacts, runId] = process.argv.slice(2)
const client = new StoreTrackingClient({ metadata: await openMetadataStore(uri), artifacts: openArtifactStore(artifacts) })
for (let b = 0; ; b++) {
  const metrics = Array.from({ length: ${METRICS} }, (_, i) => ({ key: 'loss', value: Math.random(), step: b * ${METRICS} + i, timestamp: 1 }))
  const params = Array.from({ length: ${PARAMS} }, (_, i) => ({ key: 'b' + b + '_p' + i, value: String(i) }))
  process.stdout.write('begin ' + b + '\\n')
  await client.logBatch(runId, { metrics, params })
  process.stdout.write('done ' + b + '\\n')
}
`

/** Start the writer, SIGKILL it at a random moment after it finished `minBatches`; return what it said. */
async function killMidBatch(
  script: string,
  args: string[],
  minBatches: number,
): Promise<{ begun: number; done: number }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let begun = -1
  let done = -1
  let stderr = ''
  child.stderr!.on('data', (d) => {
    stderr += d
  })
  await new Promise<void>((resolve, reject) => {
    let buffered = ''
    let armed = false
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        const [what, n] = line.split(' ')
        if (what === 'begin') begun = Number(n)
        if (what === 'done') done = Number(n)
      }
      if (!armed && done >= minBatches) {
        armed = true
        // Land anywhere in the next batch: before, inside or right after its transaction.
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 15)
      }
    })
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve()
      else reject(new Error(`writer exited with ${code}: ${stderr}`))
    })
  })
  return { begun, done }
}

async function checkAllOrNothing(
  uri: string,
  artifacts: string,
  runId: string,
  said: { begun: number; done: number },
) {
  const metadata = await openMetadataStore(uri)
  try {
    const client = new StoreTrackingClient({ metadata, artifacts: openArtifactStore(artifacts) })
    const steps = await metadata.db
      .selectFrom('metrics')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('step').as('max')])
      .where('run_uuid', '=', runId)
      .executeTakeFirstOrThrow()
    const params = Object.keys((await client.getRun(runId)).data.params)
    const perBatch = new Map<number, number>()
    for (const k of params) {
      const b = Number(k.slice(1, k.indexOf('_')))
      perBatch.set(b, (perBatch.get(b) ?? 0) + 1)
    }
    const stored = perBatch.size
    // Every batch is whole: 100 params and 900 metrics, or absent.
    for (const n of perBatch.values()) expect(n).toBe(PARAMS)
    expect(Number(steps.n)).toBe(stored * METRICS)
    if (stored > 0) expect(Number(steps.max)).toBe(stored * METRICS - 1)
    // Batches reported done are all there; the one in flight is there or not, never in part.
    expect(stored).toBeGreaterThanOrEqual(said.done + 1)
    expect(stored).toBeLessThanOrEqual(said.begun + 1)
    const latest = (await client.getRun(runId)).data.metrics.loss
    if (stored > 0) expect(latest?.step).toBe(stored * METRICS - 1)
    return { stored, inFlight: said.begun > said.done }
  } finally {
    await metadata.close()
  }
}

async function crashScenario(uri: string, dir: string, rounds: number) {
  const artifacts = join(dir, 'artifacts')
  const script = join(dir, 'writer.mts')
  await writeFile(script, writerSource)
  const metadata = await openMetadataStore(uri)
  const setup = new StoreTrackingClient({ metadata, artifacts: openArtifactStore(artifacts) })
  const exp = await setup.createExperiment({ name: 'crash' })
  const results: Array<{ stored: number; inFlight: boolean }> = []
  for (let round = 0; round < rounds; round++) {
    const run = await setup.createRun({ experimentId: exp.experimentId })
    const said = await killMidBatch(script, [uri, artifacts, run.info.runId], 2)
    results.push(await checkAllOrNothing(uri, artifacts, run.info.runId, said))
  }
  await metadata.close()
  // The kill landed while a batch was being written at least once (its "begin" printed, no "done").
  expect(results.some((r) => r.inFlight)).toBe(true)
}

describe('a writer killed with SIGKILL in the middle of a batch', () => {
  it('leaves each batch whole or absent on SQLite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-crash-'))
    try {
      await crashScenario(`sqlite:///${join(dir, 'cairn.db')}`, dir, 3)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  const pg = useService('postgres')
  it.skipIf(pg.skip)('leaves each batch whole or absent on PostgreSQL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cairn-crash-'))
    try {
      await crashScenario(await createPostgresDatabase(pg.require()), dir, 2)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
