/**
 * Special functions the drift tests need: log-gamma, the regularised incomplete gamma functions,
 * and the chi-square and normal survival functions built on them. Double precision throughout;
 * relative accuracy is around 1e-14 over the ranges drift tests use.
 */

const LANCZOS = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202, 0.00003399464998481189,
  0.00004652362892704858, -0.00009837447530487956, 0.0001580887032249125, -0.00021026444172410488,
  0.00021743961811521265, -0.0001643181065367639, 0.00008441822398385275, -0.000026190838401581408,
  0.0000036899182659531625,
]

/** ln Γ(x) for x > 0 (Lanczos, g = 671/128). */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  let y = x
  let tmp = x + 5.2421875
  tmp = (x + 0.5) * Math.log(tmp) - tmp
  let ser = 0.9999999999999971
  for (let j = 0; j < LANCZOS.length; j++) ser += (LANCZOS[j] as number) / ++y
  return tmp + Math.log((Math.sqrt(2 * Math.PI) * ser) / x)
}

const EPS = 2.220446049250313e-16
const TINY = 1e-300
const MAX_ITER = 1_000_000

/** e^{-x} x^a / Γ(a), computed in log space. */
function gammaPrefactor(a: number, x: number): number {
  return Math.exp(a * Math.log(x) - x - logGamma(a))
}

/** Series for P(a, x) / prefactor; converges quickly for x < a + 1. */
function lowerSeries(a: number, x: number): number {
  let ap = a
  let del = 1 / a
  let sum = del
  for (let i = 0; i < MAX_ITER; i++) {
    ap += 1
    del *= x / ap
    sum += del
    if (Math.abs(del) < Math.abs(sum) * EPS) break
  }
  return sum
}

/** Continued fraction for Q(a, x) / prefactor (modified Lentz); converges for x ≥ a + 1. */
function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a
  let c = 1 / TINY
  let d = 1 / b
  let h = d
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < TINY) d = TINY
    c = b + an / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < EPS) break
  }
  return h
}

/** The regularised lower incomplete gamma function P(a, x). */
export function gammaP(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return Number.NaN
  if (x === 0) return 0
  if (x === Number.POSITIVE_INFINITY) return 1
  if (x < a + 1) return gammaPrefactor(a, x) * lowerSeries(a, x)
  return 1 - gammaPrefactor(a, x) * upperContinuedFraction(a, x)
}

/** The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x). */
export function gammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return Number.NaN
  if (x === 0) return 1
  if (x === Number.POSITIVE_INFINITY) return 0
  if (x < a + 1) return 1 - gammaPrefactor(a, x) * lowerSeries(a, x)
  return gammaPrefactor(a, x) * upperContinuedFraction(a, x)
}

/** Survival function of the chi-square distribution with `dof` degrees of freedom. */
export function chiSquareSf(x: number, dof: number): number {
  if (Number.isNaN(x)) return Number.NaN
  if (x <= 0) return 1
  return gammaQ(dof / 2, x / 2)
}

/** Survival function of the standard normal distribution, accurate in the far tail. */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN
  if (z === 0) return 0.5
  if (z > 0) return 0.5 * gammaQ(0.5, (z * z) / 2)
  return 1 - 0.5 * gammaQ(0.5, (z * z) / 2)
}

/** Cumulative distribution function of the standard normal distribution. */
export function normalCdf(z: number): number {
  return normalSf(-z)
}

/** Round half to even, as NumPy's `np.round` does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x)
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) return r - 1
  return r
}
