/**
 * Serving a tree ensemble: Cairn's native GBDT predictor vs the same model exported to ONNX
 * (ai.onnx.ml TreeEnsembleRegressor) and run by onnxruntime-node. California housing, 200 trees of
 * depth 6. Single-row latency (p50/p99 over 20,000 calls) and batch throughput (rows/s, 20,640 rows).
 * Run: npx tsx bench/ml2/onnx-trees.ts
 */
import { readFileSync } from 'node:fs'
import { frameFromRows } from '../../src/data/index.js'
import { gradientBoosting } from '../../src/ml/gbdt/index.js'
import { exportOnnx, importOnnx, loadOnnxRuntime } from '../../src/ml/onnx/index.js'

const text = readFileSync('/work/shared/datasets/california-housing.csv', 'utf8').trim().split('\n')
const header = text[0]!.split(',')
const numeric = header.filter((h) => h !== 'ocean_proximity')
const rows = text.slice(1).map((line) => {
  const v = line.split(',')
  const r: Record<string, unknown> = {}
  header.forEach((h, j) => {
    if (h !== 'ocean_proximity') r[h] = v[j] === '' ? null : Number(v[j])
  })
  return r
})
const features = numeric.filter((h) => h !== 'median_house_value')
const frame = frameFromRows(rows, Object.fromEntries(numeric.map((n) => [n, 'number' as const])))
const model = await gradientBoosting({ objective: 'squared_error', nEstimators: 200, maxDepth: 6 }).fit(
  frame,
  {
    target: 'median_house_value',
    features,
    threads: 1,
  },
)
await loadOnnxRuntime()
const t0 = performance.now()
const bytes = exportOnnx(model)
const onnx = importOnnx(bytes)
console.log(
  `exported ${(bytes.length / 1024).toFixed(0)} KiB ONNX in ${(performance.now() - t0).toFixed(0)} ms`,
)

// agreement
const a = model.predict(frame).values
const b = onnx.predict(frame).values
let maxRel = 0
for (let i = 0; i < a.length; i++)
  maxRel = Math.max(maxRel, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!)))

function latency(predict: (row: Record<string, unknown>) => unknown, n: number) {
  const times = new Float64Array(n)
  for (let i = 0; i < 2000; i++) predict(rows[i % rows.length]!)
  for (let i = 0; i < n; i++) {
    const row = rows[i % rows.length]!
    const s = process.hrtime.bigint()
    predict(row)
    times[i] = Number(process.hrtime.bigint() - s) / 1000
  }
  times.sort()
  return { p50: times[Math.floor(n * 0.5)]!, p99: times[Math.floor(n * 0.99)]! }
}
const native = model.rowPredictor()
const viaOnnx = onnx.rowPredictor()
const ln = latency((r) => native.predict(r), 20_000)
const lo = latency((r) => viaOnnx.predict(r), 20_000)

// raw onnxruntime session with a prebuilt feed (no Cairn frame handling)
const session = (
  onnx as unknown as {
    session: { run(f: object): unknown; Tensor: new (t: string, d: unknown, s: number[]) => unknown }
  }
).session
const feeds = Object.fromEntries(
  features.map((f) => [f, new session.Tensor('float64', Float64Array.of(Number(rows[0]![f])), [1, 1])]),
)
const lr = latency(() => session.run(feeds), 20_000)

function throughput(fn: () => void) {
  fn()
  const reps = 5
  const s = performance.now()
  for (let i = 0; i < reps; i++) fn()
  return (frame.rowCount * reps) / ((performance.now() - s) / 1000)
}
const tn = throughput(() => model.predict(frame))
const to = throughput(() => onnx.predict(frame))

console.log(`max relative difference Cairn vs ONNX: ${maxRel.toExponential(2)}`)
console.log('| predictor | single row p50 µs | p99 µs | batch rows/s |')
console.log('|---|---:|---:|---:|')
console.log(
  `| Cairn GBDT (native) | ${ln.p50.toFixed(1)} | ${ln.p99.toFixed(1)} | ${Math.round(tn).toLocaleString('en')} |`,
)
console.log(
  `| ONNX via onnxruntime-node (Cairn OnnxModel) | ${lo.p50.toFixed(1)} | ${lo.p99.toFixed(1)} | ${Math.round(to).toLocaleString('en')} |`,
)
console.log(`| ONNX raw session.run, prebuilt 1-row feed | ${lr.p50.toFixed(1)} | ${lr.p99.toFixed(1)} | – |`)
console.log(
  `ratios (ONNX / native): single-row p50 ${(lo.p50 / ln.p50).toFixed(2)}× (raw ${(lr.p50 / ln.p50).toFixed(2)}×), batch throughput ${(to / tn).toFixed(2)}×`,
)
