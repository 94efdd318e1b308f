import { CairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import {
  type ModelFamily,
  prefixTensors,
  registerFamily,
  type Signature,
  unprefixTensors,
} from '../bundle/index.js'
import type { Estimator, FitOptions } from '../estimator.js'
import { createOptimizer, type LayerConfig, Rng, sampledSoftmax } from '../nn/index.js'
import { type EncoderState, encodeFrame, encoderInputs, fitEncoder, rowEncoder } from '../nn/mlp/encoder.js'
import { registerEstimator } from '../pipeline/estimator-spec.js'
import { indexInteractions, userItemLists } from './interactions.js'
import type { RecommenderColumns } from './popularity.js'
import { itemPopularity, Recommender, type RecommenderState, recommenderSignature } from './recommender.js'
import { Tower } from './tower.js'

/** Hyperparameters of a two-tower retrieval model. */
export type TwoTowerParams = RecommenderColumns & {
  /** Columns of the interactions frame that describe the user (the last value per user is kept). */
  userFeatures: string[]
  /** Columns that describe the item. */
  itemFeatures: string[]
  embeddingDim: number
  /** Hidden layers of each tower. */
  hidden: number[]
  /** Dimension of the vectors whose dot product is the score. */
  outputDim: number
  epochs: number
  batchSize: number
  learningRate: number
  weightDecay: number
  /** Softmax temperature in training. */
  temperature: number
  /** Subtract log(item frequency) from in-batch logits (corrects popular items being over-sampled as negatives). */
  logQCorrection: boolean
  /** Share of training examples whose id is hidden so towers learn to rank from features (cold start). */
  idDropout: number
}

export const defaultTwoTowerParams: Omit<TwoTowerParams, 'user' | 'item'> = {
  userFeatures: [],
  itemFeatures: [],
  embeddingDim: 32,
  hidden: [64],
  outputDim: 32,
  epochs: 10,
  batchSize: 256,
  learningRate: 0.005,
  weightDecay: 0,
  temperature: 0.2,
  logQCorrection: true,
  idDropout: 0.1,
}

interface TwoTowerState extends RecommenderState {
  params: TwoTowerParams
  userEncoder: EncoderState
  itemEncoder: EncoderState
  userLayers: LayerConfig[]
  itemLayers: LayerConfig[]
  trainLoss: number[]
}

/**
 * A fitted two-tower model: user and item vectors (precomputed for every known id) scored by dot
 * product. Unknown users are embedded from their features when the model has user features, and
 * ranked by popularity otherwise; `recommend` says which.
 */
export class TwoTowerModel extends Recommender {
  readonly family = 'two-tower'
  private readonly encodeUser: (row: Readonly<Record<string, unknown>>) => Float32Array

  constructor(
    signature: Signature,
    readonly towerState: TwoTowerState,
    seenOffsets: Int32Array,
    seenItems: Int32Array,
    popularity: Float32Array,
    readonly userTower: Tower,
    readonly itemTower: Tower,
    readonly userVectors: Float32Array,
    readonly itemVectors: Float32Array,
  ) {
    super(signature, towerState, seenOffsets, seenItems, popularity)
    this.encodeUser = rowEncoder(towerState.userEncoder)
  }

  private scoreVector(v: Float32Array, at: number, out: Float32Array): void {
    const d = this.towerState.params.outputDim
    const items = this.itemVectors
    for (let i = 0; i < out.length; i++) {
      let s = 0
      const o = i * d
      for (let j = 0; j < d; j++) s += v[at + j]! * items[o + j]!
      out[i] = s
    }
  }

  protected scoreUser(user: number, out: Float32Array): void {
    this.scoreVector(this.userVectors, user * this.towerState.params.outputDim, out)
  }

  protected override coldUserScores(
    features: Readonly<Record<string, unknown>> | undefined,
    out: Float32Array,
  ): boolean {
    if (this.towerState.userEncoder.width === 0 || !features) return false
    const x = this.encodeUser(features)
    const v = this.userTower.forward(Int32Array.of(-1), x, 1, false)
    this.scoreVector(v, 0, out)
    return true
  }
}

class TwoTowerEstimator implements Estimator<TwoTowerModel> {
  readonly family = 'two-tower'
  constructor(readonly params: TwoTowerParams) {}
  with(params: Record<string, unknown>) {
    return new TwoTowerEstimator({ ...this.params, ...(params as Partial<TwoTowerParams>) })
  }

  async fit(frame: Frame, options: Partial<FitOptions> = {}): Promise<TwoTowerModel> {
    if (frame.rowCount === 0) throw new CairnError('CAIRN_EMPTY_TRAINING_DATA', 'No interactions to train on')
    const p = this.params
    const seed = options.seed ?? 0
    const ix = indexInteractions(frame, p)
    const nu = ix.userIds.length
    const ni = ix.itemIds.length
    const userEncoder = fitEncoder(frame, p.userFeatures)
    const itemEncoder = fitEncoder(frame, p.itemFeatures)
    const userFeat = entityFeatures(encodeFrame(userEncoder, frame), userEncoder.width, ix.users, nu)
    const itemFeat = entityFeatures(encodeFrame(itemEncoder, frame), itemEncoder.width, ix.items, ni)
    const userTower = Tower.create(nu, p.embeddingDim, userEncoder, p.hidden, p.outputDim, seed + 1)
    const itemTower = Tower.create(ni, p.embeddingDim, itemEncoder, p.hidden, p.outputDim, seed + 2)
    const params = [...userTower.params, ...itemTower.params]
    const optimizer = createOptimizer({
      kind: 'adam',
      learningRate: p.learningRate,
      weightDecay: p.weightDecay,
    })
    const pop = itemPopularity(ix.items, ni)
    const logPop = Float32Array.from(pop, (c) => Math.log(Math.max(c, 1) / ix.items.length))
    const B = Math.min(p.batchSize, ix.items.length)
    const uIds = new Int32Array(B)
    const iIds = new Int32Array(B)
    const trueItems = new Int32Array(B)
    const uf = new Float32Array(B * userEncoder.width)
    const vf = new Float32Array(B * itemEncoder.width)
    const logQ = new Float32Array(B)
    const positive = Int32Array.from({ length: B }, (_, i) => i)
    const gU = new Float32Array(B * p.outputDim)
    const gV = new Float32Array(B * p.outputDim)
    const scratch = new Float32Array(B * B)
    const rng = new Rng(seed + 3)
    const order = Int32Array.from({ length: ix.items.length }, (_, i) => i)
    const dropUser = userEncoder.width > 0 ? p.idDropout : 0
    const dropItem = itemEncoder.width > 0 ? p.idDropout : 0
    const trainLoss: number[] = []
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      if (options.signal?.aborted) throw new CairnError('CAIRN_CANCELLED', 'Training was cancelled')
      rng.shuffle(order)
      let sum = 0
      let batches = 0
      for (let b0 = 0; b0 + B <= order.length; b0 += B) {
        for (let r = 0; r < B; r++) {
          const row = order[b0 + r]!
          const u = ix.users[row]!
          const i = ix.items[row]!
          uIds[r] = rng.next() < dropUser ? -1 : u
          iIds[r] = rng.next() < dropItem ? -1 : i
          trueItems[r] = i
          logQ[r] = p.logQCorrection ? logPop[i]! : 0
          if (userEncoder.width)
            uf.set(
              userFeat.subarray(u * userEncoder.width, (u + 1) * userEncoder.width),
              r * userEncoder.width,
            )
          if (itemEncoder.width)
            vf.set(
              itemFeat.subarray(i * itemEncoder.width, (i + 1) * itemEncoder.width),
              r * itemEncoder.width,
            )
        }
        userTower.zeroGrad()
        itemTower.zeroGrad()
        const U = userTower.forward(uIds, uf, B, true)
        const V = itemTower.forward(iIds, vf, B, true)
        sum += sampledSoftmax(
          {
            query: U,
            candidates: V,
            rows: B,
            candidateCount: B,
            dim: p.outputDim,
            positive,
            candidateIds: trueItems,
            logQ,
            temperature: p.temperature,
          },
          gU,
          gV,
          scratch,
        )
        batches++
        userTower.backward(gU, B)
        itemTower.backward(gV, B)
        optimizer.step(params, p.learningRate)
      }
      const loss = sum / Math.max(1, batches)
      if (!Number.isFinite(loss))
        throw new CairnError('CAIRN_NON_FINITE_VALUE', `Training diverged at epoch ${epoch + 1}`)
      trainLoss.push(loss)
      options.onProgress?.(epoch + 1, p.epochs, { loss })
    }
    const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i)
    const userVectors = vectors(userTower, all(nu), userFeat, userEncoder.width, p.outputDim)
    const itemVectors = vectors(itemTower, all(ni), itemFeat, itemEncoder.width, p.outputDim)
    const seen = userItemLists(ix.users, ix.items, nu)
    const state: TwoTowerState = {
      userColumn: p.user,
      itemColumn: p.item,
      userIds: ix.userIds,
      itemIds: ix.itemIds,
      params: p,
      userEncoder,
      itemEncoder,
      userLayers: userTower.configs(),
      itemLayers: itemTower.configs(),
      trainLoss,
    }
    return new TwoTowerModel(
      recommenderSignature(p.user, p.item, encoderInputs(userEncoder)),
      state,
      seen.offsets,
      seen.items,
      pop,
      userTower,
      itemTower,
      userVectors,
      itemVectors,
    )
  }
}

/** One encoded feature row per entity (the last row in which the entity appears). */
function entityFeatures(encoded: Float32Array, width: number, ids: Int32Array, count: number): Float32Array {
  const out = new Float32Array(count * width)
  if (width === 0) return out
  for (let r = 0; r < ids.length; r++) out.set(encoded.subarray(r * width, (r + 1) * width), ids[r]! * width)
  return out
}

function vectors(tower: Tower, ids: Int32Array, feats: Float32Array, fw: number, d: number): Float32Array {
  const out = new Float32Array(ids.length * d)
  const chunk = 1024
  for (let r0 = 0; r0 < ids.length; r0 += chunk) {
    const n = Math.min(chunk, ids.length - r0)
    const v = tower.forward(ids.subarray(r0, r0 + n), feats.subarray(r0 * fw, (r0 + n) * fw), n, false)
    out.set(v.subarray(0, n * d), r0 * d)
  }
  return out
}

/**
 * A two-tower retrieval model trained with in-batch negatives (sampled softmax with logQ correction)
 * over an interactions frame (family `two-tower`).
 */
export function twoTower(params: RecommenderColumns & Partial<TwoTowerParams>): TwoTowerEstimator {
  return new TwoTowerEstimator({ ...defaultTwoTowerParams, ...params })
}

export const twoTowerFamily: ModelFamily<TwoTowerModel> = {
  name: 'two-tower',
  save: (m) => ({
    hyperparameters: { ...m.towerState.params },
    signature: m.signature,
    state: m.towerState,
    tensors: {
      seenOffsets: m.seenOffsets,
      seenItems: m.seenItems,
      popularity: m.popularity,
      userVectors: m.userVectors,
      itemVectors: m.itemVectors,
      ...prefixTensors('user.', m.userTower.tensors()),
      ...prefixTensors('item.', m.itemTower.tensors()),
    },
  }),
  load: (parts) => {
    const s = parts.state as TwoTowerState
    const t = parts.tensors
    const e = s.params.embeddingDim
    return new TwoTowerModel(
      parts.signature,
      s,
      t.seenOffsets as Int32Array,
      t.seenItems as Int32Array,
      t.popularity as Float32Array,
      Tower.fromParts(s.userIds.length, e, s.userEncoder, s.userLayers, unprefixTensors('user.', t)),
      Tower.fromParts(s.itemIds.length, e, s.itemEncoder, s.itemLayers, unprefixTensors('item.', t)),
      t.userVectors as Float32Array,
      t.itemVectors as Float32Array,
    )
  },
}
registerFamily(twoTowerFamily)

registerEstimator('two-tower', (p) => twoTower(p as TwoTowerParams))
