import { CairnError } from '../../core/index.js'

/** Loss functions the booster minimises. */
export type GbdtObjective = 'squared_error' | 'absolute_error' | 'huber' | 'binary' | 'multiclass' | 'poisson'

/** Hyperparameters of histogram gradient boosting (XGBoost/LightGBM names in brackets). */
export interface GbdtParams {
  objective: GbdtObjective
  /** Boosting rounds [n_estimators, num_boost_round]. */
  nEstimators: number
  /** Shrinkage applied to every leaf [eta]. */
  learningRate: number
  /** 'depthwise' grows level by level [XGBoost default]; 'lossguide' splits the best leaf first [LightGBM]. */
  growPolicy: 'depthwise' | 'lossguide'
  /** Maximum depth; 0 = unlimited (lossguide only). */
  maxDepth: number
  /** Maximum leaves per tree; 0 = unlimited (depthwise only). */
  maxLeaves: number
  /** Bins per feature, at most 255 (plus one for missing values). */
  maxBins: number
  /** Minimum hessian sum in a child [min_child_weight]. */
  minChildWeight: number
  /** Minimum loss reduction to make a split [gamma, min_split_gain]. */
  minSplitGain: number
  /** L2 regularisation on leaf values [lambda]. */
  l2: number
  /** L1 regularisation on leaf values [alpha]. */
  l1: number
  /** Fraction of rows sampled (without replacement) for each tree [subsample]. */
  subsample: number
  /** Fraction of features sampled for each tree [colsample_bytree]. */
  colsampleByTree: number
  /** Fraction of the tree's features sampled at each split [colsample_bynode]. */
  colsampleByNode: number
  /** Stop when the validation loss has not improved for this many rounds (0 = off; needs `validation`). */
  earlyStoppingRounds: number
  /** Huber: the residual size where the loss turns linear; by default the 90th percentile of |residual| each round. */
  huberDelta?: number
  /** Categorical features with at most this many categories in a node split one-vs-rest. */
  maxCatToOnehot: number
  /** Most categories on the smaller side of a many-vs-many categorical split. */
  maxCatThreshold: number
  /** Smoothing added to the hessian when ordering categories. */
  catSmooth: number
  /** Extra L2 regularisation for many-vs-many categorical splits. */
  catL2: number
  /** Rows sampled to find bin edges. */
  binSampleSize: number
  /**
   * Quantise gradients (stochastic rounding) and pack them with hessians into one number per row,
   * halving histogram work [LightGBM use_quantized_grad]. Levels adapt to the row count: about
   * 2^12 gradient levels at a million rows for unit-hessian losses.
   */
  quantizedGradients: boolean
}

export const gbdtDefaults: GbdtParams = {
  objective: 'squared_error',
  nEstimators: 100,
  learningRate: 0.1,
  growPolicy: 'depthwise',
  maxDepth: 6,
  maxLeaves: 0,
  maxBins: 255,
  minChildWeight: 1,
  minSplitGain: 0,
  l2: 1,
  l1: 0,
  subsample: 1,
  colsampleByTree: 1,
  colsampleByNode: 1,
  earlyStoppingRounds: 10,
  maxCatToOnehot: 4,
  maxCatThreshold: 32,
  catSmooth: 10,
  catL2: 10,
  binSampleSize: 200_000,
  quantizedGradients: true,
}

const objectives: readonly GbdtObjective[] = [
  'squared_error',
  'absolute_error',
  'huber',
  'binary',
  'multiclass',
  'poisson',
]

/** Merge user params over the defaults and check them; CAIRN_INVALID_ARGUMENT names the bad one. */
export function resolveGbdtParams(input: Partial<GbdtParams> & Record<string, unknown>): GbdtParams {
  const known = new Set([...Object.keys(gbdtDefaults), 'huberDelta'])
  for (const k of Object.keys(input)) {
    if (!known.has(k)) {
      throw new CairnError('CAIRN_INVALID_ARGUMENT', `Unknown gradient boosting parameter "${k}"`, {
        details: { param: k, known: [...known].sort() },
      })
    }
  }
  const p: GbdtParams = { ...gbdtDefaults }
  for (const [k, v] of Object.entries(input))
    if (v !== undefined) (p as unknown as Record<string, unknown>)[k] = v
  const fail = (name: string, rule: string): never => {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `Gradient boosting parameter ${name} must be ${rule} (got ${JSON.stringify((p as unknown as Record<string, unknown>)[name])})`,
      { details: { param: name } },
    )
  }
  const int = (name: keyof GbdtParams, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = p[name]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      fail(name, `an integer in [${min}, ${max}]`)
  }
  const num = (name: keyof GbdtParams, min: number, max: number, openMin = false) => {
    const v = p[name]
    if (typeof v !== 'number' || !Number.isFinite(v) || v > max || v < min || (openMin && v === min)) {
      fail(name, `a number in ${openMin ? '(' : '['}${min}, ${max}]`)
    }
  }
  if (!objectives.includes(p.objective)) fail('objective', `one of ${objectives.join(', ')}`)
  if (p.growPolicy !== 'depthwise' && p.growPolicy !== 'lossguide')
    fail('growPolicy', "'depthwise' or 'lossguide'")
  int('nEstimators', 1, 1_000_000)
  num('learningRate', 0, 10, true)
  int('maxDepth', 0, 30)
  int('maxLeaves', 0, 1 << 16)
  int('maxBins', 2, 255)
  num('minChildWeight', 0, Number.MAX_VALUE)
  num('minSplitGain', 0, Number.MAX_VALUE)
  num('l2', 0, Number.MAX_VALUE)
  num('l1', 0, Number.MAX_VALUE)
  num('subsample', 0, 1, true)
  num('colsampleByTree', 0, 1, true)
  num('colsampleByNode', 0, 1, true)
  int('earlyStoppingRounds', 0)
  int('maxCatToOnehot', 1, 255)
  int('maxCatThreshold', 1, 255)
  num('catSmooth', 0, Number.MAX_VALUE)
  num('catL2', 0, Number.MAX_VALUE)
  int('binSampleSize', 1000)
  if (typeof p.quantizedGradients !== 'boolean') fail('quantizedGradients', 'a boolean')
  if (p.huberDelta !== undefined) num('huberDelta', 0, Number.MAX_VALUE, true)
  if (p.maxDepth === 0 && p.maxLeaves === 0) fail('maxDepth', 'positive unless maxLeaves bounds the tree')
  if (p.growPolicy === 'depthwise' && p.maxDepth === 0) fail('maxDepth', 'positive for depthwise growth')
  if (p.growPolicy === 'lossguide' && p.maxLeaves === 0 && input.maxLeaves === undefined) p.maxLeaves = 31
  return p
}

/** The most leaves a tree can have under these params. */
export function leafLimit(p: GbdtParams): number {
  const byDepth = p.maxDepth > 0 && p.maxDepth < 20 ? 2 ** p.maxDepth : Number.POSITIVE_INFINITY
  const byLeaves = p.maxLeaves > 0 ? p.maxLeaves : Number.POSITIVE_INFINITY
  const limit = Math.min(byDepth, byLeaves)
  if (!Number.isFinite(limit)) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Bound the trees with maxDepth < 20 or maxLeaves', {
      details: { maxDepth: p.maxDepth, maxLeaves: p.maxLeaves },
    })
  }
  return limit
}
