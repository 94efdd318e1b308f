/**
 * One half-step of implicit-feedback ALS (Hu, Koren & Volinsky 2008): with the other side's factors
 * `Y` fixed, solve for every row x_u = (YᵀY + Yᵀ(C_u − I)Y + λI)⁻¹ Yᵀ C_u p_u, where the
 * confidence c_ui = 1 + α·w_ui for observed pairs. `offsets/cols/vals` list each row's observed
 * columns and weights (CSR).
 */
export function alsHalfStep(
  rows: number,
  offsets: Int32Array,
  cols: Int32Array,
  vals: Float32Array,
  y: Float32Array,
  f: number,
  lambda: number,
  alpha: number,
  out: Float32Array,
): void {
  const yty = new Float64Array(f * f)
  const ny = y.length / f
  for (let i = 0; i < ny; i++) {
    const o = i * f
    for (let a = 0; a < f; a++) {
      const ya = y[o + a]!
      if (ya === 0) continue
      for (let b = a; b < f; b++) yty[a * f + b] = yty[a * f + b]! + ya * y[o + b]!
    }
  }
  for (let a = 0; a < f; a++) for (let b = 0; b < a; b++) yty[a * f + b] = yty[b * f + a]!
  const A = new Float64Array(f * f)
  const rhs = new Float64Array(f)
  for (let u = 0; u < rows; u++) {
    A.set(yty)
    for (let a = 0; a < f; a++) A[a * f + a] = A[a * f + a]! + lambda
    rhs.fill(0)
    for (let p = offsets[u]!; p < offsets[u + 1]!; p++) {
      const o = cols[p]! * f
      const c = 1 + alpha * vals[p]!
      const cm1 = c - 1
      for (let a = 0; a < f; a++) {
        const ya = y[o + a]!
        rhs[a] = rhs[a]! + c * ya
        const s = cm1 * ya
        for (let b = 0; b <= a; b++) A[a * f + b] = A[a * f + b]! + s * y[o + b]!
      }
    }
    choleskySolve(A, rhs, f)
    for (let a = 0; a < f; a++) out[u * f + a] = rhs[a]!
  }
}

/** Solve A x = b in place (x written to b) for symmetric positive-definite A; only the lower triangle of A is read. */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j]!
    for (let k = 0; k < j; k++) d -= A[j * n + k]! * A[j * n + k]!
    d = Math.sqrt(Math.max(d, 1e-12))
    A[j * n + j] = d
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j]!
      for (let k = 0; k < j; k++) s -= A[i * n + k]! * A[j * n + k]!
      A[i * n + j] = s / d
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i]!
    for (let k = 0; k < i; k++) s -= A[i * n + k]! * b[k]!
    b[i] = s / A[i * n + i]!
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!
    for (let k = i + 1; k < n; k++) s -= A[k * n + i]! * b[k]!
    b[i] = s / A[i * n + i]!
  }
}

/**
 * The same half-step solved approximately by a few conjugate-gradient iterations warm-started from
 * the current factors (Takács, Pilászy & Tikk 2011): O(f² + n_u·f) per iteration instead of the
 * O(n_u·f² + f³) of building and factoring each row's system, with the same fixed point.
 */
export function alsHalfStepCg(
  rows: number,
  offsets: Int32Array,
  cols: Int32Array,
  vals: Float32Array,
  y: Float32Array,
  f: number,
  lambda: number,
  alpha: number,
  out: Float32Array,
  steps = 3,
): void {
  const yty = new Float64Array(f * f)
  const ny = y.length / f
  for (let i = 0; i < ny; i++) {
    const o = i * f
    for (let a = 0; a < f; a++) {
      const ya = y[o + a]!
      if (ya === 0) continue
      for (let b = a; b < f; b++) yty[a * f + b] = yty[a * f + b]! + ya * y[o + b]!
    }
  }
  for (let a = 0; a < f; a++) {
    for (let b = 0; b < a; b++) yty[a * f + b] = yty[b * f + a]!
    yty[a * f + a] = yty[a * f + a]! + lambda
  }
  const x = new Float64Array(f)
  const r = new Float64Array(f)
  const p = new Float64Array(f)
  const ap = new Float64Array(f)
  // A·v = (YᵀY + λI)·v + Σ_i (c_i − 1) y_i (y_iᵀ v)
  const multiply = (u: number, v: Float64Array, res: Float64Array) => {
    for (let a = 0; a < f; a++) {
      let s = 0
      const o = a * f
      for (let b = 0; b < f; b++) s += yty[o + b]! * v[b]!
      res[a] = s
    }
    for (let q = offsets[u]!; q < offsets[u + 1]!; q++) {
      const o = cols[q]! * f
      let dot = 0
      for (let a = 0; a < f; a++) dot += y[o + a]! * v[a]!
      const w = alpha * vals[q]! * dot
      for (let a = 0; a < f; a++) res[a] = res[a]! + w * y[o + a]!
    }
  }
  for (let u = 0; u < rows; u++) {
    for (let a = 0; a < f; a++) x[a] = out[u * f + a]!
    multiply(u, x, ap)
    // r = b − A x with b = Σ c_i y_i
    for (let a = 0; a < f; a++) r[a] = -ap[a]!
    for (let q = offsets[u]!; q < offsets[u + 1]!; q++) {
      const o = cols[q]! * f
      const c = 1 + alpha * vals[q]!
      for (let a = 0; a < f; a++) r[a] = r[a]! + c * y[o + a]!
    }
    p.set(r)
    let rs = 0
    for (let a = 0; a < f; a++) rs += r[a]! * r[a]!
    for (let it = 0; it < steps && rs > 1e-20; it++) {
      multiply(u, p, ap)
      let pap = 0
      for (let a = 0; a < f; a++) pap += p[a]! * ap[a]!
      if (pap <= 0) break
      const step = rs / pap
      let next = 0
      for (let a = 0; a < f; a++) {
        x[a] = x[a]! + step * p[a]!
        r[a] = r[a]! - step * ap[a]!
        next += r[a]! * r[a]!
      }
      const beta = next / rs
      for (let a = 0; a < f; a++) p[a] = r[a]! + beta * p[a]!
      rs = next
    }
    for (let a = 0; a < f; a++) out[u * f + a] = x[a]!
  }
}
