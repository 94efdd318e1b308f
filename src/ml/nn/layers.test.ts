import { describe, expect, it } from 'vitest'
import { gemm, gemmNT, gemmTN } from './gemm.js'
import { Activation } from './layers/activation.js'
import { Dense } from './layers/dense.js'
import { Embedding } from './layers/embedding.js'
import type { Layer } from './layers/layer.js'
import { LayerNorm } from './layers/layer-norm.js'
import { Sequential } from './layers/sequential.js'
import { bprLoss, meanSquaredError, sampledSoftmax, softmaxCrossEntropy } from './losses.js'
import { createOptimizer } from './optimizers.js'
import { Param } from './param.js'
import { Rng } from './rng.js'
import { learningRateAt } from './schedules.js'

function naive(
  m: number,
  n: number,
  k: number,
  a: (i: number, p: number) => number,
  b: (p: number, j: number) => number,
) {
  const c = new Float64Array(m * n)
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) c[i * n + j]! += a(i, p) * b(p, j)
  return c
}

const rand = (n: number, rng: Rng) => Float32Array.from({ length: n }, () => rng.normal())

describe('gemm kernels', () => {
  it('match a naive product for odd shapes, in all three layouts', () => {
    const rng = new Rng(1)
    for (const [m, n, k] of [
      [1, 1, 1],
      [7, 13, 5],
      [33, 9, 130],
      [3, 600, 17],
    ] as const) {
      const A = rand(m * k, rng)
      const B = rand(k * n, rng)
      const want = naive(
        m,
        n,
        k,
        (i, p) => A[i * k + p]!,
        (p, j) => B[p * n + j]!,
      )
      const c = new Float32Array(m * n)
      gemm(m, n, k, A, B, c)
      for (const [i, v] of c.entries()) expect(v).toBeCloseTo(want[i]!, 3)
      const Bt = new Float32Array(n * k)
      for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) Bt[j * k + p] = B[p * n + j]!
      gemmNT(m, n, k, A, Bt, c)
      for (const [i, v] of c.entries()) expect(v).toBeCloseTo(want[i]!, 3)
      const At = new Float32Array(k * m)
      for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) At[p * m + i] = A[i * k + p]!
      gemmTN(m, n, k, At, B, c)
      for (const [i, v] of c.entries()) expect(v).toBeCloseTo(want[i]!, 3)
    }
  })
})

/** Compare analytic gradients with central differences of loss = Σ y·r for a random r. */
function gradCheck(layer: Layer, inputSize: number, rows: number, seed: number) {
  const rng = new Rng(seed)
  const x = rand(rows * inputSize, rng)
  const r = rand(rows * layer.outputSize, rng)
  const loss = (input: Float32Array) => {
    const y = layer.forward(input, rows, false)
    let s = 0
    for (let i = 0; i < rows * layer.outputSize; i++) s += y[i]! * r[i]!
    return s
  }
  for (const p of layer.params) p.grad.fill(0)
  layer.forward(x, rows, false)
  const dx = Float32Array.from(layer.backward(r, rows).subarray(0, rows * inputSize))
  const h = 1e-2
  for (let i = 0; i < Math.min(x.length, 12); i++) {
    const xp = Float32Array.from(x)
    xp[i]! += h
    const xm = Float32Array.from(x)
    xm[i]! -= h
    expect(dx[i]).toBeCloseTo((loss(xp) - loss(xm)) / (2 * h), 1)
  }
  for (const p of layer.params) {
    const g = Float32Array.from(p.grad)
    for (let i = 0; i < Math.min(p.value.length, 8); i++) {
      const v = p.value[i]!
      p.value[i] = v + h
      const lp = loss(x)
      p.value[i] = v - h
      const lm = loss(x)
      p.value[i] = v
      expect(g[i]).toBeCloseTo((lp - lm) / (2 * h), 1)
    }
  }
}

describe('layers', () => {
  it('back-propagate correct gradients (finite differences)', () => {
    gradCheck(new Dense(5, 4, new Rng(2)), 5, 3, 10)
    for (const kind of ['relu', 'gelu', 'tanh', 'sigmoid'] as const)
      gradCheck(new Activation(kind, 6), 6, 3, 11)
    const ln = new LayerNorm(6)
    ln.gain.value.set([1.5, 0.5, 1, 2, 1, 0.7])
    gradCheck(ln, 6, 3, 12)
  })

  it('embeddings return zeros for unseen ids and update only touched rows', () => {
    const e = new Embedding(4, 3, new Rng(1))
    const y = e.forward(Int32Array.from([2, 9, -1]), 3)
    expect([...y.subarray(3, 9)]).toEqual([0, 0, 0, 0, 0, 0])
    e.backward(new Float32Array(9).fill(1), 3)
    expect([...e.table.touched!]).toEqual([2])
    const before = Float32Array.from(e.table.value)
    createOptimizer({ kind: 'adam', learningRate: 0.1 }).step(e.params, 0.1)
    expect(e.table.value[0]).toBe(before[0])
    expect(e.table.value[6]).not.toBe(before[6])
  })
})

describe('losses', () => {
  it('softmax cross-entropy and MSE gradients match finite differences', () => {
    const rng = new Rng(3)
    const logits = rand(6, rng)
    const g = new Float32Array(6)
    const labels = [2, 0]
    softmaxCrossEntropy(logits, labels, 2, 3, g)
    const h = 1e-2
    for (let i = 0; i < 6; i++) {
      const p = Float32Array.from(logits)
      p[i]! += h
      const m = Float32Array.from(logits)
      m[i]! -= h
      const s = new Float32Array(6)
      expect(g[i]).toBeCloseTo(
        (softmaxCrossEntropy(p, labels, 2, 3, s) - softmaxCrossEntropy(m, labels, 2, 3, s)) / (2 * h),
        2,
      )
    }
    const gm = new Float32Array(2)
    expect(meanSquaredError(Float32Array.from([1, 3]), [0, 1], 2, 1, gm)).toBeCloseTo(2.5)
    expect([...gm]).toEqual([1, 2])
  })

  it('BPR and sampled softmax push positives above negatives', () => {
    const gp = new Float32Array(1)
    const gn = new Float32Array(1)
    expect(bprLoss(Float32Array.from([0]), Float32Array.from([0]), 1, gp, gn)).toBeCloseTo(Math.log(2))
    expect(gp[0]).toBeLessThan(0)
    const rng = new Rng(4)
    const q = rand(8, rng)
    const c = rand(8, rng)
    const gq = new Float32Array(8)
    const gc = new Float32Array(8)
    const scratch = new Float32Array(4)
    const input = { query: q, candidates: c, rows: 2, candidateCount: 2, dim: 4, positive: [0, 1] }
    const l0 = sampledSoftmax(input, gq, gc, scratch)
    for (let i = 0; i < 8; i++) {
      q[i]! -= 0.5 * gq[i]!
      c[i]! -= 0.5 * gc[i]!
    }
    expect(sampledSoftmax(input, gq, gc, scratch)).toBeLessThan(l0)
    // a duplicate of the positive in the batch is masked, not treated as a negative
    const dup = sampledSoftmax({ ...input, candidateIds: [7, 7] }, gq, gc, scratch)
    expect(dup).toBeCloseTo(0, 6)
  })
})

describe('optimizers and schedules', () => {
  it('each optimizer minimises a quadratic', () => {
    for (const spec of [
      { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
      { kind: 'adam', learningRate: 0.1 },
      { kind: 'adamw', learningRate: 0.1, weightDecay: 0.001 },
    ] as const) {
      const p = new Param('w', Float32Array.from([3, -2]))
      const opt = createOptimizer(spec)
      for (let t = 0; t < 300; t++) {
        p.grad[0] = 2 * (p.value[0]! - 1)
        p.grad[1] = 2 * (p.value[1]! + 1)
        opt.step([p], spec.learningRate)
      }
      expect(p.value[0]).toBeCloseTo(1, 1)
      expect(p.value[1]).toBeCloseTo(-1, 1)
    }
  })

  it('schedules warm up and decay', () => {
    expect(
      learningRateAt(1, { kind: 'constant' }, { step: 0, epoch: 0, progress: 0 }, { warmupSteps: 4 }),
    ).toBe(0.25)
    expect(learningRateAt(1, { kind: 'cosine' }, { step: 10, epoch: 1, progress: 1 })).toBeCloseTo(0)
    expect(
      learningRateAt(1, { kind: 'step', everyEpochs: 2, factor: 0.5 }, { step: 0, epoch: 4, progress: 0 }),
    ).toBe(0.25)
    expect(learningRateAt(2, { kind: 'linear', endFactor: 0.5 }, { step: 0, epoch: 0, progress: 0.5 })).toBe(
      1.5,
    )
  })

  it('a network round-trips through its configs and tensors', () => {
    const net = Sequential.fromConfigs(
      [
        { kind: 'dense', inputSize: 3, outputSize: 4 },
        { kind: 'layer-norm', size: 4, epsilon: 1e-5 },
        { kind: 'gelu', size: 4 },
        { kind: 'dropout', size: 4, rate: 0.5 },
        { kind: 'dense', inputSize: 4, outputSize: 2 },
      ],
      {},
      5,
    )
    const copy = Sequential.fromConfigs(net.configs(), net.tensors())
    const x = Float32Array.from([0.1, -2, 3, 1, 1, 1])
    expect([...copy.forward(x, 2).subarray(0, 4)]).toEqual([...net.forward(x, 2).subarray(0, 4)])
  })
})
