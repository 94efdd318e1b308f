import { type Frame, getColumn } from '../../data/index.js'
import type { Model, PredictionResult, RowPredictor, Signature } from '../bundle/index.js'
import { idValues } from './interactions.js'
import { topK } from './top-k.js'

/** How a recommendation was made for a user the model was not trained on. */
export type ColdStart = 'features' | 'popularity'

/** Top-k items for one user. */
export interface Recommendation {
  user: string
  items: string[]
  scores: number[]
  /**
   * null when the user was seen in training; `features` when the user's features (two-tower user
   * tower without the id embedding) ranked the items; `popularity` when nothing about the user was known.
   */
  coldStart: ColdStart | null
}

export interface RecommendOptions {
  /** Leave out items the user interacted with in training (default true). */
  excludeSeen?: boolean
  /** Feature values of the user (used by models with a user tower, essential for cold users). */
  features?: Readonly<Record<string, unknown>>
  /** Restrict to these item ids. */
  candidates?: readonly string[]
}

/** Shared state of every recommender: the id maps, what each user saw, and item popularity. */
export interface RecommenderState {
  userColumn: string
  itemColumn: string
  userIds: string[]
  itemIds: string[]
}

/** Batch predictions of a recommender: scores plus, per row, whether a cold-start fallback was used (0 none, 1 features, 2 popularity). */
export interface RankingPrediction extends PredictionResult {
  coldStart: Uint8Array
}

/**
 * The base of Cairn's recommenders (popularity, matrix factorisation, two-tower). Subclasses score a
 * known user against every item; the base does top-k retrieval, seen-item exclusion, cold-start
 * fallbacks and the Model surface (`predict` scores (user, item) rows).
 */
export abstract class Recommender implements Model {
  abstract readonly family: string
  readonly userIndex: Map<string, number>
  readonly itemIndex: Map<string, number>
  private scratch: Float32Array

  constructor(
    readonly signature: Signature,
    readonly state: RecommenderState,
    /** Per-user offsets into `seenItems` (length users + 1). */
    readonly seenOffsets: Int32Array,
    readonly seenItems: Int32Array,
    /** Training interactions per item. */
    readonly popularity: Float32Array,
  ) {
    this.userIndex = new Map(state.userIds.map((u, i) => [u, i]))
    this.itemIndex = new Map(state.itemIds.map((u, i) => [u, i]))
    this.scratch = new Float32Array(state.itemIds.length)
  }

  /** Scores of every item for a known user (by index) into `out`. */
  protected abstract scoreUser(user: number, out: Float32Array): void
  /**
   * Scores of every item for a user known only by features; return false when the model has no
   * user features (the caller falls back to popularity).
   */
  protected coldUserScores(
    _features: Readonly<Record<string, unknown>> | undefined,
    _out: Float32Array,
  ): boolean {
    return false
  }

  /** The k best items for a user. Unknown users get a cold-start ranking, and the answer says which. */
  recommend(user: string, k: number, options: RecommendOptions = {}): Recommendation {
    const u = this.userIndex.get(user)
    const scores = this.scratch
    let coldStart: ColdStart | null = null
    if (u !== undefined) this.scoreUser(u, scores)
    else if (this.coldUserScores(options.features, scores)) coldStart = 'features'
    else {
      scores.set(this.popularity)
      coldStart = 'popularity'
    }
    let exclude: { has(i: number): boolean } | undefined
    if (u !== undefined && options.excludeSeen !== false) {
      const seen = new Set(this.seenItems.subarray(this.seenOffsets[u]!, this.seenOffsets[u + 1]!))
      exclude = seen
    }
    if (options.candidates) {
      const allowed = new Set(
        options.candidates.map((c) => this.itemIndex.get(c)).filter((i) => i !== undefined),
      )
      const inner = exclude
      exclude = { has: (i) => !allowed.has(i) || (inner?.has(i) ?? false) }
    }
    const top = topK(scores, k, exclude)
    return {
      user,
      items: Array.from(top.indices, (i) => this.state.itemIds[i]!),
      scores: Array.from(top.scores),
      coldStart,
    }
  }

  predict(frame: Frame): RankingPrediction {
    const users = idValues(frame, this.state.userColumn)
    const items = idValues(frame, this.state.itemColumn)
    const values = new Float64Array(frame.rowCount)
    const cold = new Uint8Array(frame.rowCount)
    const featureNames = this.signature.inputs.slice(2).map((s) => s.name)
    const cols = featureNames.map((n) => getColumn(frame, n))
    let lastUser: string | undefined
    let lastCold = 0
    const scores = this.scratch
    for (let r = 0; r < frame.rowCount; r++) {
      const user = users[r]!
      if (user !== lastUser) {
        const u = this.userIndex.get(user)
        if (u !== undefined) {
          this.scoreUser(u, scores)
          lastCold = 0
        } else {
          const feats: Record<string, unknown> = {}
          featureNames.forEach((n, j) => {
            const c = cols[j]!
            feats[n] =
              c.type === 'category'
                ? c.codes[r]! < 0
                  ? null
                  : c.categories[c.codes[r]!]
                : c.type === 'string' || c.type === 'text'
                  ? c.values[r]
                  : c.values[r]
          })
          if (this.coldUserScores(feats, scores)) lastCold = 1
          else {
            scores.set(this.popularity)
            lastCold = 2
          }
        }
        lastUser = user
      }
      const i = this.itemIndex.get(items[r]!)
      values[r] = i === undefined ? Number.NaN : scores[i]!
      cold[r] = lastCold
    }
    return { values, coldStart: cold }
  }

  rowPredictor(): RowPredictor {
    const out = { value: 0 }
    const scores = new Float32Array(this.state.itemIds.length)
    return {
      predict: (row) => {
        const u = this.userIndex.get(String(row[this.state.userColumn]))
        const i = this.itemIndex.get(String(row[this.state.itemColumn]))
        if (u !== undefined) this.scoreUser(u, scores)
        else if (!this.coldUserScores(row, scores)) scores.set(this.popularity)
        out.value = i === undefined ? Number.NaN : scores[i]!
        return out
      },
    }
  }
}

/** Signature inputs of a recommender: user and item ids (then feature columns). */
export function recommenderSignature(
  userColumn: string,
  itemColumn: string,
  extra: Signature['inputs'] = [],
): Signature {
  return {
    inputs: [
      { name: userColumn, type: 'string', nullable: false },
      { name: itemColumn, type: 'string', nullable: false },
      ...extra,
    ],
    output: { task: 'ranking', name: 'score' },
  }
}

/** Interactions per item (popularity), from indexed items. */
export function itemPopularity(items: Int32Array, itemCount: number, weights?: Float32Array): Float32Array {
  const p = new Float32Array(itemCount)
  for (let r = 0; r < items.length; r++) {
    const i = items[r]!
    if (i >= 0) p[i] = p[i]! + (weights ? weights[r]! : 1)
  }
  return p
}
