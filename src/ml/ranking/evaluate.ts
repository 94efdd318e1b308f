import type { Frame } from '../../data/index.js'
import { idValues } from './interactions.js'
import { type RankedQuery, rankingReport } from './metrics.js'
import type { Recommender } from './recommender.js'

/**
 * Evaluate a recommender on held-out interactions (e.g. the test half of `leaveLastOut`): for each
 * test user, rank every item (excluding what the user saw in training), and score against the
 * user's held-out items. Reports `ndcg@k`, `map@k`, `recall@k`, `precision@k`, `hit_rate@k`, `mrr`,
 * plus how many users were cold.
 */
export function evaluateRecommender(
  model: Recommender,
  test: Frame,
  options: { ks?: number[]; features?: (user: string) => Record<string, unknown> | undefined } = {},
): Record<string, number> {
  const ks = options.ks ?? [10]
  const maxK = Math.max(...ks)
  const users = idValues(test, model.state.userColumn)
  const items = idValues(test, model.state.itemColumn)
  const byUser = new Map<string, Set<string>>()
  users.forEach((u, i) => {
    let s = byUser.get(u)
    if (!s) byUser.set(u, (s = new Set()))
    s.add(items[i]!)
  })
  const queries: RankedQuery<string>[] = []
  let cold = 0
  for (const [u, relevant] of byUser) {
    const feats = options.features?.(u)
    const rec = model.recommend(u, maxK, feats ? { features: feats } : {})
    if (rec.coldStart) cold++
    queries.push({ ranked: rec.items, relevant })
  }
  return { ...rankingReport(queries, ks), users: queries.length, coldUsers: cold }
}
