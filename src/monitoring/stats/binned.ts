import { hellingerFromDensities } from './divergences.js'
import { countDistinctSorted, distinctUnionSorted, histogramSorted, sturgesEdges } from './histogram.js'

/** Two distributions over the same bins, as shares of each sample. */
export interface BinnedShares {
  /** Histogram bins (numeric, > 20 distinct reference values) or one bin per distinct value. */
  mode: 'histogram' | 'values'
  /** Bin edges in histogram mode. */
  edges?: Float64Array
  /** The distinct values in values mode. */
  values?: Float64Array
  reference: Float64Array
  current: Float64Array
}

/** Distinct reference values above which numeric columns are binned rather than counted. */
export const MAX_DISCRETE_VALUES = 20

/**
 * Bin two sorted numeric samples the way Evidently does before Jensen-Shannon, PSI and KL: with
 * more than 20 distinct reference values, Sturges bins over the pooled range and pooled size
 * (NumPy's rule); otherwise one bin per distinct value of either sample. Shares are counts divided
 * by each sample's size.
 */
export function binSortedNumeric(reference: Float64Array, current: Float64Array): BinnedShares {
  const nr = reference.length
  const nc = current.length
  if (countDistinctSorted(reference) > MAX_DISCRETE_VALUES) {
    const min = Math.min(reference[0] as number, current[0] as number)
    const max = Math.max(reference[nr - 1] as number, current[nc - 1] as number)
    const edges = sturgesEdges(min, max, nr + nc)
    return {
      mode: 'histogram',
      edges,
      reference: scale(histogramSorted(reference, edges), nr),
      current: scale(histogramSorted(current, edges), nc),
    }
  }
  const values = distinctUnionSorted(reference, current)
  return {
    mode: 'values',
    values,
    reference: scale(countEach(reference, values), nr),
    current: scale(countEach(current, values), nc),
  }
}

/** Shares from aligned category counts. */
export function sharesFromCounts(counts: ArrayLike<number>): Float64Array {
  let n = 0
  for (let i = 0; i < counts.length; i++) n += counts[i] as number
  return scale(Float64Array.from(counts as ArrayLike<number>), n)
}

function scale(counts: Float64Array, n: number): Float64Array {
  for (let i = 0; i < counts.length; i++) counts[i] = (counts[i] as number) / n
  return counts
}

function countEach(sorted: Float64Array, values: Float64Array): Float64Array {
  const out = new Float64Array(values.length)
  let j = 0
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number
    while ((values[j] as number) < v) j++
    out[j] = (out[j] as number) + 1
  }
  return out
}

/**
 * Evidently's Hellinger distance for a numeric column: Sturges bins over the distinct values of
 * both samples (so the bin count follows the number of distinct values), densities per bin, and
 * the Bhattacharyya coefficient weighted by the mean bin width.
 */
export function hellingerSortedNumeric(reference: Float64Array, current: Float64Array): number {
  const keys = distinctUnionSorted(reference, current)
  const min = keys[0] as number
  const max = keys[keys.length - 1] as number
  const edges = sturgesEdges(min, max, keys.length)
  const bins = edges.length - 1
  const d1 = density(histogramSorted(reference, edges), edges)
  const d2 = density(histogramSorted(current, edges), edges)
  return hellingerFromDensities(d1, d2, (max - min) / bins)
}

function density(counts: Float64Array, edges: Float64Array): Float64Array {
  let total = 0
  for (const c of counts) total += c
  const out = new Float64Array(counts.length)
  for (let i = 0; i < counts.length; i++) {
    out[i] = (counts[i] as number) / ((edges[i + 1] as number) - (edges[i] as number)) / total
  }
  return out
}
