import { helperLoop, PhaseBarrier } from './barrier.js'
import { Booster, type BoostReporter, type BoostResult } from './booster.js'
import { CMD_EXIT, GbdtEngine } from './engine.js'
import type { GbdtJob } from './shared.js'
import { CTL_ABORT } from './shared.js'

/** One thread's part in a training job. */
export interface GbdtTask {
  job: GbdtJob
  worker: number
}

/**
 * Run one thread's part: worker 0 coordinates (and computes its share), the others serve phases
 * until told to exit. Returns the coordinator's result (null for helpers).
 */
export function runGbdtTask(
  task: GbdtTask,
  progress: (done: number, total: number, info: Record<string, number>) => void,
  aborted: () => boolean = () => false,
): BoostResult | null {
  const engine = new GbdtEngine(task.job, task.worker)
  if (task.worker !== 0) {
    helperLoop(engine.v.ctl, engine, CMD_EXIT)
    return null
  }
  const barrier = new PhaseBarrier(engine.v.ctl, task.job.threads - 1, engine)
  const reporter: BoostReporter = {
    progress,
    aborted: () => aborted() || Atomics.load(engine.v.ctl, CTL_ABORT) !== 0,
  }
  try {
    return new Booster(engine, barrier, reporter).train()
  } finally {
    barrier.exit(CMD_EXIT)
  }
}
