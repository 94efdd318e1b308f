/**
 * Histograms as NumPy draws them, so binned statistics agree with the Python tools: Sturges bin
 * edges (`np.histogram_bin_edges(x, bins='sturges')`, edges by `np.linspace`) and counts with
 * half-open bins [e_i, e_{i+1}) except the last, which is closed.
 */

/** Bin edges by Sturges' rule over [min, max] for `count` values. */
export function sturgesEdges(min: number, max: number, count: number): Float64Array {
  let first = min
  let last = max
  if (first === last) {
    first -= 0.5
    last += 0.5
  }
  const width = (max - min) / (Math.log2(count) + 1)
  const bins = width ? Math.ceil((last - first) / width) : 1
  return linspace(first, last, bins + 1)
}

/** `np.linspace(start, stop, num)` bit for bit: i·step + start, the last edge exactly `stop`. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num)
  const div = num - 1
  const delta = stop - start
  const step = div > 0 ? delta / div : Number.NaN
  for (let i = 0; i < num; i++) {
    out[i] = (step === 0 ? (i / div) * delta : i * step) + start
  }
  if (num > 1) out[num - 1] = stop
  return out
}

/** Index of the first element ≥ x (`side='left'`) or > x (`side='right'`) in a sorted array. */
export function searchSorted(sorted: ArrayLike<number>, x: number, side: 'left' | 'right'): number {
  let lo = 0
  let hi = sorted.length
  if (side === 'left') {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((sorted[mid] as number) < x) lo = mid + 1
      else hi = mid
    }
  } else {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((sorted[mid] as number) <= x) lo = mid + 1
      else hi = mid
    }
  }
  return lo
}

/** Counts per bin of sorted values (`np.histogram(values, edges)`); values outside are ignored. */
export function histogramSorted(sorted: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1
  const counts = new Float64Array(Math.max(bins, 0))
  if (bins <= 0) return counts
  let prev = searchSorted(sorted, edges[0] as number, 'left')
  for (let b = 0; b < bins; b++) {
    const e = edges[b + 1] as number
    const next = b === bins - 1 ? searchSorted(sorted, e, 'right') : searchSorted(sorted, e, 'left')
    counts[b] = next - prev
    prev = next
  }
  return counts
}

/** Counts per bin of unsorted values, same bin rule as `histogramSorted`; NaN is ignored. */
export function histogramValues(values: ArrayLike<number>, edges: Float64Array): Float64Array {
  const bins = edges.length - 1
  const counts = new Float64Array(Math.max(bins, 0))
  if (bins <= 0) return counts
  const first = edges[0] as number
  const last = edges[bins] as number
  const scale = bins / (last - first)
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number
    if (!(x >= first && x <= last)) continue
    let b = Math.min(Math.floor((x - first) * scale), bins - 1)
    while (b > 0 && x < (edges[b] as number)) b--
    while (b < bins - 1 && x >= (edges[b + 1] as number)) b++
    counts[b] = (counts[b] as number) + 1
  }
  return counts
}

/** Number of distinct values in a sorted array. */
export function countDistinctSorted(sorted: ArrayLike<number>): number {
  if (sorted.length === 0) return 0
  let n = 1
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) n++
  return n
}

/** Distinct values of a sorted array, ascending. */
export function distinctSorted(sorted: Float64Array): Float64Array {
  const out = new Float64Array(countDistinctSorted(sorted))
  let k = 0
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) out[k++] = sorted[i] as number
  }
  return out
}

/** Distinct values of the union of two sorted arrays, ascending. */
export function distinctUnionSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out: number[] = []
  let i = 0
  let j = 0
  let last = Number.NaN
  while (i < a.length || j < b.length) {
    const ai = i < a.length ? (a[i] as number) : Number.POSITIVE_INFINITY
    const bj = j < b.length ? (b[j] as number) : Number.POSITIVE_INFINITY
    const z = Math.min(ai, bj)
    if (z !== last) out.push(z)
    last = z
    if (ai <= bj) i++
    else j++
  }
  return Float64Array.from(out)
}

/** Distinct values in the union of two sorted arrays, counting stops once it exceeds `cap`. */
export function countDistinctUnionSorted(
  a: Float64Array,
  b: Float64Array,
  cap = Number.POSITIVE_INFINITY,
): number {
  let i = 0
  let j = 0
  let n = 0
  let last = Number.NaN
  const na = a.length
  const nb = b.length
  while (i < na || j < nb) {
    const ai = i < na ? (a[i] as number) : Number.POSITIVE_INFINITY
    const bj = j < nb ? (b[j] as number) : Number.POSITIVE_INFINITY
    const z = Math.min(ai, bj)
    if (z !== last) {
      n++
      if (n > cap) return n
      last = z
    }
    while (i < na && (a[i] as number) === z) i++
    while (j < nb && (b[j] as number) === z) j++
  }
  return n
}
