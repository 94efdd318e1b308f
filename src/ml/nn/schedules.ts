/** Learning-rate schedules: a multiplier of the base rate as a function of progress. */
export type ScheduleSpec =
  | { kind: 'constant' }
  | { kind: 'step'; everyEpochs: number; factor: number }
  | { kind: 'exponential'; factor: number }
  | { kind: 'cosine'; minFactor?: number }
  | { kind: 'linear'; endFactor?: number }

/** Options shared by every schedule: a linear warm-up over the first steps. */
export interface ScheduleOptions {
  warmupSteps?: number
}

/**
 * The learning rate at a step. `epoch` counts from 0; `progress` is the fraction of training done
 * (steps so far / total steps), used by cosine and linear decay.
 */
export function learningRateAt(
  base: number,
  spec: ScheduleSpec,
  at: { step: number; epoch: number; progress: number },
  options: ScheduleOptions = {},
): number {
  const warm = options.warmupSteps ?? 0
  const w = warm > 0 && at.step < warm ? (at.step + 1) / warm : 1
  const p = Math.min(1, Math.max(0, at.progress))
  let f = 1
  switch (spec.kind) {
    case 'constant':
      break
    case 'step':
      f = spec.factor ** Math.floor(at.epoch / Math.max(1, spec.everyEpochs))
      break
    case 'exponential':
      f = spec.factor ** at.epoch
      break
    case 'cosine': {
      const min = spec.minFactor ?? 0
      f = min + (1 - min) * 0.5 * (1 + Math.cos(Math.PI * p))
      break
    }
    case 'linear': {
      const end = spec.endFactor ?? 0
      f = 1 + (end - 1) * p
      break
    }
  }
  return base * f * w
}
