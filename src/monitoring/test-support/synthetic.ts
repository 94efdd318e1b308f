import { categoryColumn, type Frame, type FrameColumn, makeFrame, numericColumn } from '../../data/index.js'
import { Rng } from '../../ml/index.js'

/** Columns of the synthetic tabular data, and which of them a shift can move. */
export const SYNTHETIC_COLUMNS = [
  'age',
  'income',
  'score',
  'tenure',
  'visits',
  'rating',
  'plan',
  'region',
  'is_premium',
  'review',
] as const
export type SyntheticColumn = (typeof SYNTHETIC_COLUMNS)[number]

const WORDS =
  'good fast easy support price value quality delivery service product app update screen order'.split(' ')
const SHIFT_WORDS = 'refund broken crash late missing scam cancel angry'.split(' ')

/**
 * Generated customer data: numbers (normal, skewed, integer counts, a 3-valued rating), categories,
 * a boolean and a free-text review. Columns in `shift` are moved by a clear but realistic amount
 * (about half a standard deviation, or a 20-point change in category shares).
 */
export function syntheticFrame(rows: number, seed: number, shift: readonly SyntheticColumn[] = []): Frame {
  const rng = new Rng(seed)
  const s = new Set(shift)
  const col = (f: (i: number) => number) => Float64Array.from({ length: rows }, (_, i) => f(i))
  const age = col(() => 40 + 12 * rng.normal() + (s.has('age') ? 6 : 0))
  const income = col(() => Math.exp(10.5 + 0.5 * rng.normal() + (s.has('income') ? 0.3 : 0)))
  const score = col(() => rng.normal() * (s.has('score') ? 1.6 : 1))
  const tenure = col(() => Math.floor(rng.next() * 60) + (s.has('tenure') ? 10 : 0))
  const visits = col(() => {
    const lambda = s.has('visits') ? 6 : 4
    let k = 0
    let p = Math.exp(-lambda)
    let cdf = p
    const u = rng.next()
    while (u > cdf && k < 100) {
      k++
      p *= lambda / k
      cdf += p
    }
    return k
  })
  const rating = col(() => {
    const u = rng.next()
    return s.has('rating') ? (u < 0.5 ? 1 : u < 0.8 ? 2 : 3) : u < 0.2 ? 1 : u < 0.6 ? 2 : 3
  })
  const pick = (labels: string[], weights: number[]) => {
    const u = rng.next()
    let acc = 0
    for (let i = 0; i < labels.length; i++) {
      acc += weights[i] as number
      if (u < acc) return labels[i] as string
    }
    return labels[labels.length - 1] as string
  }
  const plans = Array.from({ length: rows }, () =>
    pick(['basic', 'plus', 'pro', 'team'], s.has('plan') ? [0.2, 0.2, 0.3, 0.3] : [0.4, 0.3, 0.2, 0.1]),
  )
  const regions = Array.from({ length: rows }, () =>
    pick(
      ['north', 'south', 'east', 'west', 'central'],
      s.has('region') ? [0.1, 0.1, 0.2, 0.3, 0.3] : [0.2, 0.2, 0.2, 0.2, 0.2],
    ),
  )
  const premium = col(() => (rng.next() < (s.has('is_premium') ? 0.45 : 0.25) ? 1 : 0))
  const reviews = Array.from({ length: rows }, () => {
    const n = 4 + rng.int(6)
    const words: string[] = []
    for (let k = 0; k < n; k++) {
      const shifted = s.has('review') && rng.next() < 0.3
      const bag = shifted ? SHIFT_WORDS : WORDS
      words.push(bag[rng.int(bag.length)] as string)
    }
    return words.join(' ')
  })
  const columns: FrameColumn[] = [
    numericColumn('age', age),
    numericColumn('income', income),
    numericColumn('score', score),
    numericColumn('tenure', tenure, 'integer'),
    numericColumn('visits', visits, 'integer'),
    numericColumn('rating', rating, 'integer'),
    categoryColumn('plan', plans),
    categoryColumn('region', regions),
    numericColumn('is_premium', premium, 'boolean'),
    { name: 'review', type: 'text', values: reviews },
  ]
  return makeFrame(columns)
}
