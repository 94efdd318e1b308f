import { CairnError } from '../../core/index.js'
import { type Frame, takeRows } from '../../data/index.js'
import type { Estimator } from '../estimator.js'
import { checkTrainable, Rng } from '../matrix/index.js'
import { defaultMetric, scoreModel } from '../metrics/index.js'
import { throwIfAborted } from '../pipeline/define-estimator.js'
import { makeFolds } from './cross-validate.js'
import type { Splitter } from './splits.js'

/** Options for a learning curve. */
export interface LearningCurveOptions {
  target: string
  features?: readonly string[]
  weight?: string
  /** Training-set sizes as fractions (≤ 1) or row counts (> 1) of each fold's training rows. */
  trainSizes?: readonly number[]
  cv?: number | Splitter
  groups?: string
  metric?: string
  seed?: number
  signal?: AbortSignal
}

/** Scores at one training-set size, averaged over folds. */
export interface LearningCurvePoint {
  trainRows: number
  trainMean: number
  trainStd: number
  testMean: number
  testStd: number
  fitSeconds: number
}

/** The metric, whether larger is better, and one point per training size. */
export interface LearningCurve {
  metric: string
  points: LearningCurvePoint[]
}

const meanStd = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length
  return { m, s: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length) }
}

/**
 * How train and validation scores move as the training set grows (scikit-learn's
 * learning_curve): a widening gap says the model overfits; two low curves say it underfits.
 */
export async function learningCurve(
  estimator: Estimator,
  frame: Frame,
  options: LearningCurveOptions,
): Promise<LearningCurve> {
  checkTrainable(frame, options)
  const seed = options.seed ?? 0
  const folds = makeFolds(frame, options)
  const sizes = options.trainSizes ?? [0.1, 0.325, 0.55, 0.775, 1]
  const rng = new Rng(seed)
  const orders = folds.map((f) => rng.shuffle(Int32Array.from(f.train)))
  let metric = options.metric
  const points: LearningCurvePoint[] = []
  for (const size of sizes) {
    const train: number[] = []
    const test: number[] = []
    let rows = 0
    let fitSeconds = 0
    for (const [i, fold] of folds.entries()) {
      throwIfAborted(options.signal)
      const order = orders[i] as Int32Array
      const m =
        size <= 1 ? Math.max(1, Math.round(size * order.length)) : Math.min(order.length, Math.floor(size))
      if (size <= 0)
        throw new CairnError('CAIRN_INVALID_ARGUMENT', `learningCurve: train size ${size} is not positive`)
      const part = takeRows(frame, order.subarray(0, m).slice().sort())
      const t0 = performance.now()
      const model = await estimator.fit(part, {
        target: options.target,
        ...(options.features ? { features: options.features } : {}),
        ...(options.weight ? { weight: options.weight } : {}),
        seed: seed + i,
      })
      fitSeconds += (performance.now() - t0) / 1000
      metric ??= defaultMetric(model)
      const score = { target: options.target, metrics: [metric] }
      train.push(scoreModel(model, part, score)[metric] as number)
      test.push(scoreModel(model, takeRows(frame, fold.test), score)[metric] as number)
      rows = m
    }
    const tr = meanStd(train)
    const te = meanStd(test)
    points.push({
      trainRows: rows,
      trainMean: tr.m,
      trainStd: tr.s,
      testMean: te.m,
      testStd: te.s,
      fitSeconds: fitSeconds / folds.length,
    })
  }
  return { metric: metric as string, points }
}
