/**
 * MLP training: Cairn (TypeScript, Float32 GEMM kernels) vs TensorFlow.js with the wasm backend.
 * 10,000 rows × 20 features, hidden 64-32 (ReLU), softmax output, Adam lr 1e-3, batch 32, 5 epochs.
 * Run: npx tsx bench/ml2/mlp-vs-tfjs.ts
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { makeFrame, numericColumn } from '../../src/data/index.js'
import { mlpClassifier, Rng } from '../../src/ml/nn/index.js'

const ROWS = 10_000
const TEST = 2_000
const FEATURES = 20
const EPOCHS = 5
const BATCH = 32

function data(n: number, seed: number) {
  const rng = new Rng(seed)
  const x = new Float32Array(n * FEATURES)
  const y = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let j = 0; j < FEATURES; j++) {
      const v = rng.normal()
      x[i * FEATURES + j] = v
      s += j < 5 ? v * v - 1 : j < 10 ? 0.5 * v : 0
    }
    y[i] = s + 0.3 * rng.normal() > 0 ? 1 : 0
  }
  return { x, y }
}

const train = data(ROWS, 1)
const test = data(TEST, 2)
const frameOf = (d: { x: Float32Array; y: Int32Array }, n: number) =>
  makeFrame([
    ...Array.from({ length: FEATURES }, (_, j) =>
      numericColumn(
        `f${j}`,
        Float64Array.from({ length: n }, (_, i) => d.x[i * FEATURES + j]!),
      ),
    ),
    { name: 'y', type: 'category', codes: d.y, categories: ['0', '1'] },
  ])

// --- Cairn
const trainFrame = frameOf(train, ROWS)
const testFrame = frameOf(test, TEST)
const est = mlpClassifier({
  hiddenLayers: [64, 32],
  epochs: EPOCHS,
  batchSize: BATCH,
  learningRate: 1e-3,
  patience: 0,
})
await est.fit(frameOf(data(500, 9), 500), { target: 'y' }) // warm-up (JIT)
let t0 = performance.now()
const model = await est.fit(trainFrame, { target: 'y', seed: 1 })
const cairnSeconds = (performance.now() - t0) / 1000
const pred = model.predict(testFrame).values
let ok = 0
for (let i = 0; i < TEST; i++) if (pred[i] === test.y[i]) ok++
const cairnAcc = ok / TEST

// --- TensorFlow.js, wasm backend
const require = createRequire(import.meta.url)
const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out')
setWasmPaths(`${wasmDir}/`)
await tf.setBackend('wasm')
await tf.ready()
const net = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [FEATURES], units: 64, activation: 'relu' }),
    tf.layers.dense({ units: 32, activation: 'relu' }),
    tf.layers.dense({ units: 2, activation: 'softmax' }),
  ],
})
net.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: [] })
const xs = tf.tensor2d(train.x, [ROWS, FEATURES])
const ys = tf.tensor1d(Float32Array.from(train.y))
await net.fit(
  tf.tensor2d(train.x.subarray(0, 500 * FEATURES), [500, FEATURES]),
  tf.tensor1d(Float32Array.from(train.y.subarray(0, 500))),
  { epochs: 1, batchSize: BATCH, verbose: 0 },
)
t0 = performance.now()
await net.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, shuffle: true, verbose: 0 })
const tfSeconds = (performance.now() - t0) / 1000
const tp = (net.predict(tf.tensor2d(test.x, [TEST, FEATURES])) as tf.Tensor).argMax(1).dataSync()
ok = 0
for (let i = 0; i < TEST; i++) if (tp[i] === test.y[i]) ok++
const tfAcc = ok / TEST

console.log(
  `MLP ${ROWS}×${FEATURES}, hidden 64-32, ${EPOCHS} epochs, batch ${BATCH}, Adam (tfjs backend: ${tf.getBackend()})`,
)
console.log(`| | train s | test accuracy |`)
console.log(`|---|---:|---:|`)
console.log(`| Cairn | ${cairnSeconds.toFixed(2)} | ${cairnAcc.toFixed(3)} |`)
console.log(`| TensorFlow.js wasm | ${tfSeconds.toFixed(2)} | ${tfAcc.toFixed(3)} |`)
console.log(`ratio (tfjs-wasm time / Cairn time): ${(tfSeconds / cairnSeconds).toFixed(2)}×`)
