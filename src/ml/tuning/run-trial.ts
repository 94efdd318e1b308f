import { CairnError, isCairnError } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import type { Estimator } from '../estimator.js'
import { crossValidate } from '../evaluation/cross-validate.js'
import type { Splitter } from '../evaluation/splits.js'
import { getScorer, scoreModel } from '../metrics/index.js'

/** How every trial is evaluated: its serialisable part (crosses to workers). */
export interface TrialConfig {
  target: string
  features?: readonly string[]
  weight?: string
  metric: string
  /** Fold count for cross-validation (a splitter only in-process). */
  cv: number | Splitter
  groups?: string
  seed: number
  /** Hold-out evaluation instead of folds: fit on the frame, score on this one step. */
  useValidation: boolean
}

/** What a trial produced. */
export interface TrialOutcome {
  /** Mean metric over folds (or the hold-out score). */
  value: number
  /** Running mean after each step (fold). */
  intermediate: number[]
  pruned: boolean
  fitSeconds: number
}

/** Thrown inside a trial to stop it after a pruning decision. */
class PrunedSignal extends Error {}

/**
 * Evaluate one trial: cross-validate (one step per fold) or fit and score a hold-out set. After
 * each step `report` gets the running mean and may answer `true` to prune.
 */
export async function runTrial(
  estimator: Estimator,
  frame: Frame,
  validation: Frame | undefined,
  config: TrialConfig,
  report: (step: number, value: number) => Promise<boolean>,
): Promise<TrialOutcome> {
  const intermediate: number[] = []
  let sum = 0
  let fitSeconds = 0
  getScorer(config.metric)
  if (config.useValidation) {
    if (!validation)
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'Hold-out tuning needs a validation frame')
    const t0 = performance.now()
    const model = await estimator.fit(frame, {
      target: config.target,
      ...(config.features ? { features: config.features } : {}),
      ...(config.weight ? { weight: config.weight } : {}),
      seed: config.seed,
      threads: 1,
    })
    fitSeconds = (performance.now() - t0) / 1000
    const v = scoreModel(model, validation, { target: config.target, metrics: [config.metric] })[
      config.metric
    ] as number
    intermediate.push(v)
    await report(0, v)
    return { value: v, intermediate, pruned: false, fitSeconds }
  }
  try {
    await crossValidate(estimator, frame, {
      target: config.target,
      ...(config.features ? { features: config.features } : {}),
      ...(config.weight ? { weight: config.weight } : {}),
      ...(config.groups ? { groups: config.groups } : {}),
      cv: config.cv,
      metrics: [config.metric],
      seed: config.seed,
      threads: 1,
      onFold: async (f) => {
        fitSeconds += f.fitSeconds
        sum += f.metrics[config.metric] as number
        const running = sum / (f.fold + 1)
        intermediate.push(running)
        if (await report(f.fold, running)) throw new PrunedSignal()
      },
    })
  } catch (err) {
    if (err instanceof PrunedSignal) {
      return {
        value: intermediate[intermediate.length - 1] as number,
        intermediate,
        pruned: true,
        fitSeconds,
      }
    }
    throw err
  }
  return { value: intermediate[intermediate.length - 1] as number, intermediate, pruned: false, fitSeconds }
}

/** A trial failure as plain data (it crosses from workers). */
export function describeError(err: unknown): { code: string; message: string } {
  if (isCairnError(err)) return { code: err.code, message: err.message }
  return { code: 'CAIRN_INTERNAL', message: err instanceof Error ? err.message : String(err) }
}
