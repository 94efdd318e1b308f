/**
 * The k highest scores and their indexes, best first, skipping excluded indexes. A bounded
 * min-heap: O(n log k), no full sort of the catalogue.
 */
export function topK(
  scores: ArrayLike<number>,
  k: number,
  exclude?: { has(i: number): boolean },
): { indices: Int32Array; scores: Float64Array } {
  const hi = new Int32Array(Math.max(0, k))
  const hs = new Float64Array(Math.max(0, k))
  let size = 0
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!
    if (Number.isNaN(s) || exclude?.has(i)) continue
    if (size < k) {
      let c = size++
      while (c > 0) {
        const p = (c - 1) >> 1
        if (hs[p]! <= s) break
        hs[c] = hs[p]!
        hi[c] = hi[p]!
        c = p
      }
      hs[c] = s
      hi[c] = i
    } else if (k > 0 && s > hs[0]!) {
      let c = 0
      for (;;) {
        const l = 2 * c + 1
        if (l >= size) break
        const r = l + 1
        const m = r < size && hs[r]! < hs[l]! ? r : l
        if (hs[m]! >= s) break
        hs[c] = hs[m]!
        hi[c] = hi[m]!
        c = m
      }
      hs[c] = s
      hi[c] = i
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => hs[b]! - hs[a]! || hi[a]! - hi[b]!)
  return { indices: Int32Array.from(order, (i) => hi[i]!), scores: Float64Array.from(order, (i) => hs[i]!) }
}
