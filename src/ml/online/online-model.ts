import { CairnError, hashBytes } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import { type Bundle, type BundleInfo, type Model, toBundle } from '../bundle/index.js'

/** Options every online family's `partialFit` accepts. */
export interface PartialFitOptions {
  /** Target column (default: the signature's output name). */
  target?: string
  /** Passes over the batch (default 1). */
  epochs?: number
  seed?: number
  signal?: AbortSignal
}

/**
 * A model that learns from a stream: `partialFit` trains on a new batch and returns a new model,
 * leaving this one unchanged (so serving can keep using it until the new version is promoted).
 * Implemented by `mlp`, `text-linear`, `text-naive-bayes` and the SGD / naive Bayes families.
 */
export interface OnlineModel extends Model {
  partialFit(frame: Frame, options?: PartialFitOptions): Promise<OnlineModel>
}

/** True when the model can be updated with `partialFit`. */
export function isOnlineModel(model: Model): model is OnlineModel {
  return typeof (model as Partial<OnlineModel>).partialFit === 'function'
}

/** One applied update: the batch's size and the new version's bundle. */
export interface StreamUpdate<M extends Model = Model> {
  /** 1 for the first batch applied. */
  version: number
  rows: number
  model: M
  /** The model's bundle, with lineage pointing at its parent (by weights hash) and the rows it learned from. */
  bundle: Bundle
}

/** Options for `updateFromStream`. */
export interface StreamOptions extends PartialFitOptions {
  /** Evaluate each new version before accepting it (e.g. on a recent holdout); its metrics go in the bundle. */
  evaluate?: (model: Model) => Record<string, number> | Promise<Record<string, number>>
  /** Called after each update (register the bundle as a new model version here). */
  onUpdate?: (update: StreamUpdate) => void | Promise<void>
  /** Lineage recorded in every bundle (dataset, run id…). */
  lineage?: Record<string, unknown>
}

/**
 * Apply a stream of labelled batches to an online model, producing a new version (model and
 * bundle) per non-empty batch. Each bundle's lineage names its parent's weights hash, the update
 * number and the rows seen, so the registry can chain versions. Returns the last model.
 */
export async function updateFromStream<M extends Model>(
  model: M,
  batches: AsyncIterable<Frame> | Iterable<Frame>,
  options: StreamOptions = {},
): Promise<M> {
  if (!isOnlineModel(model)) {
    throw new CairnError('CAIRN_NOT_IMPLEMENTED', `The ${model.family} family does not learn online`, {
      hint: 'Online families: mlp, text-linear, text-naive-bayes, sgd-regressor, sgd-classifier, gaussian-nb, multinomial-nb',
    })
  }
  let current: OnlineModel = model
  let parent = toBundle(current)
  let version = 0
  let rowsSeen = 0
  const { evaluate, onUpdate, lineage, ...fitOptions } = options
  for await (const batch of batches as AsyncIterable<Frame>) {
    if (batch.rowCount === 0) continue
    if (fitOptions.signal?.aborted) throw new CairnError('CAIRN_CANCELLED', 'The stream update was cancelled')
    current = await current.partialFit(batch, fitOptions)
    version++
    rowsSeen += batch.rowCount
    const info: BundleInfo = {
      ...(evaluate ? { metrics: await evaluate(current) } : {}),
      lineage: {
        ...lineage,
        parentWeightsSha256: parent.manifest.weights.sha256 ?? hashBytes(parent.weights),
        update: version,
        batchRows: batch.rowCount,
        streamRows: rowsSeen,
      },
    }
    const bundle = toBundle(current, info)
    await onUpdate?.({ version, rows: batch.rowCount, model: current, bundle })
    parent = bundle
  }
  return current as unknown as M
}
