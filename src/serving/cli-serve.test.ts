import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countPredictionLog } from './log/read-prediction-log.js'
import { runCairn, servedUrl } from './test-support/cli.js'
import { createTestProject, housingRow, type TestProject } from './test-support/fixtures.js'
import { get, post } from './test-support/http.js'
import { housingModel } from './test-support/models.js'

let project: TestProject

beforeAll(async () => {
  project = await createTestProject()
  await project.register('housing', await housingModel(), 'production')
})

afterAll(async () => {
  await project?.close()
})

const serveArgs = () => [
  'serve',
  'models:/housing@production',
  '--port',
  '0',
  '--tracking-uri',
  project.trackingUri,
  '--artifacts-uri',
  project.artifactsUri,
]

describe('the cairn serve command', () => {
  it('serves a registered model and drains in-flight requests on SIGTERM, logging every answer', async () => {
    const p = runCairn(serveArgs())
    try {
      const url = await servedUrl(p)
      const predict = `${url}/v1/models/housing/predict`
      expect((await post(predict, housingRow)).status).toBe(200)
      let stopping = false
      let ok = 1
      const bad: string[] = []
      const loop = async () => {
        for (;;) {
          try {
            const r = await post(predict, [housingRow, housingRow])
            if (r.status === 200) ok += 2
            else if (r.status !== 503) bad.push(`${r.status} ${r.text}`)
          } catch (err) {
            // Once the server stops accepting connections, new requests are refused: that ends the loop.
            if (!stopping) bad.push(String(err))
            return
          }
        }
      }
      const loops = Array.from({ length: 4 }, loop)
      await new Promise((r) => setTimeout(r, 400))
      stopping = true
      p.child.kill('SIGTERM')
      expect(await p.exited).toBe(0)
      await Promise.all(loops)
      expect(bad).toEqual([])
      expect(ok).toBeGreaterThan(10)
      // Everything answered with 200 was written before the process exited.
      expect(await countPredictionLog(project.metadata, { model: 'housing' })).toBe(ok)
    } finally {
      p.child.kill('SIGKILL')
    }
  })

  it('writes one JSON access line per request in batches, all of them out by the time it exits', async () => {
    const p = runCairn(serveArgs(), { env: { CAIRN_LOG_LEVEL: 'info' } })
    try {
      const url = await servedUrl(p)
      const predict = `${url}/v1/models/housing/predict`
      for (let i = 0; i < 30; i++) expect((await post(predict, housingRow)).status).toBe(200)
      expect((await post(predict, { ...housingRow, median_income: 'high' })).status).toBe(422)
      p.child.kill('SIGTERM')
      expect(await p.exited).toBe(0)
      const lines = p
        .stderr()
        .split('\n')
        .filter((l) => l.includes('"log":"access"'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
      const predictions = lines.filter((l) => l.url === '/v1/models/housing/predict')
      expect(predictions.filter((l) => l.status === 200)).toHaveLength(30)
      expect(predictions.filter((l) => l.status === 422)).toHaveLength(1)
      expect(predictions[0]).toMatchObject({
        component: 'serving',
        method: 'POST',
        model: 'housing',
        rows: 1,
      })
      expect(typeof predictions[0]?.ms).toBe('number')
    } finally {
      p.child.kill('SIGKILL')
    }
  })

  it('runs one worker per requested core behind one port, with cluster-wide metrics', async () => {
    const p = runCairn([...serveArgs(), '--workers', '2'])
    try {
      // The primary prints the port it was given; with port 0 each worker still shares one port.
      const url = await servedUrl(p, 90_000)
      const end = Date.now() + 90_000
      while ((p.stderr().match(/worker \d+ listening/g) ?? []).length < 2 && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 50))
      }
      const before = await countPredictionLog(project.metadata, { model: 'housing' })
      const prefixes = new Set<string>()
      for (let i = 0; i < 40; i++) {
        const rs = await Promise.all(
          Array.from({ length: 5 }, () => post(`${url}/v1/models/housing/predict`, housingRow)),
        )
        for (const r of rs) {
          expect(r.status).toBe(200)
          prefixes.add((r.json.predictions[0].id as string).split('-')[0] as string)
        }
      }
      expect(prefixes.size).toBe(2)
      const text = (await get(`${url}/metrics`)).text
      const requests = text
        .split('\n')
        .filter((l) => l.startsWith('cairn_requests_total{'))
        .reduce((a, l) => a + Number(l.split(' ').pop()), 0)
      expect(requests).toBe(200)
      p.child.kill('SIGTERM')
      expect(await p.exited).toBe(0)
      expect((await countPredictionLog(project.metadata, { model: 'housing' })) - before).toBe(200)
    } finally {
      p.child.kill('SIGKILL')
    }
  }, 150_000)
})
