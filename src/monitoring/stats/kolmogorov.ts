/**
 * Distributions of the Kolmogorov-Smirnov statistics for finite n: the two-sided D_n (SciPy's
 * `kstwo`, following Simard & L'Ecuyer 2011: Ruben-Gambino edges, the Durbin matrix in the
 * Marsaglia-Tsang-Wang form, Pomeranz's recursion, the Pelz-Good expansion, and the exact
 * one-sided Smirnov sum of Birnbaum & Tingey) — the choice of method per (n, x) is SciPy's, so
 * p-values agree with `scipy.stats.kstwo.sf`.
 */

const E128 = 2 ** 128
const EM128 = 2 ** -128
const SQRT2PI = Math.sqrt(2 * Math.PI)
const LOG_2PI = Math.log(2 * Math.PI)
const MIN_LOG = -708
const MINLOG_CEPHES = -708.3964185322641
const DBL_EPSILON = 2.220446049250313e-16
const PI2 = Math.PI ** 2
const PI4 = Math.PI ** 4
const PI6 = Math.PI ** 6
const STIRLING = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417,
  -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
]

const clip01 = (p: number): number => (p < 0 ? 0 : Math.min(p, 1))

/** ln(n! / n^n) by Stirling's series. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n
  const y = rn / n
  let poly = 0
  for (const c of STIRLING) poly = poly * y + c
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly
}

/** Survival function of the two-sided statistic D_n: Pr(D_n > x). */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN
  if (x >= 1) return 0
  if (x <= 0) return 1
  const t = n * x
  if (t <= 1) {
    if (t <= 0.5) return 1
    let prob: number
    if (n <= 140) {
      prob = 1
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1)
    } else {
      prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1))
    }
    return clip01(1 - prob)
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n)
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x))
  const nxSquared = t * x
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip01(1 - clip01(durbinCdf(n, x)))
    if (nxSquared <= 4) return clip01(1 - clip01(pomeranzCdf(n, x)))
    return clip01(2 * smirnovSf(n, x))
  }
  if (nxSquared >= 370) return 0
  if (nxSquared >= 2.2) return clip01(2 * smirnovSf(n, x))
  const cdf = n <= 100000 && n * x ** 1.5 <= 1.4 ? clip01(durbinCdf(n, x)) : pelzGoodCdf(n, x)
  return clip01(1 - cdf)
}

function matMul(a: Float64Array, b: Float64Array, out: Float64Array, m: number): void {
  out.fill(0)
  for (let i = 0; i < m; i++) {
    const row = i * m
    for (let k = 0; k < m; k++) {
      const aik = a[row + k] as number
      if (aik === 0) continue
      const bRow = k * m
      for (let j = 0; j < m; j++) out[row + j] = (out[row + j] as number) + aik * (b[bRow + j] as number)
    }
  }
}

/** Pr(D_n ≤ d) by the Durbin matrix (Marsaglia, Tsang & Wang 2003). */
export function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1
  const nd = n * d
  if (nd <= 0.5) return 0
  const k = Math.ceil(nd)
  const h = k - nd
  const m = 2 * k - 1
  let H = new Float64Array(m * m)
  const v = new Float64Array(m)
  const w = new Float64Array(m)
  let fac = 1
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac
    fac /= j
    v[j - 1] = (1 - h ** j) * fac
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m
  v[m - 1] = (1 + tt) * fac
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)] as number
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r] as number
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c] as number
  let P = new Float64Array(m * m)
  for (let i = 0; i < m; i++) P[i * m + i] = 1
  let tmp = new Float64Array(m * m)
  let nn = n
  let expnt = 0
  let hExpnt = 0
  while (nn > 0) {
    if (nn % 2) {
      matMul(P, H, tmp, m)
      const s = P
      P = tmp
      tmp = s
      expnt += hExpnt
    }
    matMul(H, H, tmp, m)
    const s = H
    H = tmp
    tmp = s
    hExpnt *= 2
    if (Math.abs(H[(k - 1) * m + (k - 1)] as number) > E128) {
      for (let i = 0; i < H.length; i++) H[i] = (H[i] as number) / E128
      hExpnt += 128
    }
    nn = Math.floor(nn / 2)
  }
  let p = P[(k - 1) * m + (k - 1)] as number
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n
    if (Math.abs(p) < EM128) {
      p *= E128
      expnt -= 128
    }
  }
  if (expnt !== 0) p *= 2 ** expnt
  return clip01(p)
}

function pomeranzBounds(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number
  let j2: number
  if (i === 0) {
    j1 = -ll - ceilf - 1
    j2 = ll + ceilf - 1
  } else {
    const half = Math.floor((i + 1) / 2)
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1
        j2 = n + ll + ceilf - 1
      } else {
        j1 = half - 1 - ll - roundf - 1
        j2 = half + ll - 1 + ceilf - 1
      }
    } else {
      j1 = half - 1 - ll - 1
      j2 = half + ll + roundf - 1
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)]
}

/** Pr(D_n ≤ x) by Pomeranz's recursion (1974); used for n ≤ 140. */
export function pomeranzCdf(n: number, x: number): number {
  const t = n * x
  const ll = Math.floor(t)
  const f = t - ll
  const g = Math.min(f, 1 - f)
  const ceilf = f > 0 ? 1 : 0
  const roundf = f > 0.5 ? 1 : 0
  const npwrs = 2 * (ll + 1)
  const gpower = new Float64Array(npwrs)
  const twogpower = new Float64Array(npwrs)
  const onem2gpower = new Float64Array(npwrs)
  gpower[0] = twogpower[0] = onem2gpower[0] = 1
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = ((gpower[m - 1] as number) * (g / n)) / m
    twogpower[m] = ((twogpower[m - 1] as number) * ((2 * g) / n)) / m
    onem2gpower[m] = ((onem2gpower[m - 1] as number) * ((1 - 2 * g) / n)) / m
  }
  let V0 = new Float64Array(npwrs)
  let V1 = new Float64Array(npwrs)
  V1[0] = 1
  let V0s = 0
  let V1s = 0
  let expnt = 0
  let [j1, j2] = pomeranzBounds(0, n, ll, ceilf, roundf)
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1
    const sv = V0
    V0 = V1
    V1 = sv
    const ss = V0s
    V0s = V1s
    V1s = ss
    V1.fill(0)
    ;[j1, j2] = pomeranzBounds(i, n, ll, ceilf, roundf)
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower
    const ln2 = j2 - k1 + 1
    if (ln2 > 0) {
      const aStart = k1 - V0s
      const aLen = Math.max(0, Math.min(ln2, npwrs - aStart))
      const vLen = Math.min(ln2, npwrs)
      const convStart = j1 - k1
      const convLen = j2 - j1 + 1
      const full = aLen + vLen - 1
      let max = 0
      for (let c = 0; c < convLen; c++) {
        const kk = convStart + c
        if (kk >= full) break
        let s = 0
        const lo = Math.max(0, kk - vLen + 1)
        const hi = Math.min(kk, aLen - 1)
        for (let a = lo; a <= hi; a++) s += (V0[aStart + a] as number) * (pwrs[kk - a] as number)
        V1[c] = s
        if (s > max) max = s
      }
      if (max > 0 && max < EM128) {
        for (let c = 0; c < npwrs; c++) V1[c] = (V1[c] as number) * E128
        expnt -= 128
      }
      V1s = V0s + j1 - k1
    }
  }
  let ans = V1[n - V1s] as number
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > E128) {
      ans *= EM128
      expnt += 128
    }
    ans *= m
  }
  if (expnt !== 0) ans *= 2 ** expnt
  return clip01(ans)
}

/** Pr(D_n ≤ x) by the Pelz-Good asymptotic expansion (1976). */
export function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const z = Math.sqrt(n) * x
  const z2 = z * z
  const z3 = z2 * z
  const z4 = z2 * z2
  const z6 = z4 * z2
  const qlog = -PI2 / 8 / z2
  if (qlog < MIN_LOG) return 0
  let q = Math.exp(qlog)
  const k1a = -z2
  const k1b = PI2 / 4
  const k2a = 6 * z6 + 2 * z4
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4
  const k2c = (PI4 * (1 - 2 * z2)) / 16
  const k3d = (PI6 * (5 - 30 * z2)) / 64
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4
  const k3a = -30 * z6 - 90 * z ** 8
  let K0 = 0
  let K1 = 0
  let K2 = 0
  let K3 = 0
  const maxk = Math.ceil((16 * z) / Math.PI)
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1
    const m2 = m * m
    const m4 = m2 * m2
    const m6 = m4 * m2
    const qpower = q ** (8 * k)
    K0 = K0 * qpower + 1
    K1 = K1 * qpower + (k1a + k1b * m2)
    K2 = K2 * qpower + (k2a + k2b * m2 + k2c * m4)
    K3 = K3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6)
  }
  K0 = (K0 * q * SQRT2PI) / z
  K1 = (K1 * q * SQRT2PI) / (6 * z4)
  K2 = (K2 * q * SQRT2PI) / (72 * z ** 7)
  K3 = (K3 * q * SQRT2PI) / (6480 * z ** 10)
  q = Math.exp(-PI2 / 2 / z2)
  let k2extra = 0
  let k3extra = 0
  const sqrt3z = Math.sqrt(3) * z
  for (let k = maxk; k > 0; k--) {
    const ks2 = k * k
    const qp = q ** ks2
    const kspi = Math.PI * k
    k2extra += ks2 * qp
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp
  }
  K2 += (k2extra * PI2 * SQRT2PI) / (-36 * z3)
  K3 += (k3extra * PI2 * SQRT2PI) / (216 * z6)
  const rn = Math.sqrt(n)
  return K0 + K1 / rn + K2 / n + K3 / (n * rn)
}

/** Split a double for Dekker's exact product. */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b
  const split = (v: number): [number, number] => {
    const c = 134217729 * v
    const hi = c - (c - v)
    return [hi, v - hi]
  }
  const [ah, al] = split(a)
  const [bh, bl] = split(b)
  const e = ah * bh - p + ah * bl + al * bh + al * bl
  return [p, e]
}

/**
 * Survival function of the one-sided statistic D_n^+ (Smirnov): Pr(D_n^+ ≥ x), by the exact
 * Birnbaum-Tingey sum evaluated in log space.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return Number.NaN
  if (n === 1) return 1 - x
  if (x === 0) return 1
  if (x === 1) return 0
  const [p, e] = twoProduct(n, x)
  let nxfl = Math.floor(p)
  let alpha = p - nxfl + e
  if (alpha < 0) {
    nxfl -= 1
    alpha += 1
  }
  if (alpha >= 1) {
    nxfl += 1
    alpha = 0
  }
  const nx = p
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1)
  let n1mxceil = n - nxfl
  if (alpha === 0) {
    n1mxfl -= 1
    n1mxceil += 1
  }
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    const t = (1 + x) ** (n - 1)
    return clip01(1 - x * t)
  }
  if (-2 * n * x * x < MINLOG_CEPHES) return 0
  if (nxfl >= n - 1) return clip01((1 - x) ** n)
  if (n > 1_000_000) {
    const logp = -((6 * nx + 1) ** 2) / 18 / n
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp)
  }
  const nUpperTerms = n - n1mxceil + 1
  const useUpper = (nUpperTerms <= 1 && x < 0.5) || (n >= 10 && nUpperTerms <= 3 && x <= 0.5 / Math.sqrt(n))
  const logX = Math.log(x)
  const start = useUpper ? n : 0
  const step = useUpper ? -1 : 1
  const nTerms = useUpper ? n - n1mxceil + 1 : n1mxfl + 1
  const vmid = Math.floor(n / 2)
  let sum = 0
  let logC = 0
  for (let j = 0; j < nTerms; j++) {
    const v = start + j * step
    const t1 = (v + nxfl + alpha) / n
    const t2Int = n - v - nxfl
    const t2 = (t2Int - alpha) / n
    let term: number
    if (n - v === 0) term = Math.exp(logC + logX + (v - 1) * Math.log(t1))
    else if (t2 === 0) term = 0
    else {
      const logTerm = logC + logX + (v - 1) * Math.log(t1) + (n - v) * Math.log(Math.abs(t2))
      term = Math.exp(logTerm)
      if (t2 < 0 && (n - v) % 2 === 1) term = -term
    }
    sum += term
    if (j > 0 && term !== 0) {
      if (4 * (nTerms - j) * Math.abs(term) < DBL_EPSILON * sum && j !== nTerms - 1) break
    } else if (j > vmid && term === 0) break
    logC += Math.log((n - j) / (j + 1))
  }
  const prob = sum
  return clip01(useUpper ? 1 - prob : prob)
}
