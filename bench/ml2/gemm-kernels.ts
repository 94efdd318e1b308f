/**
 * GEMM kernel throughput (GFLOP/s) for the shapes Cairn's networks use: C = A·B, A·Bᵀ and Aᵀ·B.
 * Run: npx tsx bench/ml2/gemm-kernels.ts
 */
import { gemm, gemmNT, gemmTN, Rng } from '../../src/ml/nn/index.js'

const rng = new Rng(1)
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.normal())
console.log('| shape m×n×k | gemm | gemmNT | gemmTN |')
console.log('|---|---:|---:|---:|')
for (const [m, n, k] of [
  [32, 64, 20],
  [256, 64, 64],
  [512, 512, 64],
  [512, 64, 512],
] as const) {
  const a = rand(m * k)
  const b = rand(k * n)
  const bt = rand(n * k)
  const at = rand(k * m)
  const c = new Float32Array(m * n)
  const flops = 2 * m * n * k
  const reps = Math.max(3, Math.round(2e8 / flops))
  const time = (f: () => void) => {
    for (let i = 0; i < 3; i++) f()
    const t0 = performance.now()
    for (let i = 0; i < reps; i++) f()
    return (flops * reps) / ((performance.now() - t0) / 1000) / 1e9
  }
  const g1 = time(() => gemm(m, n, k, a, b, c))
  const g2 = time(() => gemmNT(m, n, k, a, bt, c))
  const g3 = time(() => gemmTN(m, n, k, at, b, c))
  console.log(`| ${m}×${n}×${k} | ${g1.toFixed(2)} | ${g2.toFixed(2)} | ${g3.toFixed(2)} |`)
}
