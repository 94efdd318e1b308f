import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Model } from '../ml/index.js'
import { countPredictionLog, readPredictionLog } from './log/read-prediction-log.js'
import { type ServingHandle, startServing } from './serve.js'
import { createTestProject, housingRow, type TestProject } from './test-support/fixtures.js'
import { get, post } from './test-support/http.js'
import { housingModel } from './test-support/models.js'

let project: TestProject
let v1: Model
let v2: Model
const answer = (m: Model, row: Record<string, unknown>) => m.rowPredictor().predict({ ...row }).value

beforeAll(async () => {
  project = await createTestProject()
  v1 = await housingModel(0)
  v2 = await housingModel(200_000) // trained on targets 200k higher
  await project.register('housing', v1, 'production')
  await project.register('housing', v2)
})

afterAll(async () => {
  await project?.close()
})

function serve(
  models: Parameters<typeof startServing>[0]['models'],
  pollIntervalSeconds = 0,
): Promise<ServingHandle> {
  return startServing({
    models,
    port: 0,
    trackingUri: project.trackingUri,
    artifactsUri: project.artifactsUri,
    cwd: project.dir,
    pollIntervalSeconds,
  })
}

async function metric(url: string, name: string): Promise<number> {
  return (await get(`${url}/metrics`)).text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((a, l) => a + Number(l.split(' ').pop()), 0)
}

describe('hot reload', () => {
  it('swaps versions when the alias moves, under continuous load, with zero failed requests; rollback moves it back', async () => {
    const server = await serve([{ uri: 'models:/housing@production' }], 0.05)
    const predict = `${server.url}/v1/models/housing/predict`
    const seen: string[][] = []
    const failures: string[] = []
    let running = true
    const loop = async (k: number) => {
      const versions: string[] = []
      seen[k] = versions
      while (running) {
        const r = await post(predict, housingRow).catch((e: Error) => ({
          status: 0,
          json: undefined,
          text: e.message,
        }))
        if (r.status !== 200) failures.push(`${r.status} ${r.text}`)
        else {
          const version = r.json.version as string
          const value = r.json.predictions[0].prediction as number
          const want = answer(version === '1' ? v1 : v2, housingRow)
          if (Math.abs(value - want) > 1e-6 * Math.abs(want))
            failures.push(`v${version} said ${value}, not ${want}`)
          if (versions.at(-1) !== version) versions.push(version)
        }
      }
    }
    const until = async (cond: () => boolean, ms = 15_000) => {
      const end = Date.now() + ms
      while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
      expect(cond()).toBe(true)
    }
    const loops = Array.from({ length: 6 }, (_, k) => loop(k))
    try {
      await new Promise((r) => setTimeout(r, 200))
      await project.registry.setAlias('housing', 'production', 2)
      await until(() => seen.every((v) => v.at(-1) === '2'))
      await new Promise((r) => setTimeout(r, 200))
      await project.registry.setAlias('housing', 'production', 1) // rollback
      await until(() => seen.every((v) => v.length === 3))
      await new Promise((r) => setTimeout(r, 100))
      // A version whose files are gone: the reload fails and version 1 keeps serving.
      const broken = await project.registry.createModelVersion({
        name: 'housing',
        source: `file://${project.dir}/missing`,
      })
      await project.registry.setAlias('housing', 'production', broken.version)
      await until(() => (server.metrics.reloads.cell('housing', 'failed').value ?? 0) > 0)
      await new Promise((r) => setTimeout(r, 100))
    } finally {
      running = false
      await Promise.all(loops)
    }
    expect(failures).toEqual([])
    for (const versions of seen) expect(versions).toEqual(['1', '2', '1'])
    expect(server.models.get('housing')?.champion.version).toBe('1')
    expect(server.metrics.reloads.cell('housing', 'ok').value).toBe(2)
    const loaded = (await get(`${server.url}/metrics`)).text
      .split('\n')
      .filter((l) => l.startsWith('cairn_model_loaded{'))
    expect(loaded).toEqual(['cairn_model_loaded{model="housing",version="1",variant="champion"} 1'])
    await project.registry.setAlias('housing', 'production', 1)
    await server.close()
  })
})

describe('traffic policies', () => {
  let server: ServingHandle
  beforeAll(async () => {
    server = await serve([
      { uri: 'models:/housing/1', name: 'housing', canary: { uri: 'models:/housing/2', percent: 25 } },
      {
        uri: 'models:/housing/1',
        name: 'sticky',
        canary: { uri: 'models:/housing/2', percent: 25, stickyHeader: 'X-User' },
      },
      { uri: 'models:/housing/1', name: 'shadowed', shadow: { uri: 'models:/housing/2' } },
    ])
  })
  afterAll(async () => {
    await server?.close()
  })

  it('sends the canary its share of requests, visible in responses, metrics and the log', async () => {
    const n = 1600
    const from = Date.now()
    const versions: string[] = []
    for (let i = 0; i < n; i += 16) {
      const batch = await Promise.all(
        Array.from({ length: 16 }, () => post(`${server.url}/v1/models/housing/predict`, housingRow)),
      )
      for (const r of batch) versions.push(r.status === 200 ? r.json.version : `status ${r.status}`)
    }
    expect(versions.filter((v) => v !== '1' && v !== '2')).toEqual([])
    const canary = versions.filter((v) => v === '2').length
    // 25% ± 4 standard deviations of a binomial share
    expect(Math.abs(canary / n - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / n))
    expect(
      await metric(server.url, 'cairn_predictions_total{model="housing",version="2",variant="canary"}'),
    ).toBe(canary)
    expect(
      await metric(server.url, 'cairn_predictions_total{model="housing",version="1",variant="champion"}'),
    ).toBe(n - canary)
    await server.predictionLog?.flush()
    expect(await countPredictionLog(project.metadata, { model: 'housing', variant: 'canary', from })).toBe(
      canary,
    )
    expect(
      await countPredictionLog(project.metadata, {
        model: 'housing',
        variant: 'champion',
        version: '1',
        from,
      }),
    ).toBe(n - canary)
  })

  it('routes by a hash of the sticky header: one user always meets the same version', async () => {
    const url = `${server.url}/v1/models/sticky/predict`
    const perUser = new Map<string, Set<string>>()
    for (let u = 0; u < 200; u++) {
      const user = `user-${u}`
      const rs = await Promise.all(
        [0, 1, 2].map(() => post(url, housingRow, 'application/json', { 'x-user': user })),
      )
      perUser.set(user, new Set(rs.map((r) => r.json.version)))
    }
    expect([...perUser.values()].every((s) => s.size === 1)).toBe(true)
    const share = [...perUser.values()].filter((s) => s.has('2')).length / 200
    expect(Math.abs(share - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / 200))
  })

  it('mirrors every request to the shadow, logs its answers and returns the champion', async () => {
    const ids: string[] = []
    for (let i = 0; i < 10; i++) {
      const r = await post(`${server.url}/v1/models/shadowed/predict`, [
        housingRow,
        { ...housingRow, median_income: i },
      ])
      expect(r.json.version).toBe('1')
      ids.push(...r.json.predictions.map((p: { id: string }) => p.id))
    }
    await new Promise((r) => setTimeout(r, 50))
    await server.predictionLog?.flush()
    const shadows = await readPredictionLog(project.metadata, { model: 'shadowed', variant: 'shadow' })
    expect(shadows.map((s) => s.predictionId).sort()).toEqual(ids.map((id) => `${id}.shadow`).sort())
    expect(shadows.every((s) => s.version === '2')).toBe(true)
    const champion = await readPredictionLog(project.metadata, { model: 'shadowed', variant: 'champion' })
    const byId = new Map(champion.map((c) => [c.predictionId, c]))
    for (const s of shadows) {
      const c = byId.get(s.predictionId.replace('.shadow', ''))
      expect(s.inputs).toEqual(c?.inputs)
      expect(s.prediction as number).toBeCloseTo(answer(v2, s.inputs), 6)
      expect(c?.prediction as number).toBeCloseTo(answer(v1, s.inputs), 6)
    }
    expect(
      await metric(server.url, 'cairn_predictions_total{model="shadowed",version="2",variant="shadow"}'),
    ).toBe(20)
  })
})
