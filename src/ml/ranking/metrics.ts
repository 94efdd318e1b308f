/**
 * Ranking metrics for one query: `ranked` is the ranked list of item ids (best first), `relevant`
 * the relevant ids (a Set for binary relevance, or a Map id → graded gain for NDCG).
 */
export type Relevance<T> = ReadonlySet<T> | ReadonlyMap<T, number>

function gainOf<T>(rel: Relevance<T>, id: T): number {
  if (rel instanceof Map) return rel.get(id) ?? 0
  return (rel as ReadonlySet<T>).has(id) ? 1 : 0
}

function relevantCount<T>(rel: Relevance<T>): number {
  if (rel instanceof Map) {
    let n = 0
    for (const g of rel.values()) if (g > 0) n++
    return n
  }
  return rel.size
}

/** Normalised discounted cumulative gain at k (gain 2^g − 1, log2 discount); 0 when nothing is relevant. */
export function ndcgAtK<T>(ranked: readonly T[], relevant: Relevance<T>, k: number): number {
  let dcg = 0
  const n = Math.min(k, ranked.length)
  for (let i = 0; i < n; i++) {
    const g = gainOf(relevant, ranked[i]!)
    if (g > 0) dcg += (2 ** g - 1) / Math.log2(i + 2)
  }
  const gains =
    relevant instanceof Map ? [...relevant.values()].filter((g) => g > 0) : Array(relevant.size).fill(1)
  gains.sort((a, b) => b - a)
  let ideal = 0
  for (let i = 0; i < Math.min(k, gains.length); i++) ideal += (2 ** gains[i]! - 1) / Math.log2(i + 2)
  return ideal > 0 ? dcg / ideal : 0
}

/** Share of the relevant items found in the top k. */
export function recallAtK<T>(ranked: readonly T[], relevant: Relevance<T>, k: number): number {
  const total = relevantCount(relevant)
  if (total === 0) return 0
  let hits = 0
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (gainOf(relevant, ranked[i]!) > 0) hits++
  return hits / total
}

/** Share of the top k that is relevant. */
export function precisionAtK<T>(ranked: readonly T[], relevant: Relevance<T>, k: number): number {
  let hits = 0
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (gainOf(relevant, ranked[i]!) > 0) hits++
  return k > 0 ? hits / k : 0
}

/** 1 when any relevant item is in the top k. */
export function hitRateAtK<T>(ranked: readonly T[], relevant: Relevance<T>, k: number): number {
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (gainOf(relevant, ranked[i]!) > 0) return 1
  return 0
}

/** Average precision at k, normalised by min(k, relevant count) (the usual MAP@k convention). */
export function averagePrecisionAtK<T>(ranked: readonly T[], relevant: Relevance<T>, k: number): number {
  const total = relevantCount(relevant)
  if (total === 0) return 0
  let hits = 0
  let sum = 0
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    if (gainOf(relevant, ranked[i]!) > 0) {
      hits++
      sum += hits / (i + 1)
    }
  }
  return sum / Math.min(k, total)
}

/** 1 / rank of the first relevant item (0 when none is ranked). */
export function reciprocalRank<T>(ranked: readonly T[], relevant: Relevance<T>): number {
  for (let i = 0; i < ranked.length; i++) if (gainOf(relevant, ranked[i]!) > 0) return 1 / (i + 1)
  return 0
}

/** One query's ranking and its relevant items. */
export interface RankedQuery<T> {
  ranked: readonly T[]
  relevant: Relevance<T>
}

/** Mean of each metric over queries: `ndcg@k`, `map@k`, `recall@k`, `precision@k`, `hit_rate@k` per k, and `mrr`. */
export function rankingReport<T>(
  queries: readonly RankedQuery<T>[],
  ks: readonly number[] = [10],
): Record<string, number> {
  const out: Record<string, number> = {}
  const n = Math.max(1, queries.length)
  for (const k of ks) {
    let ndcg = 0
    let map = 0
    let rec = 0
    let prec = 0
    let hit = 0
    for (const q of queries) {
      ndcg += ndcgAtK(q.ranked, q.relevant, k)
      map += averagePrecisionAtK(q.ranked, q.relevant, k)
      rec += recallAtK(q.ranked, q.relevant, k)
      prec += precisionAtK(q.ranked, q.relevant, k)
      hit += hitRateAtK(q.ranked, q.relevant, k)
    }
    out[`ndcg@${k}`] = ndcg / n
    out[`map@${k}`] = map / n
    out[`recall@${k}`] = rec / n
    out[`precision@${k}`] = prec / n
    out[`hit_rate@${k}`] = hit / n
  }
  let mrr = 0
  for (const q of queries) mrr += reciprocalRank(q.ranked, q.relevant)
  out.mrr = mrr / n
  return out
}

/**
 * NDCG@k averaged over query groups given scores and graded labels of each row (LambdaMART
 * evaluation): rows of a group are contiguous, `groups` holds the group sizes.
 */
export function groupedNdcg(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  groups: ArrayLike<number>,
  k: number,
): number {
  let start = 0
  let sum = 0
  let counted = 0
  for (let g = 0; g < groups.length; g++) {
    const size = groups[g]!
    const idx = Array.from({ length: size }, (_, i) => start + i)
    const ranked = [...idx].sort((a, b) => scores[b]! - scores[a]!)
    const rel = new Map(idx.map((i) => [i, labels[i]!]))
    if ([...rel.values()].some((v) => v > 0)) {
      sum += ndcgAtK(ranked, rel, k)
      counted++
    }
    start += size
  }
  return counted ? sum / counted : 0
}
