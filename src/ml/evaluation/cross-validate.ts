import { CairnError } from '../../core/index.js'
import { type Frame, getColumn, isNumericColumn, takeRows } from '../../data/index.js'
import type { Model } from '../bundle/index.js'
import type { Estimator } from '../estimator.js'
import { checkTrainable } from '../matrix/index.js'
import { defaultMetric, getScorer, scoreModel } from '../metrics/index.js'
import { throwIfAborted } from '../pipeline/define-estimator.js'
import { columnLabels, type Fold, kFold, type Splitter, stratifiedKFold } from './splits.js'

/** Options for cross-validation. */
export interface CrossValidateOptions {
  target: string
  features?: readonly string[]
  weight?: string
  /** Folds: a count (default 5) or a splitter (kFold, stratifiedKFold, groupKFold, timeSeriesSplit). */
  cv?: number | Splitter
  /** Column holding each row's group, for groupKFold. */
  groups?: string
  /** Metric names (default: accuracy for classifiers, R² for regressors). */
  metrics?: readonly string[]
  /** Seeds the fold shuffle and every fit. */
  seed?: number
  /** Also score each fold's model on its own training rows. */
  returnTrainScore?: boolean
  /** Keep each fold's fitted model in the result. */
  returnModels?: boolean
  /** Called after each fold (await-ed, so a caller can log it). */
  onFold?: (fold: FoldResult) => void | Promise<void>
  signal?: AbortSignal
  /** Worker threads each fit may use (families that train in parallel). */
  threads?: number
}

/** One fold's outcome. */
export interface FoldResult {
  fold: number
  trainRows: number
  testRows: number
  metrics: Record<string, number>
  trainMetrics?: Record<string, number>
  fitSeconds: number
  scoreSeconds: number
  model?: Model
}

/** Every fold, and each metric's mean and (population) standard deviation across folds. */
export interface CrossValidateResult {
  folds: FoldResult[]
  mean: Record<string, number>
  std: Record<string, number>
  /** Which metrics are better when larger. */
  greaterIsBetter: Record<string, boolean>
}

/**
 * The default splitter: stratified when the target looks like classes (text, or a numeric column
 * with at most 20 distinct values), shuffled k-fold otherwise. Both shuffle with the seed.
 */
export function defaultSplitter(frame: Frame, target: string, k: number, seed: number): Splitter {
  const c = getColumn(frame, target)
  let classes = !isNumericColumn(c) || c.type === 'boolean'
  if (!classes && isNumericColumn(c)) {
    const distinct = new Set<number>()
    for (let i = 0; i < c.values.length && distinct.size <= 20; i++) distinct.add(c.values[i] as number)
    classes = distinct.size <= 20
  }
  return classes ? stratifiedKFold({ k, shuffle: true, seed }) : kFold({ k, shuffle: true, seed })
}

/** Make the folds for a frame with the given splitter options. */
export function makeFolds(
  frame: Frame,
  options: Pick<CrossValidateOptions, 'cv' | 'groups' | 'target' | 'seed'>,
): Fold[] {
  const seed = options.seed ?? 0
  const splitter =
    typeof options.cv === 'object'
      ? options.cv
      : defaultSplitter(frame, options.target, options.cv ?? 5, seed)
  const labels = splitter.name === 'stratified-k-fold' ? columnLabels(frame, options.target) : undefined
  const groups = options.groups ? columnLabels(frame, options.groups) : undefined
  if (splitter.name === 'group-k-fold' && !groups) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      'groupKFold needs `groups`: the column holding each row’s group',
    )
  }
  return splitter.split(frame.rowCount, { ...(labels ? { labels } : {}), ...(groups ? { groups } : {}) })
}

function summarise(folds: FoldResult[], names: readonly string[]): Pick<CrossValidateResult, 'mean' | 'std'> {
  const mean: Record<string, number> = {}
  const std: Record<string, number> = {}
  for (const name of names) {
    const v = folds.map((f) => f.metrics[name] as number)
    const m = v.reduce((a, b) => a + b, 0) / v.length
    mean[name] = m
    std[name] = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length)
  }
  return { mean, std }
}

/**
 * Cross-validate an estimator: fit on each fold's training rows, score on its held-out rows
 * (scikit-learn's cross_validate). Deterministic for a seed.
 */
export async function crossValidate(
  estimator: Estimator,
  frame: Frame,
  options: CrossValidateOptions,
): Promise<CrossValidateResult> {
  checkTrainable(frame, options)
  const seed = options.seed ?? 0
  const folds = makeFolds(frame, options)
  const results: FoldResult[] = []
  let metrics = options.metrics
  for (const [i, fold] of folds.entries()) {
    throwIfAborted(options.signal)
    const train = takeRows(frame, fold.train)
    const test = takeRows(frame, fold.test)
    const t0 = performance.now()
    const model = await estimator.fit(train, {
      target: options.target,
      ...(options.features ? { features: options.features } : {}),
      ...(options.weight ? { weight: options.weight } : {}),
      seed: seed + i,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
    })
    const t1 = performance.now()
    metrics ??= [defaultMetric(model)]
    const score = { target: options.target, metrics, ...(options.weight ? { weight: options.weight } : {}) }
    const result: FoldResult = {
      fold: i,
      trainRows: fold.train.length,
      testRows: fold.test.length,
      metrics: scoreModel(model, test, score),
      fitSeconds: (t1 - t0) / 1000,
      scoreSeconds: (performance.now() - t1) / 1000,
    }
    if (options.returnTrainScore) result.trainMetrics = scoreModel(model, train, score)
    if (options.returnModels) result.model = model
    results.push(result)
    await options.onFold?.(result)
  }
  const names = metrics ?? []
  return {
    folds: results,
    ...summarise(results, names),
    greaterIsBetter: Object.fromEntries(names.map((n) => [n, getScorer(n).greaterIsBetter])),
  }
}
