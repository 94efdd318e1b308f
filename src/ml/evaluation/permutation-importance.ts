import type { Frame, FrameColumn } from '../../data/index.js'
import { getColumn } from '../../data/index.js'
import type { Model } from '../bundle/index.js'
import { Rng } from '../matrix/index.js'
import { defaultMetric, getScorer, scoreModel } from '../metrics/index.js'

/** Options for permutation importance. */
export interface PermutationImportanceOptions {
  target: string
  weight?: string
  /** Metric (default: accuracy for classifiers, R² for regressors). */
  metric?: string
  /** Shuffles per feature (default 5). */
  repeats?: number
  seed?: number
  /** Features to test (default: every input of the model). */
  features?: readonly string[]
}

/** How much the score drops when one feature's values are shuffled. */
export interface FeatureImportance {
  feature: string
  /** Mean drop in score (positive: the model relies on the feature). Losses are sign-flipped so larger is always more important. */
  mean: number
  std: number
  drops: number[]
}

/** The baseline score and importances sorted from most to least important. */
export interface PermutationImportanceResult {
  metric: string
  baseline: number
  importances: FeatureImportance[]
}

function permuted(c: FrameColumn, order: Int32Array): FrameColumn {
  if (c.type === 'category') return { ...c, codes: Int32Array.from(order, (i) => c.codes[i] as number) }
  if (c.type === 'string' || c.type === 'text')
    return { ...c, values: Array.from(order, (i) => c.values[i] ?? null) }
  const values = c.values
  return { name: c.name, type: c.type, values: Float64Array.from(order, (i) => values[i] as number) }
}

/**
 * Model-agnostic feature importance on held-out data (scikit-learn's permutation_importance):
 * shuffle one feature at a time and measure how much the score falls.
 */
export function permutationImportance(
  model: Model,
  frame: Frame,
  options: PermutationImportanceOptions,
): PermutationImportanceResult {
  const metric = options.metric ?? defaultMetric(model)
  const sign = getScorer(metric).greaterIsBetter ? 1 : -1
  const score = {
    target: options.target,
    metrics: [metric],
    ...(options.weight ? { weight: options.weight } : {}),
  }
  const baseline = scoreModel(model, frame, score)[metric] as number
  const rng = new Rng(options.seed ?? 0)
  const repeats = options.repeats ?? 5
  const features = options.features ?? model.signature.inputs.map((s) => s.name)
  const importances = features.map((feature): FeatureImportance => {
    const original = getColumn(frame, feature)
    const drops: number[] = []
    for (let r = 0; r < repeats; r++) {
      const order = rng.permutation(frame.rowCount)
      const shuffled: Frame = {
        rowCount: frame.rowCount,
        columns: frame.columns.map((c) => (c.name === feature ? permuted(original, order) : c)),
      }
      drops.push(sign * (baseline - (scoreModel(model, shuffled, score)[metric] as number)))
    }
    const mean = drops.reduce((a, b) => a + b, 0) / repeats
    const std = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / repeats)
    return { feature, mean, std, drops }
  })
  importances.sort((a, b) => b.mean - a.mean)
  return { metric, baseline, importances }
}
