/**
 * Serving benchmark, all in one run:
 *  - online: single-row predictions of a GBDT trained on California housing, `wrk -t1 -c16 -d10s`,
 *    Cairn (`cairn serve models:/housing@production`, prediction log on) vs FastAPI + pydantic +
 *    scikit-learn (../shared/peers/fastapi-sklearn) vs a bare Node http server answering a constant;
 *  - batch: scoring 1,000,000 rows from CSV, `cairn predict` vs pandas + scikit-learn in chunks.
 *
 *   flock /tmp/cairn-bench.lock npx tsx bench/serving/serving.ts [--seconds 10] [--rounds 3] [--rows 1000000] [--batch-rounds 2]
 */
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
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
  freePort,
  readHousing,
  runWrk,
  startProcess,
  stop,
  tail,
  type WrkResult,
  waitFor,
} from './support.js'

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '../..')
const shared = resolve(repo, '../shared')
const peerDir = join(shared, 'peers/fastapi-sklearn')
const housingCsv = join(shared, 'datasets/california-housing.csv')
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const SECONDS = arg('seconds', 10)
const BATCH_ROWS = arg('rows', 1_000_000)
const ROUNDS = arg('rounds', 3)
const BATCH_ROUNDS = arg('batch-rounds', 2)
const CONNECTIONS = 16
const BODY =
  '{"longitude":-122.23,"latitude":37.88,"housing_median_age":41,"total_rooms":880,"total_bedrooms":129,"population":322,"households":126,"median_income":8.3252}'
const note = (msg: string) => process.stderr.write(`[serving bench] ${msg}\n`)
const ok = async (url: string, init?: RequestInit) => (await fetch(url, init)).ok
const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY }

const loadAtStart = loadavg()[0] as number
const work = await mkdtemp(join(tmpdir(), 'cairn-bench-serving-'))
const procs: ReturnType<typeof startProcess>[] = []
try {
  // 1. Train the model the peer trains (100 rounds, 31 leaves) and register it.
  const { features, rows } = await readHousing(housingCsv)
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
  const cli = ['--import', 'tsx', join(repo, 'src/cli/main.ts')]
  const stores = ['--tracking-uri', trackingUri, '--artifacts-uri', artifactsUri]

  // 2. The peers.
  const [fastapiPort, barePort] = [await freePort(), await freePort()]
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
    { cwd: peerDir, logFile: join(work, 'fastapi.log') },
  )
  procs.push(fastapi)
  const bare = startProcess(process.execPath, [join(peerDir, 'bare.js')], { env: { PORT: String(barePort) } })
  procs.push(bare)
  await waitFor(() => ok(`http://127.0.0.1:${fastapiPort}/health`), 120_000, 'the FastAPI peer')
  await waitFor(() => ok(`http://127.0.0.1:${barePort}/predict`, post), 10_000, 'the bare Node floor')
  const peerSample = await (await fetch(`http://127.0.0.1:${fastapiPort}/predict`, post)).text()

  const bench = async (url: string): Promise<WrkResult> => {
    note(`wrk ${url}`)
    await runWrk(url, BODY, { connections: CONNECTIONS, seconds: 2, dir: work })
    return runWrk(url, BODY, { connections: CONNECTIONS, seconds: SECONDS, dir: work })
  }

  /** Start `cairn serve` with its prediction log in a SQLite file of its own (stderr to a log file). */
  const startCairn = async (label: string, extra: string[]) => {
    const port = await freePort()
    const log = join(work, `cairn-${label}.log`)
    const logUri = `sqlite:///${join(work, `prediction-log-${label}.db`)}`
    const cairn = startProcess(
      process.execPath,
      [
        ...cli,
        'serve',
        'models:/housing@production',
        '--port',
        String(port),
        '--log-sink',
        'store',
        '--log-uri',
        logUri,
        ...stores,
        ...extra,
      ],
      { cwd: repo, logFile: log },
    )
    procs.push(cairn)
    await waitFor(() => ok(`http://127.0.0.1:${port}/ready`), 120_000, 'cairn serve').catch((e) => {
      throw new Error(`${e.message}\n${tail(log)}`)
    })
    const url = `http://127.0.0.1:${port}/v1/models/housing/predict`
    const sample = await (await fetch(url, post)).text()
    const expected = model.rowPredictor().predict(JSON.parse(BODY)).value
    const served = (JSON.parse(sample) as { predictions: { prediction: number | null }[] }).predictions[0]
      ?.prediction
    if (served !== expected)
      throw new Error(`cairn answered ${served}; the model in this process says ${expected}`)
    /** Stop the server (it flushes its log on SIGTERM) and compare its log with what it answered. */
    const finish = async () => {
      const metricsText = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      const metric = (name: string) =>
        metricsText
          .split('\n')
          .filter((l) => l.startsWith(name))
          .reduce((a, l) => a + Number(l.split(' ').pop()), 0)
      const answered = metric('cairn_requests_total{')
      const dropped = metric('cairn_prediction_log_dropped_total')
      if (!metricsText.includes('cairn_prediction_log_dropped_total'))
        throw new Error('cairn serve exposes no cairn_prediction_log_dropped_total')
      await stop(cairn)
      const logStore = await openMetadataStore(logUri)
      const logged = await countPredictionLog(logStore, { model: 'housing' })
      await logStore.close()
      return { answered, dropped, logged }
    }
    return { url, sample, finish }
  }

  // 3. Online, in rounds so that each ratio compares runs made a few seconds apart (the machine is
  //    shared): the floor, Cairn with defaults, Cairn without access-log lines; then the FastAPI peer.
  const cairnDefault = await startCairn('default', [])
  const cairnQuiet = await startCairn('quiet', ['--access-log', 'errors'])
  const rounds: { floor: WrkResult; c: WrkResult; q: WrkResult; load: number }[] = []
  for (let r = 0; r < ROUNDS; r++) {
    const floor = await bench(`http://127.0.0.1:${barePort}/predict`)
    const c = await bench(cairnDefault.url)
    const q = await bench(cairnQuiet.url)
    rounds.push({ floor, c, q, load: loadavg()[0] as number })
  }
  const peer = await bench(`http://127.0.0.1:${fastapiPort}/predict`)
  const logDefault = await cairnDefault.finish()
  const logQuiet = await cairnQuiet.finish()
  await stop(fastapi)
  await stop(bare)

  // 4. Batch: 1,000,000 rows of housing features (the data set repeated with small jitter).
  note(`writing ${BATCH_ROWS} rows of input`)
  const input = join(work, 'houses.csv')
  await writeInput(input, rows, features, BATCH_ROWS)
  type CairnBatch = { rows: number; seconds: number; rowsPerSecond: number }
  type PeerBatch = { rows: number; seconds: number; rows_per_second: number }
  const cairnBatches: CairnBatch[] = []
  const peerBatches: PeerBatch[] = []
  for (let r = 0; r < BATCH_ROUNDS; r++) {
    note(`cairn predict (round ${r + 1})`)
    await rm(join(work, 'predictions'), { recursive: true, force: true })
    cairnBatches.push(
      (await runJson(
        process.execPath,
        [
          ...cli,
          'predict',
          'models:/housing@production',
          '--input',
          input,
          '--output',
          join(work, 'predictions'),
          '--keep',
          'id',
          '--json',
          ...stores,
        ],
        { CAIRN_PROGRESS: 'off' },
      )) as CairnBatch,
    )
    note(`pandas + scikit-learn (round ${r + 1})`)
    peerBatches.push(
      (await runJson('/usr/bin/python3', [
        join(here, 'batch_peer.py'),
        housingCsv,
        input,
        join(work, 'peer-out.csv'),
      ])) as PeerBatch,
    )
  }
  await registry.close()
  await tracking.close()
  await metadata.close()

  // 5. Report.
  const fmt = (r: WrkResult) =>
    `${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50ms.toFixed(2).padStart(6)} ms   p99 ${r.p99ms.toFixed(2).padStart(6)} ms   errors ${r.non2xx + r.socketErrors}`
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b)
    const m = Math.floor(v.length / 2)
    return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2
  }
  const med = (pick: (x: (typeof rounds)[number]) => WrkResult): WrkResult => {
    const rs = rounds.map(pick)
    return {
      requests: rs.reduce((a, r) => a + r.requests, 0),
      rps: median(rs.map((r) => r.rps)),
      p50ms: median(rs.map((r) => r.p50ms)),
      p99ms: median(rs.map((r) => r.p99ms)),
      non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
      socketErrors: rs.reduce((a, r) => a + r.socketErrors, 0),
    }
  }
  console.log(
    `\nServing benchmark — single-row POST, wrk -t1 -c${CONNECTIONS} -d${SECONDS}s after a 2 s warm-up, ${ROUNDS} rounds of floor / cairn / cairn quiet (2 cores shared by wrk, the servers and anything else running)`,
  )
  console.log(
    `model: GBDT, 100 rounds, 31 leaves, trained on ${rows.length} rows in ${trainSeconds.toFixed(1)} s`,
  )
  console.log(
    `load average (1 min): ${loadAtStart.toFixed(2)} at start, after each round ${rounds.map((r) => r.load.toFixed(2)).join(', ')}, ${(loadavg()[0] as number).toFixed(2)} at the end`,
  )
  console.log(`cairn answer:   ${cairnDefault.sample}`)
  console.log(`fastapi answer: ${peerSample}\n`)
  rounds.forEach((r, i) => {
    console.log(`round ${i + 1}: bare node floor                  ${fmt(r.floor)}`)
    console.log(
      `round ${i + 1}: cairn serve (defaults)           ${fmt(r.c)}   ${(r.c.rps / r.floor.rps).toFixed(2)}x floor`,
    )
    console.log(
      `round ${i + 1}: cairn serve --access-log errors  ${fmt(r.q)}   ${(r.q.rps / r.floor.rps).toFixed(2)}x floor`,
    )
  })
  const floor = med((r) => r.floor)
  const c = med((r) => r.c)
  const q = med((r) => r.q)
  console.log(`\nmedians of ${ROUNDS} rounds`)
  console.log(`bare node floor                     ${fmt(floor)}`)
  console.log(`cairn serve (defaults)              ${fmt(c)}`)
  console.log(`cairn serve --access-log errors     ${fmt(q)}`)
  console.log(`fastapi+sklearn (uvicorn, no logs)  ${fmt(peer)}   (one run)\n`)
  for (const [label, r, pick] of [
    ['defaults', c, (x: (typeof rounds)[number]) => x.c],
    ['--access-log errors', q, (x: (typeof rounds)[number]) => x.q],
  ] as const) {
    const ratio = median(rounds.map((x) => pick(x).rps / x.floor.rps))
    console.log(
      `cairn (${label}) / bare floor: ${ratio.toFixed(2)}x requests/s (median of per-round ratios; goal >= 0.5x), p99 ${r.p99ms.toFixed(2)} ms (goal < 5 ms; the floor's own p99 ${floor.p99ms.toFixed(2)} ms)`,
    )
  }
  console.log(
    `cairn (defaults) / fastapi: ${(c.rps / peer.rps).toFixed(1)}x requests/s, p50 ${(peer.p50ms / c.p50ms).toFixed(1)}x lower, p99 ${(peer.p99ms / c.p99ms).toFixed(1)}x lower`,
  )
  for (const [label, x] of [
    ['defaults', logDefault],
    ['--access-log errors', logQuiet],
  ] as const) {
    console.log(
      `prediction log (${label}): ${x.logged} rows for ${x.answered} answered requests, ${x.dropped} dropped${x.logged === x.answered && x.dropped === 0 ? '' : '  <-- MISMATCH'}`,
    )
  }
  // Batch work is CPU-bound: the fastest of the rounds is the one least disturbed by other load.
  const cb = cairnBatches.reduce((x, y) => (y.seconds < x.seconds ? y : x))
  const pb = peerBatches.reduce((x, y) => (y.seconds < x.seconds ? y : x))
  console.log(
    `\nBatch scoring — ${BATCH_ROWS} rows of CSV, same model, ${BATCH_ROUNDS} alternating rounds (best shown; all: cairn ${cairnBatches.map((x) => x.seconds.toFixed(1)).join(' / ')} s, pandas ${peerBatches.map((x) => x.seconds.toFixed(1)).join(' / ')} s)`,
  )
  console.log(
    `cairn predict (DuckDB stream, Parquet out, whole command)  ${Math.round(cb.rowsPerSecond).toString().padStart(9)} rows/s  (${cb.seconds.toFixed(1)} s)`,
  )
  console.log(
    `pandas + sklearn (65,536-row chunks, CSV out, loop only)   ${Math.round(pb.rows_per_second).toString().padStart(9)} rows/s  (${pb.seconds.toFixed(1)} s)`,
  )
  console.log(`cairn / pandas+sklearn: ${(cb.rowsPerSecond / pb.rows_per_second).toFixed(2)}x rows/s`)
} finally {
  for (const p of procs) await stop(p)
  await rm(work, { recursive: true, force: true })
}

async function writeInput(
  path: string,
  rows: Record<string, number>[],
  features: string[],
  n: number,
): Promise<void> {
  const out = createWriteStream(path)
  out.write(`id,${features.join(',')}\n`)
  let s = 12345
  const jitter = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return 1 + (s / 4294967296 - 0.5) * 0.02
  }
  for (let i = 0; i < n; i++) {
    const r = rows[i % rows.length] as Record<string, number>
    let line = String(i)
    for (const f of features) {
      const v = r[f] as number
      line += Number.isNaN(v) ? ',' : `,${(v * jitter()).toPrecision(7)}`
    }
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()))
  }
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())))
}

function runJson(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(cmd, args, {
      cwd: repo,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}:\n${err.slice(-3000)}`))
      try {
        const start = out.indexOf('{')
        resolvePromise(JSON.parse(out.slice(start)))
      } catch (e) {
        reject(new Error(`unreadable output: ${out.slice(0, 500)} (${(e as Error).message})`))
      }
    })
  })
}
