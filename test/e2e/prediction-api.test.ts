import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cairn } from '../../src/sdk/index.js'
import { readPredictionLog } from '../../src/serving/index.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const example = join(repo, 'examples', 'prediction-api')
const env = { ...process.env, NO_COLOR: '1', CAIRN_FROM_SOURCE: '1' }

interface Result {
  code: number
  stdout: string
  stderr: string
}

function run(cwd: string, command: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/** A seeded generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const OCEAN = ['<1H OCEAN', 'INLAND', 'NEAR OCEAN', 'NEAR BAY'] as const
const PREMIUM = [60_000, -30_000, 80_000, 90_000]

/**
 * A California-housing-shaped CSV (same columns, plausible ranges, 1% missing total_bedrooms,
 * prices driven by income, location and age plus noise, capped at 500,001 like the real file).
 */
function housingCsv(rows: number): string {
  const r = random(7)
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())
  const lines = [
    'longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,households,median_income,median_house_value,ocean_proximity',
  ]
  for (let i = 0; i < rows; i++) {
    const o = Math.min(3, Math.floor(r() * 4))
    const households = 40 + Math.floor(r() * 1200)
    const rooms = Math.round(households * (3 + 4 * r()))
    const bedrooms = r() < 0.01 ? '' : String(Math.round(rooms * (0.15 + 0.1 * r())))
    const income = Math.min(15, Math.max(0.5, 3.6 * Math.exp(0.45 * gauss())))
    const age = 1 + Math.floor(r() * 52)
    const lat = 32.6 + 9 * r()
    const value = Math.round(
      Math.min(
        500_001,
        Math.max(15_000, 38_000 * income + (PREMIUM[o] as number) + 700 * age + 25_000 * gauss()),
      ),
    )
    lines.push(
      [
        (-124 + 9.5 * r()).toFixed(2),
        lat.toFixed(2),
        age,
        rooms,
        bedrooms,
        Math.round(households * (2 + 2 * r())),
        households,
        income.toFixed(4),
        value,
        OCEAN[o],
      ].join(','),
    )
  }
  return `${lines.join('\n')}\n`
}

/**
 * examples/prediction-api as its README walks through it, in a temp copy: the housing CSV comes
 * from a URL (a server this test starts), `cairn run` trains, registers and promotes both models,
 * the deployment gate blocks a worse housing model, `cairn serve` answers both with the audit log,
 * feedback and /metrics, the traffic script and the monitors work on what was logged.
 */
describe('examples/prediction-api', () => {
  let dir: string
  let http: Server
  let csvRequests = 0
  let serving: ChildProcess | undefined
  const cairn = (...args: string[]) => run(dir, process.execPath, [join(repo, 'bin', 'cairn.js'), ...args])

  beforeAll(async () => {
    // the stages import `cairn`, i.e. the build, through node_modules/cairn
    if (!existsSync(join(repo, 'dist', 'index.js')))
      throw new Error('dist/ is missing: run `npm run build` (npm install does it) before these tests')
    dir = await mkdtemp(join(tmpdir(), 'cairn-e2e-prediction-api-'))
    const skip = new Set(['node_modules', '.cairn', 'data', 'models', 'metrics', 'reports', 'cairn.lock'])
    await cp(example, dir, {
      recursive: true,
      filter: (src) => !skip.has(relative(example, src).split('/')[0] ?? ''),
    })
    const csv = housingCsv(1600)
    http = createServer((req, res) => {
      csvRequests++
      if (req.url !== '/housing.csv') {
        res.writeHead(404).end()
        return
      }
      res.writeHead(200, { 'content-type': 'text/csv', etag: '"housing-v1"' }).end(csv)
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/housing.csv`
    const params = (await readFile(join(dir, 'params.yaml'), 'utf8'))
      .replace(/housing_csv: .*/, `housing_csv: ${url}`)
      .replace('n_estimators: 300', 'n_estimators: 80')
    await writeFile(join(dir, 'params.yaml'), params)
    const linked = await run(dir, process.execPath, ['scripts/link-cairn.mjs', repo])
    expect(linked.stderr).toBe('')
    expect(linked.stdout).toMatch(/linked node_modules\/cairn -> /)
  })

  afterAll(async () => {
    serving?.kill('SIGTERM')
    await new Promise((resolve) => http?.close(resolve))
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('runs the six stages and registers both models as @champion', async () => {
    const r = await cairn('run')
    expect(r.stderr + r.stdout).toMatch(/6 ran/)
    expect(r.code).toBe(0)
    expect(csvRequests).toBeGreaterThan(0)
    const deploy = JSON.parse(await readFile(join(dir, 'metrics/deploy.json'), 'utf8'))
    const evaluation = JSON.parse(await readFile(join(dir, 'metrics/evaluate.json'), 'utf8'))
    expect(Object.keys(evaluation.housing.candidates).sort()).toEqual(['gbdt', 'ridge'])
    const { gbdt, ridge } = evaluation.housing.candidates
    expect(evaluation.housing.best).toBe(gbdt.rmse < ridge.rmse ? 'gbdt' : 'ridge')
    expect(Math.max(gbdt.r2, ridge.r2)).toBeGreaterThan(0.6)
    expect(evaluation.iris.best_value).toBeGreaterThan(0.8)
    expect(deploy).toMatchObject({
      housing: { decision: 'promote', candidate: evaluation.housing.best, version: 1 },
      iris: { decision: 'promote', candidate: evaluation.iris.best, version: 1 },
    })
    const list = JSON.parse((await cairn('models', 'list', '--json')).stdout) as {
      name: string
      aliases: Record<string, number>
    }[]
    expect(list.map((m) => [m.name, m.aliases.champion])).toEqual([
      ['housing', 1],
      ['iris', 1],
    ])
    const prepared = JSON.parse(await readFile(join(dir, 'metrics/prepare.json'), 'utf8'))
    expect(prepared).toMatchObject({ housing: { rows: 1600 }, iris: { rows: 150 } })
  })

  it('blocks a housing model worse than the champion and leaves the champion serving', async () => {
    const params = await readFile(join(dir, 'params.yaml'), 'utf8')
    await writeFile(
      join(dir, 'params.yaml'),
      params.replace('candidates: [gbdt, ridge]', 'candidates: [baseline]'),
    )
    try {
      const r = await cairn('run')
      expect(r.code).not.toBe(0)
      expect(r.stderr).toMatch(/deploy/)
      expect(r.stderr).toMatch(
        /Deployment blocked: housing baseline \(rmse [\d.]+ vs champion [\d.]+: worse by/,
      )
      // the deploy stage's own code and hint reach the user, not only the run's CAIRN_STAGE_FAILED
      expect(r.stderr).toContain('CAIRN_GATE_REJECTED')
      expect(r.stderr).toContain(
        'The champion keeps serving. Improve the model (params.yaml, src/lib/candidates.ts) and run `cairn run` again, or raise deploy.tolerance.',
      )
      expect(r.stdout + r.stderr).toMatch(/up to date/)
    } finally {
      await writeFile(join(dir, 'params.yaml'), params)
    }
    const history = JSON.parse((await cairn('models', 'history', 'housing', '--json')).stdout) as {
      kind: string
      version: number | null
      payload: { candidate?: string; delta?: number } | null
    }[]
    const block = history.find((e) => e.kind === 'deploy_block')
    expect(block).toMatchObject({ version: null, payload: { candidate: 'baseline' } })
    expect(block?.payload?.delta).toBeGreaterThan(0)
    const show = JSON.parse((await cairn('models', 'list', '--json')).stdout) as {
      name: string
      aliases: Record<string, number>
      latestVersions: { version: number }[]
    }[]
    const housing = show.find((m) => m.name === 'housing')
    expect(housing?.aliases.champion).toBe(1)
    expect(Math.max(...(housing?.latestVersions.map((v) => v.version) ?? []))).toBe(1)
  })

  it('serves both models from serving.yaml with the audit log, feedback and /metrics', async () => {
    serving = spawn(
      process.execPath,
      [join(repo, 'bin', 'cairn.js'), 'serve', '-c', 'serving.yaml', '--port', '0'],
      {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const url = await new Promise<string>((resolve, reject) => {
      let text = ''
      const timer = setTimeout(() => reject(new Error(`cairn serve did not start:\n${text}`)), 60_000)
      serving?.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk
        const m = /listening on (http:\/\/\S+?)[\s)]/.exec(text)
        if (m?.[1]) {
          clearTimeout(timer)
          resolve(m[1])
        }
      })
    })
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    }
    const house = await post('/v1/models/housing/predict', {
      longitude: -122.23,
      latitude: 37.88,
      housing_median_age: 41,
      total_rooms: 880,
      total_bedrooms: null,
      population: 322,
      households: 126,
      median_income: 8.3252,
      ocean_proximity: 'NEAR BAY',
    })
    expect(house.status).toBe(200)
    const hp = (house.body.predictions as { id: string; prediction: number }[])[0]
    expect(house.body.version).toBe('1')
    expect(hp?.prediction).toBeGreaterThan(100_000)
    const flower = await post('/v1/models/iris/predict', {
      sepal_length: 5.1,
      sepal_width: 3.5,
      petal_length: 1.4,
      petal_width: 0.2,
    })
    expect(flower.status).toBe(200)
    const fp = (flower.body.predictions as { id: string; prediction: string }[])[0]
    expect(fp?.prediction).toBe('setosa')
    const bad = await post('/v1/models/iris/predict', { sepal_length: 'long' })
    expect(bad.status).toBe(422)
    const fb = await post('/v1/feedback', [
      { predictionId: hp?.id, label: 452_600 },
      { predictionId: fp?.id, label: 'setosa' },
    ])
    expect(fb).toEqual({ status: 200, body: { accepted: 2 } })

    const metrics = await (await fetch(`${url}/metrics`)).text()
    expect(metrics).toMatch(
      /cairn_requests_total\{model="housing",version="1",route="native",status="200"\} 1/,
    )
    expect(metrics).toMatch(/cairn_requests_total\{model="iris",version="1",route="native",status="200"\} 1/)
    expect(metrics).toMatch(/cairn_model_loaded\{model="housing",version="1",variant="champion"\} 1/)
    expect(metrics).toMatch(/cairn_feedback_total 2/)

    const sdk = await Cairn.open({ cwd: dir })
    try {
      const store = sdk.context.metadata as NonNullable<Cairn['context']['metadata']>
      // the log is written in the background (flushIntervalMs in serving.yaml)
      const deadline = Date.now() + 10_000
      let logged = await readPredictionLog(store, { model: 'housing' })
      while ((logged.length === 0 || logged[0]?.label === undefined) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200))
        logged = await readPredictionLog(store, { model: 'housing' })
      }
      expect(logged).toHaveLength(1)
      expect(logged[0]).toMatchObject({
        predictionId: hp?.id,
        version: '1',
        prediction: hp?.prediction,
        label: 452_600,
        inputs: { ocean_proximity: 'NEAR BAY', median_income: 8.3252 },
      })
      const irisLog = await readPredictionLog(store, { model: 'iris' })
      expect(irisLog.map((r) => [r.prediction, r.label])).toEqual([['setosa', 'setosa']])
    } finally {
      await sdk.close()
    }

    const traffic = await run(dir, process.execPath, [
      '--import',
      'tsx',
      'scripts/traffic.ts',
      '--url',
      url,
      '--rows',
      '60',
    ])
    expect(traffic.stderr).toBe('')
    expect(traffic.stdout).toMatch(
      /housing: 60 predictions \(v1: 60\), \d+ labels sent to \/v1\/feedback; rmse \d+/,
    )
    expect(traffic.stdout).toMatch(/iris: 60 predictions \(v1: 60\), \d+ labels sent/)

    // the monitors evaluate windows once they have ended: close the current one by looking ahead
    const later = new Date(Date.now() + 6 * 60_000).toISOString()
    const monitored = await cairn('monitor', 'run', '--now', later)
    expect(monitored.code).toBe(0)
    // (61 rows each, in one window or two when the test straddles a 5-minute boundary)
    expect(monitored.stdout).toMatch(/housing \S+\/5m: \d+ rows, drift .*rmse \d/)
    expect(monitored.stdout).toMatch(/iris \S+\/5m: \d+ rows, drift .*accuracy \d/)
  })
})
