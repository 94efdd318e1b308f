import type { Param } from './param.js'

/** Optimizer settings; `learningRate` is the base rate a schedule multiplies. */
export type OptimizerSpec =
  | { kind: 'sgd'; learningRate: number; momentum?: number; nesterov?: boolean; weightDecay?: number }
  | {
      kind: 'adam' | 'adamw'
      learningRate: number
      beta1?: number
      beta2?: number
      epsilon?: number
      weightDecay?: number
    }

/** Updates parameters from their gradients. State (moments) lives per parameter and can be saved. */
export interface Optimizer {
  readonly spec: OptimizerSpec
  /** Apply one update with the given learning rate (the schedule's value for this step). */
  step(params: readonly Param[], learningRate: number): void
  /** Steps taken so far. */
  readonly steps: number
  /** Moment tensors by parameter index, for saving with a model so training can resume. */
  state(params: readonly Param[]): Record<string, Float32Array>
  loadState(params: readonly Param[], state: Record<string, ArrayLike<number>>, steps: number): void
}

/** Build an optimizer. Adam applies weight decay as L2 in the gradient; AdamW decouples it (Loshchilov & Hutter). */
export function createOptimizer(spec: OptimizerSpec): Optimizer {
  return spec.kind === 'sgd' ? new Sgd(spec) : new Adam(spec)
}

class Sgd implements Optimizer {
  steps = 0
  private readonly velocity = new Map<Param, Float32Array>()
  constructor(readonly spec: Extract<OptimizerSpec, { kind: 'sgd' }>) {}

  step(params: readonly Param[], lr: number): void {
    this.steps++
    const mu = this.spec.momentum ?? 0.9
    const wd = this.spec.weightDecay ?? 0
    const nesterov = this.spec.nesterov ?? false
    for (const p of params) {
      let v = this.velocity.get(p)
      if (!v) this.velocity.set(p, (v = new Float32Array(p.value.length)))
      const update = (i: number) => {
        const g = p.grad[i]! + (p.decay ? wd * p.value[i]! : 0)
        const vi = mu * v[i]! + g
        v[i] = vi
        p.value[i] = p.value[i]! - lr * (nesterov ? g + mu * vi : vi)
      }
      if (p.touched) {
        const d = p.rowSize
        for (const r of p.touched) for (let i = r * d; i < (r + 1) * d; i++) update(i)
      } else {
        for (let i = 0; i < p.value.length; i++) update(i)
      }
    }
  }

  state(params: readonly Param[]): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {}
    params.forEach((p, i) => {
      const v = this.velocity.get(p)
      if (v) out[`${i}.v`] = Float32Array.from(v)
    })
    return out
  }

  loadState(params: readonly Param[], state: Record<string, ArrayLike<number>>, steps: number): void {
    this.steps = steps
    params.forEach((p, i) => {
      const v = state[`${i}.v`]
      if (v && v.length === p.value.length) this.velocity.set(p, Float32Array.from(v))
    })
  }
}

class Adam implements Optimizer {
  steps = 0
  private readonly m = new Map<Param, Float32Array>()
  private readonly v = new Map<Param, Float32Array>()
  /** Per-row step counts for row-sparse params (lazy Adam bias correction). */
  private readonly rowSteps = new Map<Param, Int32Array>()
  constructor(readonly spec: Extract<OptimizerSpec, { kind: 'adam' | 'adamw' }>) {}

  step(params: readonly Param[], lr: number): void {
    this.steps++
    const b1 = this.spec.beta1 ?? 0.9
    const b2 = this.spec.beta2 ?? 0.999
    const eps = this.spec.epsilon ?? 1e-8
    const wd = this.spec.weightDecay ?? (this.spec.kind === 'adamw' ? 0.01 : 0)
    const decoupled = this.spec.kind === 'adamw'
    for (const p of params) {
      let m = this.m.get(p)
      let v = this.v.get(p)
      if (!m || !v) {
        this.m.set(p, (m = new Float32Array(p.value.length)))
        this.v.set(p, (v = new Float32Array(p.value.length)))
      }
      const w = p.value
      const gr = p.grad
      const decay = p.decay ? wd : 0
      if (p.touched) {
        let rs = this.rowSteps.get(p)
        if (!rs) this.rowSteps.set(p, (rs = new Int32Array(p.value.length / p.rowSize)))
        const d = p.rowSize
        for (const r of p.touched) {
          const t = (rs[r] = rs[r]! + 1)
          const c1 = 1 / (1 - b1 ** t)
          const c2 = 1 / (1 - b2 ** t)
          for (let i = r * d; i < (r + 1) * d; i++) {
            const g = gr[i]! + (decoupled ? 0 : decay * w[i]!)
            const mi = (m[i] = b1 * m[i]! + (1 - b1) * g)
            const vi = (v[i] = b2 * v[i]! + (1 - b2) * g * g)
            w[i] = w[i]! - lr * ((mi * c1) / (Math.sqrt(vi * c2) + eps) + (decoupled ? decay * w[i]! : 0))
          }
        }
        continue
      }
      const c1 = 1 / (1 - b1 ** this.steps)
      const c2 = 1 / (1 - b2 ** this.steps)
      const n = w.length
      for (let i = 0; i < n; i++) {
        const g = gr[i]! + (decoupled ? 0 : decay * w[i]!)
        const mi = (m[i] = b1 * m[i]! + (1 - b1) * g)
        const vi = (v[i] = b2 * v[i]! + (1 - b2) * g * g)
        w[i] = w[i]! - lr * ((mi * c1) / (Math.sqrt(vi * c2) + eps) + (decoupled ? decay * w[i]! : 0))
      }
    }
  }

  state(params: readonly Param[]): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {}
    params.forEach((p, i) => {
      const m = this.m.get(p)
      const v = this.v.get(p)
      if (m && v) {
        out[`${i}.m`] = Float32Array.from(m)
        out[`${i}.v`] = Float32Array.from(v)
      }
    })
    return out
  }

  loadState(params: readonly Param[], state: Record<string, ArrayLike<number>>, steps: number): void {
    this.steps = steps
    params.forEach((p, i) => {
      const m = state[`${i}.m`]
      const v = state[`${i}.v`]
      if (m && v && m.length === p.value.length && v.length === p.value.length) {
        this.m.set(p, Float32Array.from(m))
        this.v.set(p, Float32Array.from(v))
      }
    })
  }
}

/** Scale gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping. */
export function clipGradNorm(params: readonly Param[], maxNorm: number): number {
  let sq = 0
  for (const p of params) for (let i = 0; i < p.grad.length; i++) sq += p.grad[i]! * p.grad[i]!
  const norm = Math.sqrt(sq)
  if (norm > maxNorm && norm > 0) {
    const s = maxNorm / norm
    for (const p of params) for (let i = 0; i < p.grad.length; i++) p.grad[i] = p.grad[i]! * s
  }
  return norm
}
