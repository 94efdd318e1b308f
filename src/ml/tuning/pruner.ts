/** A finished trial's intermediate scores (larger is better, already sign-adjusted), by step. */
export interface PrunerHistory {
  intermediate: readonly number[]
}

/** Decides whether a running trial should stop early. */
export interface Pruner {
  readonly name: string
  /** `score` is the trial's intermediate value at `step` (larger is better). */
  shouldPrune(step: number, score: number, finished: readonly PrunerHistory[]): boolean
}

/** Options of the median-stopping rule. */
export interface MedianPrunerOptions {
  /** Finished trials needed before pruning starts (default 5). */
  startupTrials?: number
  /** Steps (folds) a trial always runs before it can be pruned (default 0). */
  warmupSteps?: number
}

/**
 * Median stopping (Golovin et al. 2017, Optuna's MedianPruner): stop a trial whose intermediate
 * score at a step is worse than the median of finished trials at the same step.
 */
export function medianPruner(options: MedianPrunerOptions = {}): Pruner {
  const startup = options.startupTrials ?? 5
  const warmup = options.warmupSteps ?? 0
  return {
    name: 'median',
    shouldPrune(step, score, finished) {
      if (step < warmup || finished.length < startup) return false
      const atStep = finished
        .map((f) => f.intermediate[step])
        .filter((v): v is number => v !== undefined && Number.isFinite(v))
        .sort((a, b) => a - b)
      if (atStep.length < startup) return false
      const mid = atStep.length >> 1
      const median =
        atStep.length % 2
          ? (atStep[mid] as number)
          : ((atStep[mid - 1] as number) + (atStep[mid] as number)) / 2
      return score < median
    },
  }
}
