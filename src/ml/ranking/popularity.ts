import type { Frame } from '../../data/index.js'
import { type ModelFamily, registerFamily } from '../bundle/index.js'
import type { Estimator, FitOptions } from '../estimator.js'
import { registerEstimator } from '../pipeline/estimator-spec.js'
import { indexInteractions, userItemLists } from './interactions.js'
import { itemPopularity, Recommender, type RecommenderState, recommenderSignature } from './recommender.js'

/** Columns a recommender estimator reads from an interactions frame. */
export type RecommenderColumns = {
  user: string
  item: string
  /** Interaction strength column (ratings, counts); default 1 per row. */
  weight?: string
}

/** Recommends the most interacted-with items to everyone: the baseline every recommender must beat. */
export class PopularityModel extends Recommender {
  readonly family = 'popularity'
  protected scoreUser(_user: number, out: Float32Array): void {
    out.set(this.popularity)
  }
}

class PopularityEstimator implements Estimator<PopularityModel> {
  readonly family = 'popularity'
  constructor(readonly params: RecommenderColumns) {}
  with(params: Record<string, unknown>) {
    return new PopularityEstimator({ ...this.params, ...(params as Partial<RecommenderColumns>) })
  }
  async fit(frame: Frame, _options?: Partial<FitOptions>): Promise<PopularityModel> {
    const ix = indexInteractions(frame, this.params)
    const seen = userItemLists(ix.users, ix.items, ix.userIds.length)
    const state: RecommenderState = {
      userColumn: this.params.user,
      itemColumn: this.params.item,
      userIds: ix.userIds,
      itemIds: ix.itemIds,
    }
    return new PopularityModel(
      recommenderSignature(this.params.user, this.params.item),
      state,
      seen.offsets,
      seen.items,
      itemPopularity(ix.items, ix.itemIds.length),
    )
  }
}

/** A popularity recommender over an interactions frame (family `popularity`). */
export function popularityRecommender(columns: RecommenderColumns): Estimator<PopularityModel> & {
  fit(frame: Frame, options?: Partial<FitOptions>): Promise<PopularityModel>
} {
  return new PopularityEstimator(columns)
}

export const popularityFamily: ModelFamily<PopularityModel> = {
  name: 'popularity',
  save: (m) => ({
    hyperparameters: {},
    signature: m.signature,
    state: m.state,
    tensors: { seenOffsets: m.seenOffsets, seenItems: m.seenItems, popularity: m.popularity },
  }),
  load: (p) =>
    new PopularityModel(
      p.signature,
      p.state as RecommenderState,
      p.tensors.seenOffsets as Int32Array,
      p.tensors.seenItems as Int32Array,
      p.tensors.popularity as Float32Array,
    ),
}
registerFamily(popularityFamily)

registerEstimator('popularity', (p) => popularityRecommender(p as RecommenderColumns))
