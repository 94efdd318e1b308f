/**
 * Online serving benchmark: single-row predictions of a GBDT trained on California housing,
 * `wrk -t1 -c16 -d10s`, Cairn (`cairn serve models:/housing@production`, prediction log on) vs
 * FastAPI + pydantic + scikit-learn (../shared/peers/fastapi-sklearn) vs a bare Node http server
 * answering a constant (the floor). Then batch scoring of 1,000,000 rows (`cairn predict`).
 *
 *   flock /tmp/cairn-bench.lock npx tsx bench/serving/serving.ts [--seconds 10] [--rows 1000000]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { frameFromRows } from '../../src/data/index.js'
import { closeGbdtThreads, gradientBoosting } from '../../src/ml/gbdt/index.js'
import { toBundle, writeBundleToStore } from '../../src/ml/index.js'
import { StoreRegistryClient } from '../../src/registry/index.js'
import { countPredictionLog } from '../../src/serving/index.js'
import { openArtifactStore, openMetadataStore } from '../../src/store/index.js'
import { DEFAULT_EXPERIMENT, StoreTrackingClient } from '../../src/tracking/index.js'
import {
  captureStderr,
  freePort,
  readHousing,
  runWrk,
  startProcess,
  stop,
  type WrkResult,
  waitFor,
} from './support.js'

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '../..')
const shared = resolve(repo, '../shared')
const peerDir = join(shared, 'peers/fastapi-sklearn')
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const SECONDS = arg('seconds', 10)
const CONNECTIONS = 16
const BODY =
  '{"longitude":-122.23,"latitude":37.88,"housing_median_age":41,"total_rooms":880,"total_bedrooms":129,"population":322,"households":126,"median_income":8.3252}'

const note = (msg: string) => process.stderr.write(`[serving bench] ${msg}\n`)
const work = await mkdtemp(join(tmpdir(), 'cairn-bench-serving-'))
const procs: ReturnType<typeof startProcess>[] = []
try {
  // 1. Train the model the peer trains (100 rounds, 31 leaves) and register it.
  const { features, rows } = await readHousing(join(shared, 'datasets/california-housing.csv'))
  const frame = frameFromRows(
    rows,
    Object.fromEntries([...features, 'median_house_value'].map((f) => [f, 'number'])),
  )
  const t0 = performance.now()
  const model = await gradientBoosting({
    nEstimators: 100,
    growPolicy: 'lossguide',
    maxLeaves: 31,
    maxDepth: 0,
  }).fit(frame, { target: 'median_house_value', seed: 0 })
  const trainSeconds = (performance.now() - t0) / 1000
  await closeGbdtThreads()
  note(`trained the GBDT in ${trainSeconds.toFixed(1)} s`)
  const trackingUri = `sqlite:///${join(work, 'cairn.db')}`
  const artifactsUri = pathToFileURL(join(work, 'artifacts')).href
  const metadata = await openMetadataStore(trackingUri)
  const artifacts = openArtifactStore(artifactsUri)
  const tracking = new StoreTrackingClient({ metadata, artifacts })
  const registry = new StoreRegistryClient({ metadata, artifacts, tracking })
  const run = await tracking.createRun({ experimentId: DEFAULT_EXPERIMENT.id, runName: 'bench-gbdt' })
  await writeBundleToStore(await tracking.runArtifacts(run.info.runId), 'model', toBundle(model))
  const mv = await registry.createModelVersion({ name: 'housing', source: `runs:/${run.info.runId}/model` })
  await registry.setAlias('housing', 'production', mv.version)

  // 2. Start the three servers.
  const [cairnPort, fastapiPort, barePort] = [await freePort(), await freePort(), await freePort()]
  const cairn = startProcess(
    process.execPath,
    [
      '--import',
      'tsx',
      // TEMPORARY until src/ml/index.ts exports the gbdt family (which registers it on import)
      '--import',
      pathToFileURL(join(repo, 'src/ml/gbdt/index.ts')).href,
      join(repo, 'src/cli/main.ts'),
      'serve',
      'models:/housing@production',
      '--port',
      String(cairnPort),
      '--tracking-uri',
      trackingUri,
      '--artifacts-uri',
      artifactsUri,
    ],
    { cwd: repo, env: { CAIRN_LOG_LEVEL: 'info' } },
  )
  procs.push(cairn)
  const cairnErr = captureStderr(cairn)
  const fastapi = startProcess(
    '/usr/bin/python3',
    [
      '-m',
      'uvicorn',
      'server:app',
      '--host',
      '127.0.0.1',
      '--port',
      String(fastapiPort),
      '--log-level',
      'warning',
    ],
    {
      cwd: peerDir,
    },
  )
  procs.push(fastapi)
  const bare = startProcess(process.execPath, [join(peerDir, 'bare.js')], { env: { PORT: String(barePort) } })
  procs.push(bare)
  const ok = async (url: string, init?: RequestInit) => (await fetch(url, init)).ok
  await waitFor(() => ok(`http://127.0.0.1:${cairnPort}/ready`), 60_000, 'cairn serve').catch((e) => {
    throw new Error(`${e.message}\n${cairnErr().slice(-2000)}`)
  })
  await waitFor(() => ok(`http://127.0.0.1:${fastapiPort}/health`), 120_000, 'the FastAPI peer')
  const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY }
  await waitFor(() => ok(`http://127.0.0.1:${barePort}/predict`, post), 10_000, 'the bare Node floor')

  note('servers up')
  const cairnUrl = `http://127.0.0.1:${cairnPort}/v1/models/housing/predict`
  const sample = await (await fetch(cairnUrl, post)).text()
  const expected = model.rowPredictor().predict(JSON.parse(BODY)).value
  const served = (JSON.parse(sample) as { predictions: { prediction: number | null }[] }).predictions[0]
    ?.prediction
  if (served !== expected)
    throw new Error(`cairn answered ${served}; the model in this process says ${expected}`)
  const peerSample = await (await fetch(`http://127.0.0.1:${fastapiPort}/predict`, post)).text()

  // 3. wrk each: 2 s warm-up, then the measured run.
  const bench = async (url: string): Promise<WrkResult> => {
    note(`wrk ${url}`)
    await runWrk(url, BODY, { connections: CONNECTIONS, seconds: 2, dir: work })
    return runWrk(url, BODY, { connections: CONNECTIONS, seconds: SECONDS, dir: work })
  }
  const results: Record<string, WrkResult> = {}
  results.bare = await bench(`http://127.0.0.1:${barePort}/predict`)
  results.cairn = await bench(cairnUrl)
  results.fastapi = await bench(`http://127.0.0.1:${fastapiPort}/predict`)

  // 4. The prediction log must hold exactly what was answered, with nothing dropped.
  const metricsText = await (await fetch(`http://127.0.0.1:${cairnPort}/metrics`)).text()
  const metric = (name: string) =>
    metricsText
      .split('\n')
      .filter((l) => l.startsWith(name))
      .reduce((a, l) => a + Number(l.split(' ').pop()), 0)
  const answered = metric('cairn_requests_total{')
  const dropped = metric('cairn_prediction_log_dropped_total')
  await stop(cairn)
  const logged = await countPredictionLog(metadata, { model: 'housing' })
  await registry.close()
  await tracking.close()
  await metadata.close()

  // 5. Report.
  const fmt = (r: WrkResult) =>
    `${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50ms.toFixed(2).padStart(6)} ms   p99 ${r.p99ms.toFixed(2).padStart(6)} ms   errors ${r.non2xx + r.socketErrors}`
  const c = results.cairn as WrkResult
  const b = results.bare as WrkResult
  const f = results.fastapi as WrkResult
  console.log(
    `\nServing benchmark — single-row POST, wrk -t1 -c${CONNECTIONS} -d${SECONDS}s (after a 2 s warm-up)`,
  )
  console.log(
    `model: GBDT, 100 rounds, 31 leaves, trained on ${rows.length} rows in ${trainSeconds.toFixed(1)} s`,
  )
  console.log(`cairn answer:   ${sample}`)
  console.log(`fastapi answer: ${peerSample}\n`)
  console.log(`bare node floor   ${fmt(b)}`)
  console.log(`cairn serve       ${fmt(c)}`)
  console.log(`fastapi+sklearn   ${fmt(f)}\n`)
  console.log(
    `cairn / bare floor: ${(c.rps / b.rps).toFixed(2)}x requests/s (goal >= 0.5x), p99 ${c.p99ms.toFixed(2)} ms (goal < 5 ms)`,
  )
  console.log(
    `cairn / fastapi:    ${(c.rps / f.rps).toFixed(1)}x requests/s, p50 ${(f.p50ms / c.p50ms).toFixed(1)}x lower, p99 ${(f.p99ms / c.p99ms).toFixed(1)}x lower`,
  )
  console.log(`prediction log: ${logged} rows for ${answered} answered requests, ${dropped} dropped`)
} finally {
  for (const p of procs) await stop(p)
  await rm(work, { recursive: true, force: true })
}
