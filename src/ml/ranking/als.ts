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
