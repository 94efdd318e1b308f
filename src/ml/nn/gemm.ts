/**
 * Matrix kernels on row-major Float32Array. Shapes are given explicitly; no kernel allocates.
 * Loops run over contiguous memory in the innermost position and are blocked over the shared
 * dimension so that a block of B stays in cache while rows of A stream past.
 */

const KB = 128
const NB = 512

/** C[m×n] (+)= A[m×k] · B[k×n]. Two rows of A and four of B per pass keep eight products per loaded C pair. */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  accumulate = false,
): void {
  if (!accumulate) c.fill(0, 0, m * n)
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = Math.min(n, j0 + NB)
    for (let p0 = 0; p0 < k; p0 += KB) {
      const p1 = Math.min(k, p0 + KB)
      let i = 0
      for (; i + 1 < m; i += 2) {
        const ai = i * k
        const ak = ai + k
        const ci = i * n
        const cn = ci + n
        let p = p0
        for (; p + 3 < p1; p += 4) {
          const x0 = a[ai + p]!
          const x1 = a[ai + p + 1]!
          const x2 = a[ai + p + 2]!
          const x3 = a[ai + p + 3]!
          const y0 = a[ak + p]!
          const y1 = a[ak + p + 1]!
          const y2 = a[ak + p + 2]!
          const y3 = a[ak + p + 3]!
          const b0 = p * n
          const b1 = b0 + n
          const b2 = b1 + n
          const b3 = b2 + n
          for (let j = j0; j < j1; j++) {
            const v0 = b[b0 + j]!
            const v1 = b[b1 + j]!
            const v2 = b[b2 + j]!
            const v3 = b[b3 + j]!
            c[ci + j] = c[ci + j]! + x0 * v0 + x1 * v1 + x2 * v2 + x3 * v3
            c[cn + j] = c[cn + j]! + y0 * v0 + y1 * v1 + y2 * v2 + y3 * v3
          }
        }
        for (; p < p1; p++) {
          const x = a[ai + p]!
          const y = a[ak + p]!
          const bp = p * n
          for (let j = j0; j < j1; j++) {
            const v = b[bp + j]!
            c[ci + j] = c[ci + j]! + x * v
            c[cn + j] = c[cn + j]! + y * v
          }
        }
      }
      for (; i < m; i++) {
        const ai = i * k
        const ci = i * n
        let p = p0
        for (; p + 3 < p1; p += 4) {
          const a0 = a[ai + p]!
          const a1 = a[ai + p + 1]!
          const a2 = a[ai + p + 2]!
          const a3 = a[ai + p + 3]!
          const b0 = p * n
          const b1 = b0 + n
          const b2 = b1 + n
          const b3 = b2 + n
          for (let j = j0; j < j1; j++) {
            c[ci + j] = c[ci + j]! + a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!
          }
        }
        for (; p < p1; p++) {
          const av = a[ai + p]!
          const bp = p * n
          for (let j = j0; j < j1; j++) c[ci + j] = c[ci + j]! + av * b[bp + j]!
        }
      }
    }
  }
}

/** C[m×n] (+)= A[m×k] · B[n×k]ᵀ (B stored row-major as n rows of k): rows of A dotted with rows of B. */
export function gemmNT(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  accumulate = false,
): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k
    const ci = i * n
    let j = 0
    for (; j + 1 < n; j += 2) {
      const b0 = j * k
      const b1 = b0 + k
      let s0 = 0
      let s1 = 0
      let p = 0
      for (; p + 3 < k; p += 4) {
        const x0 = a[ai + p]!
        const x1 = a[ai + p + 1]!
        const x2 = a[ai + p + 2]!
        const x3 = a[ai + p + 3]!
        s0 += x0 * b[b0 + p]! + x1 * b[b0 + p + 1]! + x2 * b[b0 + p + 2]! + x3 * b[b0 + p + 3]!
        s1 += x0 * b[b1 + p]! + x1 * b[b1 + p + 1]! + x2 * b[b1 + p + 2]! + x3 * b[b1 + p + 3]!
      }
      for (; p < k; p++) {
        const x = a[ai + p]!
        s0 += x * b[b0 + p]!
        s1 += x * b[b1 + p]!
      }
      if (accumulate) {
        c[ci + j] = c[ci + j]! + s0
        c[ci + j + 1] = c[ci + j + 1]! + s1
      } else {
        c[ci + j] = s0
        c[ci + j + 1] = s1
      }
    }
    for (; j < n; j++) {
      const b0 = j * k
      let s = 0
      for (let p = 0; p < k; p++) s += a[ai + p]! * b[b0 + p]!
      c[ci + j] = accumulate ? c[ci + j]! + s : s
    }
  }
}

/** C[m×n] (+)= A[k×m]ᵀ · B[k×n] (A stored row-major as k rows of m): the weight-gradient product. */
export function gemmTN(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  accumulate = false,
): void {
  if (!accumulate) c.fill(0, 0, m * n)
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = Math.min(n, j0 + NB)
    let p = 0
    for (; p + 3 < k; p += 4) {
      const a0 = p * m
      const a1 = a0 + m
      const a2 = a1 + m
      const a3 = a2 + m
      const b0 = p * n
      const b1 = b0 + n
      const b2 = b1 + n
      const b3 = b2 + n
      for (let i = 0; i < m; i++) {
        const x0 = a[a0 + i]!
        const x1 = a[a1 + i]!
        const x2 = a[a2 + i]!
        const x3 = a[a3 + i]!
        if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue
        const ci = i * n
        for (let j = j0; j < j1; j++) {
          c[ci + j] = c[ci + j]! + x0 * b[b0 + j]! + x1 * b[b1 + j]! + x2 * b[b2 + j]! + x3 * b[b3 + j]!
        }
      }
    }
    for (; p < k; p++) {
      const a0 = p * m
      const b0 = p * n
      for (let i = 0; i < m; i++) {
        const x = a[a0 + i]!
        if (x === 0) continue
        const ci = i * n
        for (let j = j0; j < j1; j++) c[ci + j] = c[ci + j]! + x * b[b0 + j]!
      }
    }
  }
}

/** out[j] (+)= Σ_i A[i×n][j]: column sums of a row-major matrix (bias gradients). */
export function sumRows(m: number, n: number, a: Float32Array, out: Float32Array, accumulate = false): void {
  if (!accumulate) out.fill(0, 0, n)
  for (let i = 0; i < m; i++) {
    const ai = i * n
    for (let j = 0; j < n; j++) out[j] = out[j]! + a[ai + j]!
  }
}

/** Add a row vector to every row: A[m×n] += v[n]. */
export function addRowVector(m: number, n: number, a: Float32Array, v: Float32Array): void {
  for (let i = 0; i < m; i++) {
    const ai = i * n
    for (let j = 0; j < n; j++) a[ai + j] = a[ai + j]! + v[j]!
  }
}
