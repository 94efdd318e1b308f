/**
 * Deterministic samples shared with fixtures/make-scipy-fixtures.py: a 32-bit LCG whose outputs
 * are exact dyadic doubles, so TypeScript and NumPy see bit-identical data.
 */

/** A sample spec as stored in the fixtures. */
export interface SampleSpec {
  kind: 'uniform' | 'bell' | 'int'
  n: number
  seed: number
  shift?: number
  scale?: number
  levels?: number
}

function lcg(seed: number, n: number): Float64Array {
  const out = new Float64Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = s / 4294967296
  }
  return out
}

/** Regenerate a fixture sample. */
export function sampleFromSpec(spec: SampleSpec): Float64Array {
  const { n, seed } = spec
  let x: Float64Array
  if (spec.kind === 'uniform') x = lcg(seed, n)
  else if (spec.kind === 'bell') {
    const u = lcg(seed, 4 * n)
    x = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      x[i] =
        (u[4 * i] as number) +
        (u[4 * i + 1] as number) +
        (u[4 * i + 2] as number) +
        (u[4 * i + 3] as number) -
        2
    }
  } else {
    const u = lcg(seed, n)
    x = new Float64Array(n)
    for (let i = 0; i < n; i++) x[i] = Math.floor((u[i] as number) * (spec.levels ?? 2))
  }
  const scale = spec.scale ?? 1
  const shift = spec.shift ?? 0
  for (let i = 0; i < n; i++) x[i] = (x[i] as number) * scale + shift
  return x
}

/** Parse a fixture number ("NaN"/"Infinity" are stored as strings). */
export function fixtureNumber(v: number | string): number {
  if (typeof v === 'number') return v
  if (v === 'NaN') return Number.NaN
  return v.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
}
