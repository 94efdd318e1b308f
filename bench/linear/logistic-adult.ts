/**
 * Logistic regression on the UCI adult data set: Cairn vs scikit-learn, side by side, same split,
 * same preprocessing (standardised numbers, one-hot categories, unknown categories ignored),
 * same C and iteration cap, one thread each. The first fit is reported apart: it includes V8's
 * warm-up (and Python's first-call overheads); the rest are the median of the following fits.
 *
 *   flock /tmp/cairn-bench.lock npx tsx bench/linear/logistic-adult.ts [--repeats 5]
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { categoryColumn, type Frame, makeFrame, numericColumn, takeRows } from '../../src/data/index.js'
import {
  accuracy,
  columnTransformer,
  type LinearModel,
  logisticRegression,
  logLoss,
  oneHotEncoder,
  type PipelineModel,
  pipeline,
  Rng,
  rocAuc,
  standardScaler,
} from '../../src/ml/index.js'

const DATA = '/work/shared/datasets/adult.data'
const NUMERIC = ['age', 'fnlwgt', 'education-num', 'capital-gain', 'capital-loss', 'hours-per-week']
const CATEGORICAL = [
  'workclass',
  'education',
  'marital-status',
  'occupation',
  'relationship',
  'race',
  'sex',
  'native-country',
]
const repeats = Math.max(2, Number(process.argv[process.argv.indexOf('--repeats') + 1] || 6) || 6)
const MAX_ITER = 1000

function loadAdult(path: string): Frame {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
  const header = (lines.shift() as string).split(',').map((s) => s.trim())
  const rows = lines.map((l) => l.split(',').map((s) => s.trim()))
  const col = (name: string) => {
    const j = header.indexOf(name)
    if (j < 0) throw new Error(`adult.data has no column ${name}`)
    return rows.map((r) => r[j] as string)
  }
  return makeFrame([
    ...NUMERIC.map((n) => numericColumn(n, col(n).map(Number))),
    ...CATEGORICAL.map((n) => categoryColumn(n, col(n))),
    categoryColumn('Salary', col('Salary')),
  ])
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b)
  return s.length % 2
    ? (s[s.length >> 1] as number)
    : ((s[(s.length >> 1) - 1] as number) + (s[s.length >> 1] as number)) / 2
}

async function main(): Promise<void> {
  const frame = loadAdult(DATA)
  const order = new Rng(42).permutation(frame.rowCount)
  const nTest = Math.round(frame.rowCount * 0.2)
  const test = Int32Array.from(order.subarray(0, nTest)).sort()
  const train = Int32Array.from(order.subarray(nTest)).sort()
  const trainFrame = takeRows(frame, train)
  const testFrame = takeRows(frame, test)
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-linear-'))
  try {
    const splitPath = join(dir, 'split.json')
    writeFileSync(
      splitPath,
      JSON.stringify({ train: [...train], test: [...test], numeric: NUMERIC, categorical: CATEGORICAL }),
    )

    // Cairn
    const est = pipeline(
      [
        columnTransformer([
          ['num', standardScaler(), NUMERIC],
          ['cat', oneHotEncoder({ handleUnknown: 'ignore' }), CATEGORICAL],
        ]),
      ],
      logisticRegression({ C: 1, maxIter: MAX_ITER }),
    )
    const fits: number[] = []
    let model: PipelineModel | undefined
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now()
      model = await est.fit(trainFrame, { target: 'Salary' })
      fits.push((performance.now() - t0) / 1000)
    }
    const m = model as PipelineModel
    const preds: number[] = []
    let proba = new Float64Array(0)
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now()
      const p = m.predict(testFrame)
      preds.push((performance.now() - t0) / 1000)
      proba = Float64Array.from(
        { length: testFrame.rowCount },
        (_, i) => (p.probabilities as Float64Array)[2 * i + 1] as number,
      )
    }
    const yTest = Array.from({ length: testFrame.rowCount }, (_, i) => {
      const c = testFrame.columns.find((x) => x.name === 'Salary')
      return c?.type === 'category' ? (c.categories[c.codes[i] as number] === '>50K' ? 1 : 0) : 0
    })
    const rp = m.rowPredictor()
    const rowObjects = Array.from({ length: 1000 }, (_, i) => {
      const row: Record<string, unknown> = {}
      for (const c of testFrame.columns) {
        if (c.name === 'Salary') continue
        row[c.name] =
          c.type === 'category'
            ? c.categories[c.codes[i] as number]
            : (c as { values: Float64Array }).values[i]
      }
      return row
    })
    for (let i = 0; i < 20_000; i++) rp.predict(rowObjects[i % 1000] as Record<string, unknown>)
    const tRow = performance.now()
    const rowCalls = 200_000
    for (let i = 0; i < rowCalls; i++) rp.predict(rowObjects[i % 1000] as Record<string, unknown>)
    const single = (performance.now() - tRow) / 1000 / rowCalls
    const inner = m.model as LinearModel
    const cairn = {
      firstFitSeconds: fits[0] as number,
      fitSeconds: median(fits.slice(1)),
      predictSeconds: median(preds),
      singleRowSeconds: single,
      iterations: inner.state.iterations,
      features: inner.signature.inputs.length,
      accuracy: accuracy(
        yTest,
        Array.from(proba, (p) => (p >= 0.5 ? 1 : 0)),
      ),
      rocAuc: rocAuc(yTest, proba),
      logLoss: logLoss(yTest, proba),
    }

    // scikit-learn, one BLAS thread (Cairn's logistic regression runs on one thread)
    const out = execFileSync(
      '/usr/bin/python3',
      [join(import.meta.dirname, 'logistic_adult.py'), DATA, splitPath, String(repeats), String(MAX_ITER)],
      {
        env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
        encoding: 'utf8',
      },
    )
    const sk = JSON.parse(out.trim().split('\n').pop() as string)

    const f = (x: number, d = 4) => x.toFixed(d)
    const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`
    const us = (s: number) => `${(s * 1e6).toFixed(2)} µs`
    const lines = [
      `Logistic regression, UCI adult (${trainFrame.rowCount} train / ${testFrame.rowCount} test rows, ${cairn.features} features after one-hot), C=1, max ${MAX_ITER} iterations, 1 thread, ${repeats} fits`,
      '',
      '| | Cairn | scikit-learn ' + sk.version + ' | ratio (Cairn / sklearn) |',
      '|---|---|---|---|',
      `| first fit, cold (scale + one-hot + L-BFGS) | ${ms(cairn.firstFitSeconds)} | ${ms(sk.firstFitSeconds)} | ${f(cairn.firstFitSeconds / sk.firstFitSeconds, 2)}× |`,
      `| fit, median of the next ${repeats - 1} | ${ms(cairn.fitSeconds)} | ${ms(sk.fitSeconds)} | ${f(cairn.fitSeconds / sk.fitSeconds, 2)}× |`,
      `| L-BFGS iterations | ${cairn.iterations} | ${sk.iterations} | |`,
      `| predict ${testFrame.rowCount} rows (batch) | ${ms(cairn.predictSeconds)} | ${ms(sk.predictSeconds)} | ${f(cairn.predictSeconds / sk.predictSeconds, 2)}× |`,
      `| predict one row | ${us(cairn.singleRowSeconds)} | ${us(sk.singleRowSeconds)} | ${f(cairn.singleRowSeconds / sk.singleRowSeconds, 3)}× |`,
      `| test accuracy | ${f(cairn.accuracy)} | ${f(sk.accuracy)} | Δ ${f(cairn.accuracy - sk.accuracy)} |`,
      `| test ROC AUC | ${f(cairn.rocAuc)} | ${f(sk.rocAuc)} | Δ ${f(cairn.rocAuc - sk.rocAuc)} |`,
      `| test log loss | ${f(cairn.logLoss)} | ${f(sk.logLoss)} | Δ ${f(cairn.logLoss - sk.logLoss)} |`,
    ]
    console.log(lines.join('\n'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
