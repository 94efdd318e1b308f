import { CairnError } from '../../core/index.js'
import { categoryColumn, type Frame, type FrameColumn, makeFrame, numericColumn } from '../../data/index.js'
import { Rng } from '../matrix/index.js'

/** Options for `makeRegression`. */
export interface MakeRegressionOptions {
  rows: number
  features?: number
  /** How many features carry signal (default all). */
  informative?: number
  /** Standard deviation of Gaussian noise on the target (default 0.1). */
  noise?: number
  bias?: number
  seed?: number
  /** Target column name (default `y`). */
  target?: string
}

/** A linear regression problem with Gaussian features `x0..x{p−1}` (like scikit-learn's make_regression). */
export function makeRegression(o: MakeRegressionOptions): Frame & { coef: Float64Array } {
  const p = o.features ?? 5
  const inf = Math.min(o.informative ?? p, p)
  const rng = new Rng(o.seed ?? 0)
  const coef = new Float64Array(p)
  for (let j = 0; j < inf; j++) coef[j] = 100 * rng.next()
  const X = Array.from({ length: p }, () => new Float64Array(o.rows))
  const y = new Float64Array(o.rows).fill(o.bias ?? 0)
  for (let i = 0; i < o.rows; i++) {
    for (let j = 0; j < p; j++) {
      const v = rng.normal()
      ;(X[j] as Float64Array)[i] = v
      y[i] = (y[i] as number) + (coef[j] as number) * v
    }
    y[i] = (y[i] as number) + (o.noise ?? 0.1) * rng.normal()
  }
  const frame = makeFrame([...X.map((v, j) => numericColumn(`x${j}`, v)), numericColumn(o.target ?? 'y', y)])
  return { ...frame, coef }
}

/** Options for `makeClassification`. */
export interface MakeClassificationOptions {
  rows: number
  features?: number
  classes?: number
  /** Distance between class centres in standard deviations (default 2). */
  separation?: number
  seed?: number
  target?: string
  /** Label classes as `c0, c1, …` strings in a category column instead of numbers. */
  labels?: boolean
}

/** Gaussian blobs, one per class, in `features` dimensions (balanced classes). */
export function makeClassification(o: MakeClassificationOptions): Frame {
  const p = o.features ?? 4
  const k = o.classes ?? 2
  if (k < 2) throw new CairnError('CAIRN_INVALID_ARGUMENT', 'makeClassification needs at least two classes')
  const rng = new Rng(o.seed ?? 0)
  const sep = o.separation ?? 2
  const centres = Array.from({ length: k }, () => Array.from({ length: p }, () => (rng.next() * 2 - 1) * sep))
  const X = Array.from({ length: p }, () => new Float64Array(o.rows))
  const y: number[] = []
  for (let i = 0; i < o.rows; i++) {
    const c = i % k
    y.push(c)
    for (let j = 0; j < p; j++)
      (X[j] as Float64Array)[i] = ((centres[c] as number[])[j] as number) + rng.normal()
  }
  const target: FrameColumn = o.labels
    ? categoryColumn(
        o.target ?? 'y',
        y.map((c) => `c${c}`),
      )
    : numericColumn(o.target ?? 'y', y)
  return makeFrame([...X.map((v, j) => numericColumn(`x${j}`, v)), target])
}

/**
 * A small customer-churn-like table with the usual mess: numbers with missing values, categories
 * with missing values and rare levels, and a binary `churned` target driven by all of them.
 */
export function makeChurnTable(rows: number, seed = 0): Frame {
  const rng = new Rng(seed)
  const plans = ['basic', 'plus', 'pro']
  const cities = ['berlin', 'lisbon', 'oslo', 'paris', 'rome', 'zagreb']
  const age: number[] = []
  const spend: number[] = []
  const tenure: number[] = []
  const plan: (string | null)[] = []
  const city: (string | null)[] = []
  const churned: string[] = []
  for (let i = 0; i < rows; i++) {
    const a = 18 + Math.floor(rng.next() * 60)
    const s = Math.exp(3 + rng.normal())
    const t = Math.floor(rng.next() * 120)
    const pl = plans[Math.min(2, Math.floor(rng.next() ** 1.5 * 3))] as string
    const ci = cities[Math.min(5, Math.floor(rng.next() ** 2 * 6))] as string
    const z =
      1.5 -
      0.03 * (a - 45) -
      0.02 * t +
      (pl === 'basic' ? 0.8 : pl === 'pro' ? -0.8 : 0) +
      (ci === 'oslo' ? 0.7 : 0) +
      0.004 * s
    churned.push(rng.next() < 1 / (1 + Math.exp(-z)) ? 'yes' : 'no')
    age.push(a)
    spend.push(rng.next() < 0.08 ? Number.NaN : Math.round(s * 100) / 100)
    tenure.push(t)
    plan.push(rng.next() < 0.05 ? null : pl)
    city.push(ci)
  }
  return makeFrame([
    numericColumn('age', age, 'integer'),
    numericColumn('spend', spend),
    numericColumn('tenure', tenure, 'integer'),
    categoryColumn('plan', plan, plans),
    categoryColumn('city', city, cities),
    categoryColumn('churned', churned, ['no', 'yes']),
  ])
}
