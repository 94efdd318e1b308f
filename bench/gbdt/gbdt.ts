/**
 * GBDT and random-forest benchmark: Cairn against XGBoost `hist` and scikit-learn, side by side
 * on the same rows, same machine, same thread count.
 *
 *   flock /tmp/cairn-bench.lock npx tsx bench/gbdt/gbdt.ts [--rows 1000000] [--only synthetic,california,adult,predict,forest,logreg]
 *
 * Training: 100 trees, depth 6, 255 bins, learning rate 0.1, 2 threads on (a) a synthetic
 * Friedman-style regression (1,000,000 × 20), (b) California housing, (c) Adult with native
 * categories. Prediction: single-row latency and batch rows/s on the synthetic model. Forest:
 * 100 trees on Adult against scikit-learn's RandomForestClassifier. Logistic regression: standard
 * scaling and one-hot encoding then L2 logistic regression (L-BFGS, C = 1) on Adult against the same
 * scikit-learn pipeline.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import {
  type CategoryColumn,
  type Frame,
  getColumn,
  isNumericColumn,
  makeFrame,
  numericColumn,
} from '../../src/data/index.js'
import {
  closeGbdtThreads,
  type GbdtModel,
  gradientBoosting,
  warmGbdtThreads,
} from '../../src/ml/gbdt/index.js'
import { logisticRegression } from '../../src/ml/linear/index.js'
import { accuracy, logLoss, mse, r2, rocAuc } from '../../src/ml/metrics/index.js'
import { pipeline } from '../../src/ml/pipeline/index.js'
import { columnTransformer, oneHotEncoder, standardScaler } from '../../src/ml/transforms/index.js'
import { closeForestThreads, randomForestClassifier, warmForestThreads } from '../../src/ml/trees/index.js'
import { adult, california, split } from './datasets.js'

const args = process.argv.slice(2)
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? (args[i + 1] as string) : fallback
}
const ROWS = Number(arg('rows', '1000000'))
const ONLY = new Set(arg('only', 'synthetic,california,adult,predict,forest,logreg').split(','))
const THREADS = 2
/** Fits per measurement on the small data sets (the fastest counts, on both sides); one on the synthetic set. */
const REPEATS = Number(arg('repeats', '3'))
const PARAMS = { trees: 100, depth: 6, eta: 0.1, bins: 255, forestTrees: 100, logregMaxIter: 1000 }
const OUT = new URL('../.out/gbdt/', import.meta.url).pathname
const PYTHON = '/usr/bin/python3'

type Task = 'regression' | 'binary'
interface Scores {
  seconds: number
  rmse?: number
  r2?: number
  auc?: number
  logloss?: number
  accuracy?: number
  iterations?: number
  batchRowsPerSecond?: number
  singleRowMicros?: number
}

/** 32-bit hash of (i, salt) → [0, 1): the same synthetic data on every machine. */
function unit(i: number, salt: number): number {
  let h = Math.imul(i ^ Math.imul(salt, 0x9e3779b1), 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  h = Math.imul(h ^ salt, 0x27d4eb2d)
  h ^= h >>> 15
  return (h >>> 0) / 4294967296
}

/** Friedman #1 signal on x0..x4 plus 15 noise features and uniform noise. */
function synthetic(rows: number, offset: number): Frame {
  const F = 20
  const cols = Array.from({ length: F }, () => new Float64Array(rows))
  const y = new Float64Array(rows)
  for (let i = 0; i < rows; i++) {
    const id = offset + i
    for (let j = 0; j < F; j++) (cols[j] as Float64Array)[i] = unit(id, j + 1)
    const x = (j: number) => (cols[j] as Float64Array)[i] as number
    y[i] =
      10 * Math.sin(Math.PI * x(0) * x(1)) +
      20 * (x(2) - 0.5) ** 2 +
      10 * x(3) +
      5 * x(4) +
      2 * (unit(id, 99) - 0.5)
  }
  return makeFrame([...cols.map((c, j) => numericColumn(`x${j}`, c)), numericColumn('y', y)])
}

/** Write a split data set for peers.py: one raw float64 file per column and part, plus meta.json. */
function exportData(
  name: string,
  train: Frame,
  test: Frame,
  target: string,
  task: Task,
  positive?: string,
  repeats = 1,
): string {
  const dir = join(OUT, name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const columns = train.columns.map((c) =>
    c.type === 'category'
      ? { name: c.name, kind: 'category', categories: c.categories }
      : { name: c.name, kind: 'number' },
  )
  for (const [part, frame] of [
    ['train', train],
    ['test', test],
  ] as const) {
    for (const c of frame.columns) {
      let values: Float64Array
      if (c.type === 'category') {
        values = Float64Array.from(c.codes, (k) => (k < 0 ? Number.NaN : k))
      } else if (isNumericColumn(c)) values = c.values
      else throw new Error(`column ${c.name} is not exportable`)
      writeFileSync(
        join(dir, `${part}-${c.name}.bin`),
        new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      )
    }
  }
  const targetCol = getColumn(train, target)
  const pos = positive && targetCol.type === 'category' ? targetCol.categories.indexOf(positive) : -1
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({
      target,
      task,
      positive: pos,
      trainRows: train.rowCount,
      testRows: test.rowCount,
      columns,
      params: { ...PARAMS, repeats },
    }),
  )
  return dir
}

function peers(dir: string, jobs: string[]): Record<string, Scores> {
  const res = spawnSync(PYTHON, [new URL('./peers.py', import.meta.url).pathname, dir, ...jobs], {
    env: { ...process.env, OMP_NUM_THREADS: String(THREADS) },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  })
  if (res.status !== 0) throw new Error(`peers.py failed: ${res.stderr}`)
  const out: Record<string, Scores> = {}
  for (const line of res.stdout.trim().split('\n')) {
    const o = JSON.parse(line) as Scores & { job: string }
    out[o.job] = o
  }
  return out
}

function regressionScores(y: Float64Array, p: Float64Array): Pick<Scores, 'rmse' | 'r2'> {
  return { rmse: Math.sqrt(mse(y, p)), r2: r2(y, p) }
}

function binaryScores(y: number[], p: number[]): Pick<Scores, 'auc' | 'logloss' | 'accuracy'> {
  return {
    auc: rocAuc(y, p),
    logloss: logLoss(y, p),
    accuracy: accuracy(
      y,
      p.map((v) => (v >= 0.5 ? 1 : 0)),
    ),
  }
}

function positives(frame: Frame, target: string, positive: string): number[] {
  const c = getColumn(frame, target) as CategoryColumn
  return Array.from(c.codes, (k) => (c.categories[k] === positive ? 1 : 0))
}

const fmt = (x: number | undefined, d = 3) => (x === undefined ? '—' : x.toFixed(d))
const lines: string[] = []
const print = (s = '') => {
  lines.push(s)
  console.log(s)
}

interface TrainRow {
  name: string
  shape: string
  metric: 'rmse' | 'auc'
  cairn: Scores
  xgb: Scores
  hgb: Scores
  /** 1-minute load average before the peers ran and before Cairn ran. */
  load: [number, number]
}
const trainRows: TrainRow[] = []

async function trainBench(
  name: string,
  train: Frame,
  test: Frame,
  target: string,
  task: Task,
  positive?: string,
): Promise<GbdtModel> {
  const repeats = name === 'synthetic' ? 1 : REPEATS
  const dir = exportData(name, train, test, target, task, positive, repeats)
  const loadPeers = loadavg()[0] as number
  const py = peers(
    dir,
    name === 'synthetic' && ONLY.has('predict')
      ? ['xgboost-predict', 'sklearn-hgb']
      : ['xgboost', 'sklearn-hgb'],
  )
  const xgb = (py.xgboost ?? py['xgboost-predict']) as Scores
  const hgb = py['sklearn-hgb'] as Scores
  const est = gradientBoosting({
    objective: task === 'binary' ? 'binary' : 'squared_error',
    nEstimators: PARAMS.trees,
    maxDepth: PARAMS.depth,
    learningRate: PARAMS.eta,
    maxBins: PARAMS.bins,
  })
  const loadCairn = loadavg()[0] as number
  let seconds = Number.POSITIVE_INFINITY
  let model: GbdtModel | undefined
  for (let rep = 0; rep < repeats; rep++) {
    const t0 = performance.now()
    model = await est.fit(train, { target, threads: THREADS, seed: 0 })
    seconds = Math.min(seconds, (performance.now() - t0) / 1000)
  }
  if (!model) throw new Error('no fit')
  let cairn: Scores
  if (task === 'binary') {
    const probs = model.predictProba(test)
    const p = Array.from({ length: test.rowCount }, (_, i) => probs[2 * i + 1] as number)
    cairn = { seconds, ...binaryScores(positives(test, target, positive as string), p) }
  } else {
    const y = getColumn(test, target)
    if (!isNumericColumn(y)) throw new Error('numeric target expected')
    cairn = { seconds, ...regressionScores(y.values, model.predict(test).values) }
  }
  trainRows.push({
    name,
    shape: `${train.rowCount.toLocaleString('en-US')} × ${train.columns.length - 1}`,
    metric: task === 'binary' ? 'auc' : 'rmse',
    cairn,
    xgb,
    hgb,
    load: [loadPeers, loadCairn],
  })
  if (name === 'synthetic') predictBench(model, test, xgb)
  return model
}

let predictLine: string[] = []
function predictBench(model: GbdtModel, test: Frame, xgb: Scores): void {
  if (!ONLY.has('predict')) return
  const n = Math.min(test.rowCount, 50_000)
  const rows: Record<string, number>[] = []
  for (let i = 0; i < n; i++) {
    const o: Record<string, number> = {}
    for (const c of test.columns) if (c.name !== 'y' && isNumericColumn(c)) o[c.name] = c.values[i] as number
    rows.push(o)
  }
  const rp = model.rowPredictor()
  let sink = 0
  let best = Number.POSITIVE_INFINITY
  for (let rep = 0; rep < 5; rep++) {
    const t = performance.now()
    for (let i = 0; i < n; i++) sink += rp.predict(rows[i] as Record<string, number>).value
    best = Math.min(best, ((performance.now() - t) * 1000) / n)
  }
  let batchBest = Number.POSITIVE_INFINITY
  for (let rep = 0; rep < 3; rep++) {
    const t = performance.now()
    sink += model.predict(test).values[0] as number
    batchBest = Math.min(batchBest, (performance.now() - t) / 1000)
  }
  const rps = test.rowCount / batchBest
  predictLine = [
    `| single-row latency (µs, row object → value) | ${fmt(best, 2)} | ${fmt(xgb.singleRowMicros, 1)} (inplace_predict, 1 row) | ${fmt(best / (xgb.singleRowMicros as number), 3)} |`,
    `| batch rows/s (${test.rowCount.toLocaleString('en-US')} rows) | ${Math.round(rps).toLocaleString('en-US')} (1 thread) | ${Math.round(xgb.batchRowsPerSecond as number).toLocaleString('en-US')} (2 threads) | ${fmt(rps / (xgb.batchRowsPerSecond as number), 2)} |`,
  ]
  if (sink === 42) console.log('')
}

function printTraining(warmMs: number): void {
  print('### GBDT training: 100 trees, depth 6, 255 bins, learning rate 0.1, 2 threads')
  print()
  print(
    '| data | rows × features | Cairn s | XGBoost hist s | sklearn HGB s | Cairn / XGBoost | Cairn / sklearn | metric | Cairn | XGBoost | sklearn | Cairn vs XGBoost | load (peers, Cairn) |',
  )
  print('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const r of trainRows) {
    const m = r.metric
    const c = r.cairn[m] as number
    const x = r.xgb[m] as number
    const rel = m === 'rmse' ? (c - x) / x : (x - c) / x
    print(
      `| ${r.name} | ${r.shape} | ${fmt(r.cairn.seconds, 2)} | ${fmt(r.xgb.seconds, 2)} | ${fmt(r.hgb.seconds, 2)} | **${fmt(r.cairn.seconds / r.xgb.seconds, 2)}×** | ${fmt(r.cairn.seconds / r.hgb.seconds, 2)}× | test ${m.toUpperCase()} | ${fmt(c, 4)} | ${fmt(x, 4)} | ${fmt(r.hgb[m], 4)} | ${rel <= 0 ? 'better' : 'worse'} by ${fmt(Math.abs(rel) * 100, 2)}% | ${fmt(r.load[0], 1)}, ${fmt(r.load[1], 1)} |`,
    )
  }
  print()
  print(
    `Seconds are the fastest of ${REPEATS} fits on California and Adult (each side), one fit on the synthetic set. Cairn's times exclude starting the ${THREADS} worker threads once per process (${fmt(warmMs, 0)} ms here, under tsx); every fit after that reuses them.`,
  )
}

async function logregBench(): Promise<void> {
  const { train, test } = split(adult(), 0)
  const dir = exportData('adult-logreg', train, test, 'Salary', 'binary', '>50K', REPEATS)
  const sk = peers(dir, ['sklearn-logreg'])['sklearn-logreg'] as Scores
  const features = train.columns.filter((c) => c.name !== 'Salary')
  const nums = features.filter((c) => c.type !== 'category').map((c) => c.name)
  const cats = features.filter((c) => c.type === 'category').map((c) => c.name)
  const est = pipeline(
    [
      columnTransformer([
        ['num', standardScaler(), nums],
        ['cat', oneHotEncoder({ handleUnknown: 'ignore' }), cats],
      ]),
    ],
    logisticRegression({ C: 1, maxIter: PARAMS.logregMaxIter }),
  )
  let seconds = Number.POSITIVE_INFINITY
  let model: Awaited<ReturnType<typeof est.fit>> | undefined
  for (let rep = 0; rep < REPEATS; rep++) {
    const t0 = performance.now()
    model = await est.fit(train, { target: 'Salary', seed: 0 })
    seconds = Math.min(seconds, (performance.now() - t0) / 1000)
  }
  if (!model) throw new Error('no fit')
  const res = model.predict(test)
  const probs = res.probabilities as Float64Array
  const pos = (res.classes as string[]).indexOf('>50K')
  const p = Array.from({ length: test.rowCount }, (_, i) => probs[2 * i + pos] as number)
  const cairn = { seconds, ...binaryScores(positives(test, 'Salary', '>50K'), p) }
  print()
  print(
    `### Logistic regression on Adult: scaling + one-hot + L2 (C = 1, L-BFGS), one thread, fastest of ${REPEATS} fits`,
  )
  print()
  print('| | seconds | test AUC | test accuracy |')
  print('|---|---|---|---|')
  print(`| Cairn pipeline | ${fmt(cairn.seconds, 3)} | ${fmt(cairn.auc, 4)} | ${fmt(cairn.accuracy, 4)} |`)
  print(
    `| scikit-learn Pipeline (lbfgs, ${sk.iterations} iterations) | ${fmt(sk.seconds, 3)} | ${fmt(sk.auc, 4)} | ${fmt(sk.accuracy, 4)} |`,
  )
  print(
    `| Cairn / scikit-learn | **${fmt(cairn.seconds / sk.seconds, 2)}×** | ${fmt(((cairn.auc as number) - (sk.auc as number)) * 100, 2)} pts | ${fmt(((cairn.accuracy as number) - (sk.accuracy as number)) * 100, 2)} pts |`,
  )
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true })
  const loadStart = loadavg()[0] as number
  const warm = performance.now()
  await warmGbdtThreads(THREADS)
  const warmMs = performance.now() - warm
  if (ONLY.has('synthetic')) {
    const train = synthetic(ROWS, 0)
    const test = synthetic(200_000, 10_000_000)
    await trainBench('synthetic', train, test, 'y', 'regression')
  }
  if (ONLY.has('california')) {
    const { train, test } = split(california(), 0)
    await trainBench('california', train, test, 'median_house_value', 'regression')
  }
  if (ONLY.has('adult')) {
    const { train, test } = split(adult(), 0)
    await trainBench('adult', train, test, 'Salary', 'binary', '>50K')
  }
  if (trainRows.length > 0) printTraining(warmMs)
  if (predictLine.length > 0) {
    print()
    print('### GBDT prediction (the synthetic model: 100 trees, depth 6, 20 features)')
    print()
    print('| measure | Cairn | XGBoost | Cairn / XGBoost |')
    print('|---|---|---|---|')
    for (const l of predictLine) print(l)
  }
  if (ONLY.has('forest')) {
    const { train, test } = split(adult(), 0)
    const dir = exportData('adult-forest', train, test, 'Salary', 'binary', '>50K', 1)
    const sk = peers(dir, ['sklearn-rf'])['sklearn-rf'] as Scores
    await warmForestThreads(THREADS)
    const t0 = performance.now()
    const rf = await randomForestClassifier({ nEstimators: PARAMS.forestTrees }).fit(train, {
      target: 'Salary',
      threads: THREADS,
      seed: 0,
    })
    const seconds = (performance.now() - t0) / 1000
    const probs = rf.predictProba(test)
    const p = Array.from({ length: test.rowCount }, (_, i) => probs[2 * i + 1] as number)
    const cairn = { seconds, ...binaryScores(positives(test, 'Salary', '>50K'), p) }
    print()
    print('### Random forest: 100 fully grown trees on Adult, 2 threads')
    print()
    print('| | seconds | test AUC | test accuracy | nodes |')
    print('|---|---|---|---|---|')
    print(
      `| Cairn (native categories) | ${fmt(cairn.seconds, 2)} | ${fmt(cairn.auc, 4)} | ${fmt(cairn.accuracy, 4)} | ${rf.ensemble.feature.length.toLocaleString('en-US')} |`,
    )
    print(
      `| scikit-learn RandomForestClassifier (ordinal codes) | ${fmt(sk.seconds, 2)} | ${fmt(sk.auc, 4)} | ${fmt(sk.accuracy, 4)} | |`,
    )
    print(
      `| Cairn / scikit-learn | **${fmt(cairn.seconds / sk.seconds, 2)}×** | ${fmt(((cairn.auc as number) - (sk.auc as number)) * 100, 2)} pts | | |`,
    )
  }
  if (ONLY.has('logreg')) await logregBench()
  print()
  print(`1-minute load average: ${fmt(loadStart, 2)} at the start, ${fmt(loadavg()[0], 2)} at the end.`)
  await closeGbdtThreads()
  await closeForestThreads()
  writeFileSync(join(OUT, 'latest.md'), `${lines.join('\n')}\n`)
}

await main()
