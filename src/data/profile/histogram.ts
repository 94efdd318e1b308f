/**
 * Histograms with fixed bin edges: the reference format drift monitoring bins new data into.
 *
 * Convention (shared by the SQL that builds profiles and by `histogramCounts`):
 * - `edges` has `bins + 1` equally spaced values: `edges[i] = edges[0] + i * width`, with
 *   `width = (edges[bins] - edges[0]) / bins`. A profile's edges span its column's min..max.
 * - A value `v` with `edges[0] <= v <= edges[bins]` goes to bin
 *   `min(floor((v - edges[0]) / width), bins - 1)`: bins are closed on the left and open on the
 *   right, except the last, which is closed on both sides (so the max lands in the last bin).
 *   When `width` is 0 (a constant column) every value equal to `edges[0]` goes to bin 0.
 * - Values below `edges[0]` are counted as `underflow`, above `edges[bins]` as `overflow`;
 *   missing values (NaN/null) are not binned but counted as `missing`.
 * The same arithmetic (IEEE doubles, one subtraction, one division, floor) runs in DuckDB and in
 * JS, so a reference profile and data binned later agree exactly at the edges.
 */
export interface Histogram {
  /** `bins + 1` equally spaced edges. */
  edges: number[]
  /** Values per bin (`edges.length - 1` entries). */
  counts: number[]
}

/** Bin counts of values against fixed edges, with the values that fell outside. */
export interface BinnedCounts {
  counts: number[]
  underflow: number
  overflow: number
  missing: number
}

/** `bins + 1` equally spaced edges from `min` to `max`. */
export function equalWidthEdges(min: number, max: number, bins: number): number[] {
  const width = (max - min) / bins
  const edges = new Array<number>(bins + 1)
  for (let i = 0; i <= bins; i++) edges[i] = i === bins ? max : min + i * width
  return edges
}

/**
 * The bin of one value under the convention above: 0..bins-1, -1 for underflow, `bins` for
 * overflow, NaN for a missing value.
 */
export function binIndex(v: number, edges: readonly number[]): number {
  if (Number.isNaN(v)) return Number.NaN
  const bins = edges.length - 1
  const lo = edges[0] as number
  const hi = edges[bins] as number
  if (v < lo) return -1
  if (v > hi) return bins
  const width = (hi - lo) / bins
  if (width === 0) return 0
  return Math.min(Math.floor((v - lo) / width), bins - 1)
}

/** Count values into fixed edges (see the convention above). Allocates only the result. */
export function histogramCounts(values: ArrayLike<number>, edges: readonly number[]): BinnedCounts {
  const bins = edges.length - 1
  const counts = new Array<number>(bins).fill(0)
  let underflow = 0
  let overflow = 0
  let missing = 0
  const lo = edges[0] as number
  const hi = edges[bins] as number
  const width = (hi - lo) / bins
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (Number.isNaN(v)) missing++
    else if (v < lo) underflow++
    else if (v > hi) overflow++
    else {
      const b = width === 0 ? 0 : Math.min(Math.floor((v - lo) / width), bins - 1)
      counts[b] = (counts[b] as number) + 1
    }
  }
  return { counts, underflow, overflow, missing }
}

/** The SQL expression for a value's bin under the same convention (NULL outside the edges). */
export function binSql(column: string, edges: readonly number[]): string {
  const bins = edges.length - 1
  const lo = edges[0] as number
  const hi = edges[bins] as number
  const width = (hi - lo) / bins
  const l = lo.toPrecision(17)
  const h = hi.toPrecision(17)
  if (width === 0) return `CASE WHEN ${column} = ${l}::DOUBLE THEN 0 END`
  return `CASE WHEN ${column} >= ${l}::DOUBLE AND ${column} <= ${h}::DOUBLE THEN least(CAST(floor((${column} - ${l}::DOUBLE) / ${width.toPrecision(17)}::DOUBLE) AS BIGINT), ${bins - 1}) END`
}
