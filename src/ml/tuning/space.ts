import { CairnError } from '../../core/index.js'
import type { Rng } from '../matrix/index.js'

/** A value a categorical parameter can take. */
export type Choice = string | number | boolean | null

/** How one hyperparameter is searched. */
export type ParamDistribution =
  | { type: 'float'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'int'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'categorical'; choices: readonly Choice[] }

/** Hyperparameter name → distribution, or a plain list of values (categorical; what a grid search uses). */
export type SearchSpace = Record<string, ParamDistribution | readonly Choice[]>

/** A float searched in [low, high], on a log scale with `log`. */
export function floatParam(
  low: number,
  high: number,
  options: { log?: boolean; step?: number } = {},
): ParamDistribution {
  return { type: 'float', low, high, ...options }
}

/** An integer searched in [low, high]. */
export function intParam(
  low: number,
  high: number,
  options: { log?: boolean; step?: number } = {},
): ParamDistribution {
  return { type: 'int', low, high, ...options }
}

/** One of a list of values. */
export function categorical(choices: readonly Choice[]): ParamDistribution {
  return { type: 'categorical', choices }
}

/** The space with plain lists turned into categorical distributions, checked. */
export function normaliseSpace(space: SearchSpace): Record<string, ParamDistribution> {
  const out: Record<string, ParamDistribution> = {}
  const names = Object.keys(space)
  if (names.length === 0) throw new CairnError('CAIRN_INVALID_ARGUMENT', 'The search space is empty')
  for (const name of names) {
    const d = space[name] as ParamDistribution | readonly Choice[]
    const dist: ParamDistribution = Array.isArray(d)
      ? { type: 'categorical', choices: d as readonly Choice[] }
      : (d as ParamDistribution)
    if (dist.type === 'categorical') {
      if (dist.choices.length === 0)
        throw new CairnError('CAIRN_INVALID_ARGUMENT', `Parameter "${name}" has no choices`)
    } else {
      if (!(Number.isFinite(dist.low) && Number.isFinite(dist.high) && dist.low <= dist.high)) {
        throw new CairnError('CAIRN_INVALID_ARGUMENT', `Parameter "${name}": need finite low ≤ high`, {
          details: { ...dist },
        })
      }
      if (dist.log && dist.low <= 0) {
        throw new CairnError('CAIRN_INVALID_ARGUMENT', `Parameter "${name}": a log scale needs low > 0`)
      }
    }
    out[name] = dist
  }
  return out
}

/** Map a value into the sampler's internal space (log scale where asked). */
export function toInternal(d: ParamDistribution, v: number): number {
  return d.type !== 'categorical' && d.log ? Math.log(v) : v
}

/** Internal bounds of a numeric distribution (integers widened by half a step for rounding). */
export function internalBounds(d: Exclude<ParamDistribution, { type: 'categorical' }>): [number, number] {
  const half = d.type === 'int' ? 0.5 * (d.step ?? 1) : 0
  const lo = d.low - half
  const hi = d.high + half
  return d.log ? [Math.log(Math.max(lo, d.low * 0.5)), Math.log(hi)] : [lo, hi]
}

/** Turn an internal value back into a parameter value (rounded to the step, clipped to bounds). */
export function fromInternal(d: Exclude<ParamDistribution, { type: 'categorical' }>, x: number): number {
  let v = d.log ? Math.exp(x) : x
  if (d.type === 'int' || d.step !== undefined) {
    const step = d.step ?? 1
    v = d.low + Math.round((v - d.low) / step) * step
  }
  v = Math.min(d.high, Math.max(d.low, v))
  return d.type === 'int' ? Math.round(v) : v
}

/** A uniform draw from a distribution. */
export function sampleUniform(d: ParamDistribution, rng: Rng): Choice {
  if (d.type === 'categorical') return d.choices[rng.int(d.choices.length)] as Choice
  const [lo, hi] = internalBounds(d)
  return fromInternal(d, rng.uniform(lo, hi))
}
