/**
 * Does data-parallel MLP training on worker threads pay? Serial `trainNetwork` vs
 * `trainNetworkParallel` (2 threads) on 10,000 × 20 rows, 2 epochs, Adam, for growing batch sizes
 * and layer widths. Prints seconds, speedup and FLOPs per batch (the rule `parallelThreads` uses).
 * Run: npx tsx bench/ml2/mlp-threads.ts
 */
import { buildMlp, createOptimizer, mlpConfigs, Rng, trainNetwork } from '../../src/ml/nn/index.js'
import { trainNetworkParallel } from '../../src/ml/nn/parallel/parallel-trainer.js'

const ROWS = 10_000
const F = 20
const rng = new Rng(1)
const x = Float32Array.from({ length: ROWS * F }, () => rng.normal())
const y = Int32Array.from({ length: ROWS }, (_, i) => (x[i * F]! * x[i * F + 1]! > 0 ? 1 : 0))
console.log('| hidden | batch | MFLOP/batch | serial s | 2 threads s | speedup |')
console.log('|---|---:|---:|---:|---:|---:|')
for (const [hidden, batch] of [
  [[64, 32], 32],
  [[64, 32], 256],
  [[256, 256], 64],
  [[256, 256], 256],
  [[512, 512], 512],
] as const) {
  const spec = { inputSize: F, hidden: [...hidden], outputSize: 2, seed: 1 }
  let macs = 0
  for (const l of mlpConfigs(spec)) if (l.kind === 'dense') macs += l.inputSize * l.outputSize
  const options = (seed: number) => ({
    loss: 'softmax-cross-entropy' as const,
    optimizer: createOptimizer({ kind: 'adam', learningRate: 1e-3 }),
    learningRate: 1e-3,
    schedule: { kind: 'constant' as const },
    epochs: 2,
    batchSize: batch,
    rng: new Rng(seed),
  })
  trainNetwork(buildMlp(spec), { x: x.subarray(0, 1000 * F), rows: 1000, y: y.subarray(0, 1000) }, options(1))
  let t0 = performance.now()
  const a = trainNetwork(buildMlp(spec), { x, rows: ROWS, y }, options(2))
  const serial = (performance.now() - t0) / 1000
  t0 = performance.now()
  const b = await trainNetworkParallel(
    buildMlp(spec),
    { x, rows: ROWS, y },
    { ...options(2), threads: 2, seed: 1 },
  )
  const parallel = (performance.now() - t0) / 1000
  if (Math.abs(a.trainLoss.at(-1)! - b.trainLoss.at(-1)!) > 0.05)
    console.warn('losses differ', a.trainLoss, b.trainLoss)
  console.log(
    `| ${hidden.join('-')} | ${batch} | ${((6 * macs * batch) / 1e6).toFixed(1)} | ${serial.toFixed(2)} | ${parallel.toFixed(2)} | ${(serial / parallel).toFixed(2)}× |`,
  )
}
