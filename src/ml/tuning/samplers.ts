import { CairnError } from '../../core/index.js'
import type { Rng } from '../matrix/index.js'
import {
  type Choice,
  fromInternal,
  internalBounds,
  normaliseSpace,
  type ParamDistribution,
  type SearchSpace,
  sampleUniform,
  toInternal,
} from './space.js'

/** A finished trial as samplers see it: its params and value (larger is better, already sign-adjusted). */
export interface Observation {
  params: Record<string, Choice>
  score: number
}

/** Proposes the next trial's params from the trials finished so far. */
export interface Sampler {
  readonly name: string
  /** How many trials the sampler can give at most (grids), or undefined. */
  size?(space: SearchSpace): number
  /** The params of trial `index`; `null` when the sampler is exhausted. */
  suggest(
    space: SearchSpace,
    index: number,
    history: readonly Observation[],
    rng: Rng,
  ): Record<string, Choice> | null
}

/**
 * Every combination of the listed values (scikit-learn's GridSearchCV order: names sorted, the last
 * varying fastest). Numeric distributions need a `step` to be enumerable.
 */
export function gridSampler(): Sampler {
  const grid = (space: SearchSpace) => {
    const dists = normaliseSpace(space)
    const names = Object.keys(dists).sort()
    const values = names.map((n) => enumerate(n, dists[n] as ParamDistribution))
    return { names, values, total: values.reduce((a, v) => a * v.length, 1) }
  }
  return {
    name: 'grid',
    size: (space) => grid(space).total,
    suggest(space, index) {
      const { names, values, total } = grid(space)
      if (index >= total) return null
      const out: Record<string, Choice> = {}
      let rest = index
      for (let j = names.length - 1; j >= 0; j--) {
        const v = values[j] as Choice[]
        out[names[j] as string] = v[rest % v.length] as Choice
        rest = Math.floor(rest / v.length)
      }
      return Object.fromEntries(names.map((n) => [n, out[n] as Choice]))
    },
  }
}

function enumerate(name: string, d: ParamDistribution): Choice[] {
  if (d.type === 'categorical') return [...d.choices]
  if (d.type === 'int' && !d.log) {
    const step = d.step ?? 1
    const out: number[] = []
    for (let v = d.low; v <= d.high; v += step) out.push(v)
    return out
  }
  if (d.step !== undefined && !d.log) {
    const out: number[] = []
    const count = Math.floor((d.high - d.low) / d.step + 1e-9)
    for (let i = 0; i <= count; i++) out.push(d.low + i * d.step)
    return out
  }
  throw new CairnError(
    'CAIRN_INVALID_ARGUMENT',
    `Grid search cannot enumerate "${name}": give a list of values or a step`,
  )
}

/** Independent uniform draws (log-uniform where asked). */
export function randomSampler(): Sampler {
  return {
    name: 'random',
    suggest(space, _index, _history, rng) {
      const dists = normaliseSpace(space)
      return Object.fromEntries(Object.entries(dists).map(([n, d]) => [n, sampleUniform(d, rng)]))
    },
  }
}

/** Settings of the TPE sampler. */
export interface TpeOptions {
  /** Random trials before TPE starts modelling (default 10). */
  startupTrials?: number
  /** Candidates drawn from the good-trial density per suggestion (default 24). */
  candidates?: number
  /** Weight of the prior (uniform) component (default 1). */
  priorWeight?: number
}

/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011, as in Optuna): split finished trials into
 * the best γ(n) = min(⌈0.1 n⌉, 25) and the rest, fit a Parzen density to each per parameter, and
 * pick the candidate from the good density that maximises l(x) / g(x).
 */
export function tpeSampler(options: TpeOptions = {}): Sampler {
  const startup = options.startupTrials ?? 10
  const nCandidates = options.candidates ?? 24
  const priorWeight = options.priorWeight ?? 1
  return {
    name: 'tpe',
    suggest(space, _index, history, rng) {
      const dists = normaliseSpace(space)
      if (history.length < startup) {
        return Object.fromEntries(Object.entries(dists).map(([n, d]) => [n, sampleUniform(d, rng)]))
      }
      const sorted = [...history].sort((a, b) => b.score - a.score)
      const nBelow = Math.min(Math.ceil(0.1 * sorted.length), 25)
      const below = sorted.slice(0, Math.max(1, nBelow))
      const above = sorted.slice(Math.max(1, nBelow))
      const out: Record<string, Choice> = {}
      for (const [name, d] of Object.entries(dists)) {
        const lo = below.map((o) => o.params[name]).filter((v) => v !== undefined) as Choice[]
        const hi = above.map((o) => o.params[name]).filter((v) => v !== undefined) as Choice[]
        out[name] =
          d.type === 'categorical'
            ? suggestCategorical(d.choices, lo, hi, nCandidates, priorWeight, rng)
            : suggestNumeric(d, lo as number[], hi as number[], nCandidates, priorWeight, rng)
      }
      return out
    },
  }
}

interface Parzen {
  mus: number[]
  sigmas: number[]
  weights: number[]
  lo: number
  hi: number
}

/** Optuna's Parzen estimator with the prior component and "magic clip" bandwidths. */
function parzen(values: number[], lo: number, hi: number, priorWeight: number): Parzen {
  const prior = (lo + hi) / 2
  const width = hi - lo
  const mus = [...values, prior]
  const order = mus.map((_, i) => i).sort((a, b) => (mus[a] as number) - (mus[b] as number))
  const sortedMus = order.map((i) => mus[i] as number)
  const sigmas = new Array<number>(mus.length)
  const minSigma = width / Math.min(100, 1 + mus.length)
  order.forEach((i, r) => {
    const left =
      r > 0 ? (sortedMus[r] as number) - (sortedMus[r - 1] as number) : (sortedMus[r] as number) - lo
    const right =
      r < sortedMus.length - 1
        ? (sortedMus[r + 1] as number) - (sortedMus[r] as number)
        : hi - (sortedMus[r] as number)
    sigmas[i] = Math.min(width, Math.max(minSigma, left, right))
  })
  sigmas[mus.length - 1] = width
  const weights = mus.map((_, i) => (i === mus.length - 1 ? priorWeight : 1))
  const total = weights.reduce((a, b) => a + b, 0)
  return { mus, sigmas, weights: weights.map((w) => w / total), lo, hi }
}

const SQRT2 = Math.SQRT2
function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26 (max error 1.5e-7), enough for density ratios.
  const t = 1 / (1 + 0.3275911 * Math.abs(x))
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x)
  return x >= 0 ? y : -y
}
const cdf = (x: number, mu: number, s: number) => 0.5 * (1 + erf((x - mu) / (s * SQRT2)))

function logDensity(p: Parzen, x: number): number {
  let s = 0
  for (let i = 0; i < p.mus.length; i++) {
    const mu = p.mus[i] as number
    const sg = p.sigmas[i] as number
    const mass = Math.max(cdf(p.hi, mu, sg) - cdf(p.lo, mu, sg), 1e-12)
    s +=
      ((p.weights[i] as number) * Math.exp(-0.5 * ((x - mu) / sg) ** 2)) /
      (sg * Math.sqrt(2 * Math.PI) * mass)
  }
  return Math.log(Math.max(s, 1e-300))
}

function sampleParzen(p: Parzen, rng: Rng): number {
  let u = rng.next()
  let i = 0
  while (i < p.weights.length - 1 && u >= (p.weights[i] as number)) u -= p.weights[i++] as number
  for (let attempt = 0; attempt < 100; attempt++) {
    const x = (p.mus[i] as number) + (p.sigmas[i] as number) * rng.normal()
    if (x >= p.lo && x <= p.hi) return x
  }
  return rng.uniform(p.lo, p.hi)
}

function suggestNumeric(
  d: Exclude<ParamDistribution, { type: 'categorical' }>,
  below: number[],
  above: number[],
  n: number,
  priorWeight: number,
  rng: Rng,
): number {
  const [lo, hi] = internalBounds(d)
  const l = parzen(
    below.map((v) => toInternal(d, v)),
    lo,
    hi,
    priorWeight,
  )
  const g = parzen(
    above.map((v) => toInternal(d, v)),
    lo,
    hi,
    priorWeight,
  )
  let best = sampleParzen(l, rng)
  let bestScore = Number.NEGATIVE_INFINITY
  for (let c = 0; c < n; c++) {
    const x = c === 0 ? best : sampleParzen(l, rng)
    const s = logDensity(l, x) - logDensity(g, x)
    if (s > bestScore) {
      bestScore = s
      best = x
    }
  }
  return fromInternal(d, best)
}

function suggestCategorical(
  choices: readonly Choice[],
  below: Choice[],
  above: Choice[],
  n: number,
  priorWeight: number,
  rng: Rng,
): Choice {
  const k = choices.length
  const weightsOf = (obs: Choice[]) => {
    const w = new Float64Array(k).fill(priorWeight / k)
    for (const v of obs) {
      const i = choices.indexOf(v)
      if (i >= 0) w[i] = (w[i] as number) + 1
    }
    const t = w.reduce((a, b) => a + b, 0)
    return w.map((x) => x / t)
  }
  const l = weightsOf(below)
  const g = weightsOf(above)
  let best = 0
  let bestScore = Number.NEGATIVE_INFINITY
  for (let c = 0; c < n; c++) {
    let u = rng.next()
    let i = 0
    while (i < k - 1 && u >= (l[i] as number)) u -= l[i++] as number
    const s = Math.log(l[i] as number) - Math.log(g[i] as number)
    if (s > bestScore) {
      bestScore = s
      best = i
    }
  }
  return choices[best] as Choice
}
