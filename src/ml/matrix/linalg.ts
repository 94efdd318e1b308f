/**
 * Small dense linear algebra on column-major Float64Arrays: Gram matrices, Cholesky, pivoted
 * Householder least squares and a symmetric eigensolver. Enough for linear models with up to a
 * few thousand features; nothing here allocates inside its loops.
 */

/** A column-major matrix view: element (i, j) at `data[j * rows + i]`. */
export interface DenseMatrix {
  readonly rows: number
  readonly cols: number
  readonly data: Float64Array
}

/** Xᵀ W X as a full symmetric p × p column-major matrix (W diagonal, optional). */
export function gram(X: DenseMatrix, w?: ArrayLike<number>): Float64Array {
  const { rows: n, cols: p, data } = X
  const G = new Float64Array(p * p)
  const wx = w ? new Float64Array(n) : undefined
  for (let j = 0; j < p; j++) {
    const oj = j * n
    if (wx && w) for (let i = 0; i < n; i++) wx[i] = (data[oj + i] as number) * (w[i] as number)
    for (let k = j; k < p; k++) {
      const ok = k * n
      let s = 0
      if (wx) for (let i = 0; i < n; i++) s += (wx[i] as number) * (data[ok + i] as number)
      else for (let i = 0; i < n; i++) s += (data[oj + i] as number) * (data[ok + i] as number)
      G[j * p + k] = s
      G[k * p + j] = s
    }
  }
  return G
}

/** Xᵀ W y. */
export function xty(X: DenseMatrix, y: ArrayLike<number>, w?: ArrayLike<number>): Float64Array {
  const { rows: n, cols: p, data } = X
  const out = new Float64Array(p)
  for (let j = 0; j < p; j++) {
    const o = j * n
    let s = 0
    if (w) for (let i = 0; i < n; i++) s += (data[o + i] as number) * (y[i] as number) * (w[i] as number)
    else for (let i = 0; i < n; i++) s += (data[o + i] as number) * (y[i] as number)
    out[j] = s
  }
  return out
}

/** In-place Cholesky factorisation A = L Lᵀ (lower triangle written); false when A is not positive definite. */
export function cholesky(A: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j++) {
    let d = A[j * p + j] as number
    for (let k = 0; k < j; k++) d -= (A[k * p + j] as number) ** 2
    if (!(d > 0)) return false
    const ljj = Math.sqrt(d)
    A[j * p + j] = ljj
    for (let i = j + 1; i < p; i++) {
      let s = A[j * p + i] as number
      for (let k = 0; k < j; k++) s -= (A[k * p + i] as number) * (A[k * p + j] as number)
      A[j * p + i] = s / ljj
    }
  }
  return true
}

/** Solve L Lᵀ x = b in place, given the factor from `cholesky`. */
export function choleskySolve(L: Float64Array, p: number, b: Float64Array): Float64Array {
  for (let i = 0; i < p; i++) {
    let s = b[i] as number
    for (let k = 0; k < i; k++) s -= (L[k * p + i] as number) * (b[k] as number)
    b[i] = s / (L[i * p + i] as number)
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i] as number
    for (let k = i + 1; k < p; k++) s -= (L[i * p + k] as number) * (b[k] as number)
    b[i] = s / (L[i * p + i] as number)
  }
  return b
}

/** Result of a least-squares solve. */
export interface LeastSquares {
  x: Float64Array
  /** Numerical rank of the design matrix. */
  rank: number
}

/**
 * Minimise ‖A x − b‖ by Householder QR with column pivoting. A (n × p, column-major) and b are
 * overwritten. When A is rank-deficient, `rank` is below p and `x` is all zeros: the caller then
 * needs the minimum-norm solution (`pseudoInverseSolve` on the normal equations).
 */
export function leastSquares(
  A: Float64Array,
  n: number,
  p: number,
  b: Float64Array,
  rcond = 1e-12,
): LeastSquares {
  const perm = new Int32Array(p)
  const norms = new Float64Array(p)
  for (let j = 0; j < p; j++) {
    perm[j] = j
    let s = 0
    for (let i = 0; i < n; i++) s += (A[j * n + i] as number) ** 2
    norms[j] = s
  }
  const steps = Math.min(n, p)
  const rdiag = new Float64Array(steps)
  let rank = steps
  let maxR = 0
  for (let k = 0; k < steps; k++) {
    let best = k
    for (let j = k + 1; j < p; j++) if ((norms[j] as number) > (norms[best] as number)) best = j
    if (best !== k) {
      for (let i = 0; i < n; i++) {
        const t = A[k * n + i] as number
        A[k * n + i] = A[best * n + i] as number
        A[best * n + i] = t
      }
      const tn = norms[k] as number
      norms[k] = norms[best] as number
      norms[best] = tn
      const tp = perm[k] as number
      perm[k] = perm[best] as number
      perm[best] = tp
    }
    const o = k * n
    let alpha = 0
    for (let i = k; i < n; i++) alpha += (A[o + i] as number) ** 2
    alpha = Math.sqrt(alpha)
    if (k === 0) maxR = alpha
    if (alpha <= rcond * maxR * Math.max(n, p) || alpha === 0) {
      rank = k
      break
    }
    const akk = A[o + k] as number
    if (akk > 0) alpha = -alpha
    // v = a - alpha e1, stored in A[k..n), with v[k] kept separately.
    const vk = akk - alpha
    A[o + k] = vk
    const vnorm2 = vk * vk + (alpha * alpha - akk * akk)
    rdiag[k] = alpha
    if (vnorm2 > 0) {
      for (let j = k + 1; j < p; j++) {
        const oj = j * n
        let s = 0
        for (let i = k; i < n; i++) s += (A[o + i] as number) * (A[oj + i] as number)
        const f = (2 * s) / vnorm2
        for (let i = k; i < n; i++) A[oj + i] = (A[oj + i] as number) - f * (A[o + i] as number)
      }
      let s = 0
      for (let i = k; i < n; i++) s += (A[o + i] as number) * (b[i] as number)
      const f = (2 * s) / vnorm2
      for (let i = k; i < n; i++) b[i] = (b[i] as number) - f * (A[o + i] as number)
    }
    // Remaining column norms, recomputed (not downdated) to stay robust against cancellation.
    for (let j = k + 1; j < p; j++) {
      let s = 0
      const oj = j * n
      for (let i = k + 1; i < n; i++) s += (A[oj + i] as number) ** 2
      norms[j] = s
    }
  }
  const x = new Float64Array(p)
  if (rank < p) return { x, rank }
  const z = new Float64Array(p)
  for (let k = p - 1; k >= 0; k--) {
    let s = b[k] as number
    for (let j = k + 1; j < p; j++) s -= (A[j * n + k] as number) * (z[j] as number)
    z[k] = s / (rdiag[k] as number)
  }
  for (let k = 0; k < p; k++) x[perm[k] as number] = z[k] as number
  return { x, rank }
}

/** Eigen-decomposition of a symmetric p × p matrix by cyclic Jacobi rotations. */
export function symmetricEigen(S: Float64Array, p: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(S)
  const V = new Float64Array(p * p)
  for (let i = 0; i < p; i++) V[i * p + i] = 1
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let j = 0; j < p; j++) for (let i = 0; i < j; i++) off += (A[j * p + i] as number) ** 2
    if (off < 1e-30) break
    for (let q = 1; q < p; q++) {
      for (let r = 0; r < q; r++) {
        const arq = A[q * p + r] as number
        if (Math.abs(arq) < 1e-300) continue
        const arr = A[r * p + r] as number
        const aqq = A[q * p + q] as number
        const theta = (aqq - arr) / (2 * arq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < p; k++) {
          const akr = A[r * p + k] as number
          const akq = A[q * p + k] as number
          A[r * p + k] = c * akr - s * akq
          A[q * p + k] = s * akr + c * akq
        }
        for (let k = 0; k < p; k++) {
          const ark = A[k * p + r] as number
          const aqk = A[k * p + q] as number
          A[k * p + r] = c * ark - s * aqk
          A[k * p + q] = s * ark + c * aqk
        }
        for (let k = 0; k < p; k++) {
          const vkr = V[r * p + k] as number
          const vkq = V[q * p + k] as number
          V[r * p + k] = c * vkr - s * vkq
          V[q * p + k] = s * vkr + c * vkq
        }
      }
    }
  }
  const values = new Float64Array(p)
  for (let i = 0; i < p; i++) values[i] = A[i * p + i] as number
  return { values, vectors: V }
}

/** Minimum-norm solution of G x = c for symmetric positive semi-definite G (pseudo-inverse). */
export function pseudoInverseSolve(G: Float64Array, p: number, c: Float64Array, rcond = 1e-10): Float64Array {
  const { values, vectors } = symmetricEigen(G, p)
  let max = 0
  for (let i = 0; i < p; i++) max = Math.max(max, Math.abs(values[i] as number))
  const x = new Float64Array(p)
  for (let e = 0; e < p; e++) {
    const lambda = values[e] as number
    if (lambda <= rcond * max) continue
    let proj = 0
    for (let k = 0; k < p; k++) proj += (vectors[e * p + k] as number) * (c[k] as number)
    const f = proj / lambda
    for (let k = 0; k < p; k++) x[k] = (x[k] as number) + f * (vectors[e * p + k] as number)
  }
  return x
}
