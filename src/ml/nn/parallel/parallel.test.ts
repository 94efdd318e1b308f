import { describe, expect, it } from 'vitest'
import { buildMlp } from '../layers/sequential.js'
import { parallelThreads } from '../mlp/mlp-estimator.js'
import { createOptimizer } from '../optimizers.js'
import { Rng } from '../rng.js'
import { evaluateLoss, trainNetwork } from '../train-loop.js'
import { trainNetworkParallel } from './parallel-trainer.js'

describe('data-parallel training on worker threads', () => {
  it('learns like the serial loop (same loss to within noise) and hands parameters back to ordinary memory', async () => {
    const rng = new Rng(1)
    const rows = 2000
    const x = Float32Array.from({ length: rows * 4 }, () => rng.normal())
    const y = Int32Array.from({ length: rows }, (_, i) => (x[i * 4]! * x[i * 4 + 1]! > 0 ? 1 : 0))
    const options = () => ({
      loss: 'softmax-cross-entropy' as const,
      optimizer: createOptimizer({ kind: 'adam', learningRate: 0.01 }),
      learningRate: 0.01,
      schedule: { kind: 'constant' as const },
      epochs: 8,
      batchSize: 64,
      rng: new Rng(5),
    })
    const spec = { inputSize: 4, hidden: [16], outputSize: 2, seed: 3 }
    const serialNet = buildMlp(spec)
    const serial = trainNetwork(serialNet, { x, rows, y }, options())
    const net = buildMlp(spec)
    const parallel = await trainNetworkParallel(net, { x, rows, y }, { ...options(), threads: 2, seed: 3 })
    expect(parallel.trainLoss.at(-1)!).toBeLessThan(parallel.trainLoss[0]! * 0.6)
    expect(Math.abs(parallel.trainLoss.at(-1)! - serial.trainLoss.at(-1)!)).toBeLessThan(0.02)
    expect(net.params[0]!.value.buffer).not.toBeInstanceOf(SharedArrayBuffer)
    expect(evaluateLoss(net, { x, rows, y }, 'softmax-cross-entropy')).toBeCloseTo(
      evaluateLoss(serialNet, { x, rows, y }, 'softmax-cross-entropy'),
      1,
    )
  })

  it('uses threads only when a batch carries enough work', () => {
    const small = [{ kind: 'dense' as const, inputSize: 20, outputSize: 64 }]
    const big = [{ kind: 'dense' as const, inputSize: 1024, outputSize: 1024 }]
    expect(parallelThreads(small, 32, 2)).toBe(1)
    expect(parallelThreads(big, 512, 2)).toBe(2)
    expect(parallelThreads(big, 512, 1)).toBe(1)
  })
})
