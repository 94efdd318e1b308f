/**
 * Least-squares polynomial fit (`np.polyfit(x, y, degree)`): columns of the Vandermonde matrix are
 * scaled to unit norm and the system solved by Householder QR. Coefficients highest power first.
 */
export function polyfit(x: ArrayLike<number>, y: ArrayLike<number>, degree: number): Float64Array {
  const m = x.length
  const n = degree + 1
  const A = new Float64Array(m * n)
  const b = Float64Array.from(y as ArrayLike<number>)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) A[i * n + j] = (x[i] as number) ** (degree - j)
  }
  const scale = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    let s = 0
    for (let i = 0; i < m; i++) s += (A[i * n + j] as number) ** 2
    scale[j] = Math.sqrt(s) || 1
    for (let i = 0; i < m; i++) A[i * n + j] = (A[i * n + j] as number) / (scale[j] as number)
  }
  for (let k = 0; k < n; k++) {
    let norm = 0
    for (let i = k; i < m; i++) norm += (A[i * n + k] as number) ** 2
    norm = Math.sqrt(norm)
    if (norm === 0) continue
    const akk = A[k * n + k] as number
    const alpha = akk > 0 ? -norm : norm
    const v = new Float64Array(m)
    v[k] = akk - alpha
    for (let i = k + 1; i < m; i++) v[i] = A[i * n + k] as number
    let vnorm2 = 0
    for (let i = k; i < m; i++) vnorm2 += (v[i] as number) ** 2
    if (vnorm2 === 0) continue
    for (let j = k; j < n; j++) {
      let dot = 0
      for (let i = k; i < m; i++) dot += (v[i] as number) * (A[i * n + j] as number)
      const f = (2 * dot) / vnorm2
      for (let i = k; i < m; i++) A[i * n + j] = (A[i * n + j] as number) - f * (v[i] as number)
    }
    let dot = 0
    for (let i = k; i < m; i++) dot += (v[i] as number) * (b[i] as number)
    const f = (2 * dot) / vnorm2
    for (let i = k; i < m; i++) b[i] = (b[i] as number) - f * (v[i] as number)
  }
  const c = new Float64Array(n)
  for (let k = n - 1; k >= 0; k--) {
    let s = b[k] as number
    for (let j = k + 1; j < n; j++) s -= (A[k * n + j] as number) * (c[j] as number)
    c[k] = s / (A[k * n + k] as number)
  }
  for (let j = 0; j < n; j++) c[j] = (c[j] as number) / (scale[j] as number)
  return c
}

/** Evaluate a polynomial with coefficients highest power first (`np.polyval`). */
export function polyval(coefficients: ArrayLike<number>, x: number): number {
  let s = 0
  for (let i = 0; i < coefficients.length; i++) s = s * x + (coefficients[i] as number)
  return s
}
