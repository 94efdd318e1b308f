import { throwIfAborted } from '../pipeline/define-estimator.js'

/** Objective: returns f(x) and writes ∇f(x) into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number

/** Settings for `lbfgs`. */
export interface LbfgsOptions {
  /** Iterations (default 100). */
  maxIter?: number
  /** Stop when the largest gradient component is at most this (default 1e-5). */
  gtol?: number
  /** Stop when the relative decrease of f is at most this (default 64 × machine epsilon, as scikit-learn). */
  ftol?: number
  /** Correction pairs kept (default 10). */
  memory?: number
  /** Function evaluations allowed per line search (default 50). */
  maxLineSearch?: number
  signal?: AbortSignal
  onIteration?: (iteration: number, f: number) => void
}

/** Outcome of an L-BFGS run. */
export interface LbfgsResult {
  x: Float64Array
  f: number
  iterations: number
  evaluations: number
  converged: boolean
  /** Why it stopped: `gtol`, `ftol`, `maxIter` or `lineSearch`. */
  reason: 'gtol' | 'ftol' | 'maxIter' | 'lineSearch'
}

const C1 = 1e-4
const C2 = 0.9

/**
 * Minimise a smooth function by limited-memory BFGS with a strong-Wolfe line search (bracketing
 * and cubic-interpolation zoom, Nocedal & Wright, Algorithms 3.5–3.6).
 */
export function lbfgs(fg: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIter = options.maxIter ?? 100
  const gtol = options.gtol ?? 1e-5
  const ftol = options.ftol ?? 64 * Number.EPSILON
  const m = options.memory ?? 10
  const maxLs = options.maxLineSearch ?? 50
  const p = x0.length
  let x = Float64Array.from(x0)
  let g = new Float64Array(p)
  let xn = new Float64Array(p)
  let gn = new Float64Array(p)
  const d = new Float64Array(p)
  const S = Array.from({ length: m }, () => new Float64Array(p))
  const Y = Array.from({ length: m }, () => new Float64Array(p))
  const rho = new Float64Array(m)
  const alphaBuf = new Float64Array(m)
  let stored = 0
  let head = 0
  let evaluations = 1
  let f = fg(x, g)
  if (normInf(g) <= gtol) return { x, f, iterations: 0, evaluations, converged: true, reason: 'gtol' }
  let iterations = 0
  let reason: LbfgsResult['reason'] = 'maxIter'
  for (; iterations < maxIter; iterations++) {
    throwIfAborted(options.signal)
    // Two-loop recursion: d = −H g.
    for (let i = 0; i < p; i++) d[i] = -(g[i] as number)
    for (let k = 0; k < stored; k++) {
      const idx = (head - 1 - k + m) % m
      const a = (rho[idx] as number) * dot(S[idx] as Float64Array, d)
      alphaBuf[idx] = a
      axpy(-a, Y[idx] as Float64Array, d)
    }
    if (stored > 0) {
      const last = (head - 1 + m) % m
      const yl = Y[last] as Float64Array
      const gamma = dot(S[last] as Float64Array, yl) / dot(yl, yl)
      for (let i = 0; i < p; i++) d[i] = (d[i] as number) * gamma
    }
    for (let k = stored - 1; k >= 0; k--) {
      const idx = (head - 1 - k + m) % m
      const b = (rho[idx] as number) * dot(Y[idx] as Float64Array, d)
      axpy((alphaBuf[idx] as number) - b, S[idx] as Float64Array, d)
    }
    let dg = dot(g, d)
    if (!(dg < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      stored = 0
      for (let i = 0; i < p; i++) d[i] = -(g[i] as number)
      dg = dot(g, d)
    }
    const step0 = iterations === 0 && stored === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1
    const ls = lineSearch(fg, x, f, dg, d, step0, xn, gn, maxLs)
    evaluations += ls.evaluations
    if (!ls.ok) {
      reason = 'lineSearch'
      break
    }
    const fNew = ls.f
    // Curvature pair.
    const s = S[head] as Float64Array
    const yv = Y[head] as Float64Array
    for (let i = 0; i < p; i++) {
      s[i] = (xn[i] as number) - (x[i] as number)
      yv[i] = (gn[i] as number) - (g[i] as number)
    }
    const sy = dot(s, yv)
    if (sy > 1e-12 * Math.sqrt(dot(yv, yv) * dot(s, s))) {
      rho[head] = 1 / sy
      head = (head + 1) % m
      stored = Math.min(stored + 1, m)
    }
    const fOld = f
    ;[x, xn] = [xn, x]
    ;[g, gn] = [gn, g]
    f = fNew
    options.onIteration?.(iterations + 1, f)
    if (normInf(g) <= gtol) {
      reason = 'gtol'
      iterations++
      break
    }
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      reason = 'ftol'
      iterations++
      break
    }
  }
  return { x, f, iterations, evaluations, converged: reason === 'gtol' || reason === 'ftol', reason }
}

interface LineSearchResult {
  ok: boolean
  f: number
  evaluations: number
}

function lineSearch(
  fg: Objective,
  x: Float64Array,
  f0: number,
  dg0: number,
  d: Float64Array,
  step0: number,
  xn: Float64Array,
  gn: Float64Array,
  maxEval: number,
): LineSearchResult {
  let evaluations = 0
  const evalAt = (a: number): { f: number; dg: number } => {
    for (let i = 0; i < x.length; i++) xn[i] = (x[i] as number) + a * (d[i] as number)
    evaluations++
    const f = fg(xn, gn)
    return { f, dg: dot(gn, d) }
  }
  let aPrev = 0
  let fPrev = f0
  let dgPrev = dg0
  let a = step0
  while (evaluations < maxEval) {
    const { f, dg } = evalAt(a)
    if (!Number.isFinite(f) || f > f0 + C1 * a * dg0 || (evaluations > 1 && f >= fPrev)) {
      return zoom(
        aPrev,
        a,
        fPrev,
        Number.isFinite(f) ? f : Number.MAX_VALUE,
        dgPrev,
        Number.isFinite(dg) ? dg : 0,
      )
    }
    if (Math.abs(dg) <= -C2 * dg0) return { ok: true, f, evaluations }
    if (dg >= 0) return zoom(a, aPrev, f, fPrev, dg, dgPrev)
    aPrev = a
    fPrev = f
    dgPrev = dg
    a *= 2
  }
  return { ok: false, f: f0, evaluations }

  function zoom(
    lo: number,
    hi: number,
    flo: number,
    fhi: number,
    dglo: number,
    dghi: number,
  ): LineSearchResult {
    while (evaluations < maxEval) {
      let a = cubicMin(lo, flo, dglo, hi, fhi, dghi)
      const lower = Math.min(lo, hi)
      const width = Math.abs(hi - lo)
      if (!Number.isFinite(a) || a < lower + 0.1 * width || a > lower + 0.9 * width) a = (lo + hi) / 2
      const { f, dg } = evalAt(a)
      if (f > f0 + C1 * a * dg0 || f >= flo) {
        hi = a
        fhi = f
        dghi = dg
      } else {
        if (Math.abs(dg) <= -C2 * dg0) return { ok: true, f, evaluations }
        if (dg * (hi - lo) >= 0) {
          hi = lo
          fhi = flo
          dghi = dglo
        }
        lo = a
        flo = f
        dglo = dg
      }
      if (width < 1e-16 * Math.max(1, Math.abs(lo))) break
    }
    // Accept the best sufficient-decrease point found, if any.
    if (lo > 0 && flo < f0) {
      const { f } = evalAt(lo)
      return { ok: true, f, evaluations }
    }
    return { ok: false, f: f0, evaluations }
  }
}

function cubicMin(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b)
  const disc = d1 * d1 - ga * gb
  if (disc < 0) return Number.NaN
  const d2 = Math.sign(b - a) * Math.sqrt(disc)
  return b - (b - a) * ((gb + d2 - d1) / (gb - ga + 2 * d2))
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number)
  return s
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] = (y[i] as number) + a * (x[i] as number)
}

function normInf(g: Float64Array): number {
  let m = 0
  for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i] as number))
  return m
}
