/**
 * Exact quantiles with linear interpolation between order statistics (numpy's default, DuckDB's
 * quantile_cont): for q in [0, 1], position q·(n−1) between the sorted values around it. The
 * order statistics needed are found by one multi-select (quickselect that recurses only into the
 * parts holding wanted ranks), O(n log k) instead of a full sort. `values` is reordered in place
 * and must hold no NaN.
 */
export function exactQuantiles(values: Float64Array, qs: readonly number[]): number[] {
  const n = values.length
  if (n === 0) return qs.map(() => Number.NaN)
  const ranks = new Set<number>()
  for (const q of qs) {
    const pos = q * (n - 1)
    ranks.add(Math.floor(pos))
    ranks.add(Math.min(n - 1, Math.floor(pos) + 1))
  }
  const sorted = [...ranks].sort((a, b) => a - b)
  multiSelect(values, 0, n - 1, sorted, 0, sorted.length - 1)
  return qs.map((q) => {
    const pos = q * (n - 1)
    const lo = Math.floor(pos)
    const hi = Math.min(n - 1, lo + 1)
    const a = values[lo] as number
    const b = values[hi] as number
    return a + (b - a) * (pos - lo)
  })
}

/** Place the values of ranks[rFrom..rTo] at their sorted positions within values[left..right]. */
function multiSelect(
  a: Float64Array,
  left: number,
  right: number,
  ranks: number[],
  rFrom: number,
  rTo: number,
): void {
  while (rFrom <= rTo && left < right) {
    if (right - left < 32) {
      insertionSort(a, left, right)
      return
    }
    // median of three random picks: no input order (sorted runs, sawtooth) makes it degenerate
    const span = right - left + 1
    const pivot = medianOf3(
      a[left + (nextRandom() % span)] as number,
      a[left + (nextRandom() % span)] as number,
      a[left + (nextRandom() % span)] as number,
    )
    // three-way partition: [left, lt) < pivot, [lt, gt] == pivot, (gt, right] > pivot
    let lt = left
    let gt = right
    let i = left
    while (i <= gt) {
      const v = a[i] as number
      if (v < pivot) {
        a[i] = a[lt] as number
        a[lt] = v
        lt++
        i++
      } else if (v > pivot) {
        a[i] = a[gt] as number
        a[gt] = v
        gt--
      } else i++
    }
    // ranks below lt go left, above gt go right; ranks inside [lt, gt] are done
    let split = rFrom
    while (split <= rTo && (ranks[split] as number) < lt) split++
    let after = split
    while (after <= rTo && (ranks[after] as number) <= gt) after++
    if (split - 1 - rFrom < rTo - after) {
      multiSelect(a, left, lt - 1, ranks, rFrom, split - 1)
      left = gt + 1
      rFrom = after
    } else {
      multiSelect(a, gt + 1, right, ranks, after, rTo)
      right = lt - 1
      rTo = split - 1
    }
  }
}

let state = 0x9e3779b9
/** xorshift32: a fixed-seed sequence, so results and timings are repeatable. */
function nextRandom(): number {
  state ^= state << 13
  state ^= state >>> 17
  state ^= state << 5
  return state >>> 0
}

function medianOf3(x: number, y: number, z: number): number {
  return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z))
}

function insertionSort(a: Float64Array, left: number, right: number): void {
  for (let i = left + 1; i <= right; i++) {
    const v = a[i] as number
    let j = i - 1
    while (j >= left && (a[j] as number) > v) {
      a[j + 1] = a[j] as number
      j--
    }
    a[j + 1] = v
  }
}
