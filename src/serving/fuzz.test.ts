import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ServingHandle, startServing } from './serve.js'
import { createTestProject, housingRanges, housingRow, type TestProject } from './test-support/fixtures.js'
import { get, post } from './test-support/http.js'
import { churnModel, housingModel, seeded } from './test-support/models.js'

const SEED = 20261122
const COUNT = 2000

let project: TestProject
let server: ServingHandle

beforeAll(async () => {
  project = await createTestProject()
  await project.register('housing', await housingModel(), 'production', housingRanges)
  await project.register('churn', await churnModel(), 'production')
  server = await startServing({
    models: [{ uri: 'models:/housing@production' }, { uri: 'models:/churn@production' }],
    port: 0,
    trackingUri: project.trackingUri,
    artifactsUri: project.artifactsUri,
    cwd: project.dir,
    pollIntervalSeconds: 0,
    bodyLimit: 32 * 1024,
    maxBatchRows: 100,
  })
})

afterAll(async () => {
  await server?.close()
  await project?.close()
})

describe('fuzzing the prediction routes', () => {
  it(`answers ${COUNT} random and malformed bodies with a 4xx each and stays up`, async () => {
    const random = seeded(SEED)
    const int = (n: number) => Math.floor(random() * n)
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T
    const weird = [
      '',
      'x'.repeat(int(300)),
      '__proto__',
      'constructor',
      'prototype',
      '\u0000',
      '😀',
      '\ud800',
      'NaN',
      '-0',
      '1e400',
    ]
    const value = (depth: number): unknown => {
      switch (int(depth > 3 ? 6 : 9)) {
        case 0:
          return null
        case 1:
          return random() < 0.5
        case 2:
          return pick([0, -1, 1e308, -1e-308, 2 ** 53 + 1, random() * 1e6, int(100)])
        case 3:
          return pick(weird)
        case 4:
          return String.fromCharCode(...Array.from({ length: int(20) }, () => int(0xffff)))
        case 5:
          return pick(['INLAND', 'MARS', 'yes', 'no'])
        case 6:
          return Array.from({ length: int(5) }, () => value(depth + 1))
        case 7:
        case 8: {
          const o: Record<string, unknown> = {}
          for (let i = 0; i < int(6); i++)
            o[pick([...weird, 'median_income', 'tenure', 'columns', 'data', 'inputs'])] = value(depth + 1)
          return o
        }
      }
      return null
    }
    /** A valid row broken on purpose: a required field removed or given a wrong type. */
    const broken = (): Record<string, unknown> => {
      const row: Record<string, unknown> = { ...housingRow }
      const field = pick(['median_income', 'housing_median_age', 'ocean_proximity'])
      if (field === 'ocean_proximity') row[field] = pick(['MARS', 7, [], {}, true])
      else if (random() < 0.5) delete row[field]
      else row[field] = pick([null, 'text', [], {}, true, field === 'median_income' ? -1 : 1.5])
      if (random() < 0.3) row[pick(weird)] = value(2)
      return row
    }
    const bodies = (): { path: string; body: string; type: string } => {
      const path = pick([
        '/v1/models/housing/predict',
        '/v1/models/churn/predict',
        '/v1/models/unknown/predict',
        '/invocations',
        '/v2/models/housing/infer',
        '/v2/models/churn/infer',
        '/v1/feedback',
      ])
      const type =
        random() < 0.85
          ? 'application/json'
          : pick([
              'text/plain',
              'text/csv',
              'application/xml',
              'multipart/form-data',
              'application/x-www-form-urlencoded',
              'application/json; charset=latin1',
            ])
      let body: string
      switch (int(6)) {
        case 0:
          body = String.fromCharCode(...Array.from({ length: int(200) }, () => int(256)))
          break
        case 1: {
          const text = JSON.stringify(random() < 0.5 ? broken() : [housingRow, broken()])
          body = text.slice(0, int(text.length))
          break
        }
        case 2:
          body = JSON.stringify(random() < 0.5 ? broken() : Array.from({ length: 1 + int(4) }, broken))
          break
        case 3:
          body = JSON.stringify(value(0))
          break
        case 4:
          body =
            random() < 0.5
              ? JSON.stringify(Array(101 + int(50)).fill(housingRow))
              : `{"pad":"${'y'.repeat(33 * 1024)}"}`
          break
        default:
          body = `{"a":${'['.repeat(int(2000))}`
      }
      return { path, body, type }
    }
    const predictedBefore = server.metrics.predictions
    const before = (await predictedBefore.get()).values.reduce((a, v) => a + v.value, 0)
    const statuses = new Map<number, number>()
    const unexpected: string[] = []
    for (let i = 0; i < COUNT; i += 50) {
      const batch = Array.from({ length: Math.min(50, COUNT - i) }, bodies)
      const results = await Promise.all(
        batch.map(async (b) => {
          const r = await fetch(server.url + b.path, {
            method: 'POST',
            headers: { 'content-type': b.type },
            body: b.body,
          })
          const text = await r.text()
          return { ...b, status: r.status, text }
        }),
      )
      for (const r of results) {
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
        const ok4xx = r.status >= 400 && r.status < 500
        let coded = false
        try {
          const j = JSON.parse(r.text)
          coded = typeof (j.error?.code ?? j.code) === 'string'
        } catch {}
        if (!ok4xx || !coded)
          unexpected.push(
            `${r.status} ${r.path} ${r.type} ${r.body.slice(0, 120)} -> ${r.text.slice(0, 200)}`,
          )
      }
    }
    expect(unexpected.slice(0, 5)).toEqual([])
    expect([...statuses.keys()].every((s) => [400, 404, 413, 415, 422].includes(s))).toBe(true)
    expect(statuses.size).toBeGreaterThanOrEqual(4)
    expect((await get(`${server.url}/health`)).status).toBe(200)
    const last = await post(`${server.url}/v1/models/housing/predict`, housingRow)
    expect(last.json.version).toBe('1')
    const after = (await server.metrics.predictions.get()).values.reduce((a, v) => a + v.value, 0)
    expect(after - before).toBe(1)
  })
})
