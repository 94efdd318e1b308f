import { CairnError } from '../../core/index.js'

/** Split quality: Gini impurity or entropy for classes, squared error for numbers. */
export type TreeCriterion = 'gini' | 'entropy' | 'squared_error'

/** Hyperparameters of CART trees and their ensembles (scikit-learn's names, camel-cased). */
export interface ForestParams {
  /** Classification (`gini`/`entropy`) or regression (`squared_error`). */
  criterion: TreeCriterion
  /** Trees in the ensemble (1 for a decision tree). */
  nEstimators: number
  /** 'best' searches every threshold (CART); 'random' draws one per feature (extra trees). */
  splitter: 'best' | 'random'
  /** Maximum depth (0 = until leaves are pure or too small). */
  maxDepth: number
  minSamplesSplit: number
  minSamplesLeaf: number
  /** Minimum weighted impurity decrease, as a fraction of all training weight. */
  minImpurityDecrease: number
  /** Features tried per split: 'sqrt', 'log2', 'all', a fraction in (0, 1] or a count ≥ 1. */
  maxFeatures: 'sqrt' | 'log2' | 'all' | number
  /** Draw each tree's rows with replacement. */
  bootstrap: boolean
  /** Rows per bootstrap sample as a fraction of the data (1 = as many as there are rows). */
  maxSamples: number
  /** Score each row with the trees that did not see it (needs bootstrap). */
  oobScore: boolean
  /** Weight classes inversely to their frequency. */
  classWeight: 'balanced' | null
}

const base: ForestParams = {
  criterion: 'gini',
  nEstimators: 100,
  splitter: 'best',
  maxDepth: 0,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  minImpurityDecrease: 0,
  maxFeatures: 'sqrt',
  bootstrap: true,
  maxSamples: 1,
  oobScore: false,
  classWeight: null,
}

/** The three tree families and their scikit-learn defaults. */
export type ForestKind = 'decision-tree' | 'random-forest' | 'extra-trees'

export function forestDefaults(kind: ForestKind, task: 'classification' | 'regression'): ForestParams {
  const criterion: TreeCriterion = task === 'classification' ? 'gini' : 'squared_error'
  if (kind === 'decision-tree') {
    return { ...base, criterion, nEstimators: 1, maxFeatures: 'all', bootstrap: false }
  }
  const maxFeatures = task === 'classification' ? 'sqrt' : 'all'
  if (kind === 'extra-trees') return { ...base, criterion, splitter: 'random', bootstrap: false, maxFeatures }
  return { ...base, criterion, maxFeatures }
}

/** Merge and check; CAIRN_INVALID_ARGUMENT names the bad parameter. */
export function resolveForestParams(
  kind: ForestKind,
  input: Partial<ForestParams> & Record<string, unknown>,
): ForestParams {
  const task = input.criterion === 'squared_error' ? 'regression' : 'classification'
  const p: ForestParams = { ...forestDefaults(kind, task) }
  const known = new Set(Object.keys(base))
  for (const [k, v] of Object.entries(input)) {
    if (!known.has(k)) {
      throw new CairnError('CAIRN_INVALID_ARGUMENT', `Unknown ${kind} parameter "${k}"`, {
        details: { param: k, known: [...known].sort() },
      })
    }
    if (v !== undefined) (p as unknown as Record<string, unknown>)[k] = v
  }
  const fail = (name: string, rule: string): never => {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `${kind} parameter ${name} must be ${rule} (got ${JSON.stringify((p as unknown as Record<string, unknown>)[name])})`,
      { details: { param: name } },
    )
  }
  const int = (name: keyof ForestParams, min: number) => {
    const v = p[name]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(name, `an integer ≥ ${min}`)
  }
  if (!['gini', 'entropy', 'squared_error'].includes(p.criterion))
    fail('criterion', "'gini', 'entropy' or 'squared_error'")
  if (p.splitter !== 'best' && p.splitter !== 'random') fail('splitter', "'best' or 'random'")
  int('nEstimators', 1)
  int('maxDepth', 0)
  int('minSamplesSplit', 2)
  int('minSamplesLeaf', 1)
  if (!(p.minImpurityDecrease >= 0)) fail('minImpurityDecrease', 'a number ≥ 0')
  const mf = p.maxFeatures
  if (!(mf === 'sqrt' || mf === 'log2' || mf === 'all' || (typeof mf === 'number' && mf > 0))) {
    fail('maxFeatures', "'sqrt', 'log2', 'all', a fraction in (0, 1] or an integer ≥ 1")
  }
  if (typeof mf === 'number' && mf > 1 && !Number.isInteger(mf))
    fail('maxFeatures', 'an integer when above 1')
  if (typeof p.bootstrap !== 'boolean') fail('bootstrap', 'a boolean')
  if (!(p.maxSamples > 0 && p.maxSamples <= 1)) fail('maxSamples', 'a fraction in (0, 1]')
  if (typeof p.oobScore !== 'boolean') fail('oobScore', 'a boolean')
  if (p.oobScore && !p.bootstrap) fail('oobScore', 'false unless bootstrap is true')
  if (p.classWeight !== null && p.classWeight !== 'balanced') fail('classWeight', "'balanced' or null")
  return p
}

/** Features tried per split for `f` features. */
export function featuresPerSplit(p: ForestParams, f: number): number {
  const mf = p.maxFeatures
  if (mf === 'all') return f
  if (mf === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(f)))
  if (mf === 'log2') return Math.max(1, Math.floor(Math.log2(f)))
  if (mf <= 1) return Math.max(1, Math.floor(mf * f))
  return Math.min(f, mf)
}
