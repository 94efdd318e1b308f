import { CTL_CMD, CTL_ERROR, CTL_GEN, CTL_PENDING } from './shared.js'

const SPIN = 20_000

/** Something that runs one thread's share of a command. */
export interface CommandRunner {
  exec(cmd: number): void
}

/**
 * The coordinator's side of the phase barrier: publish a command, do its own share, then wait
 * until every helper has done theirs. Spins briefly before sleeping, since phases are short.
 */
export class PhaseBarrier {
  private primed = false

  constructor(
    private readonly ctl: Int32Array,
    private readonly helpers: number,
    private readonly local: CommandRunner,
  ) {}

  run(cmd: number): void {
    const ctl = this.ctl
    if (this.helpers > 0) {
      ctl[CTL_CMD] = cmd
      Atomics.store(ctl, CTL_PENDING, this.helpers)
      Atomics.add(ctl, CTL_GEN, 1)
      Atomics.notify(ctl, CTL_GEN)
    }
    this.local.exec(cmd)
    if (this.helpers === 0) return
    // The first call passes through the wait once with a value that never matches (it returns at
    // once), so that call site has type feedback when V8 optimises this method; otherwise the
    // optimised code deoptimises every time a wait is finally needed (seen: 1,500 times per fit).
    let spins = 0
    let prime = !this.primed
    this.primed = true
    for (;;) {
      const p = Atomics.load(ctl, CTL_PENDING)
      if (p === 0 && !prime) break
      if (spins < SPIN && !prime) spins++
      else Atomics.wait(ctl, CTL_PENDING, prime ? -1 : p, 50)
      prime = false
    }
    if (Atomics.load(ctl, CTL_ERROR) !== 0) throw new Error('A training thread failed')
  }

  /** Tell the helpers to leave their loops (without waiting: a failed helper has already left). */
  exit(cmd: number): void {
    if (this.helpers === 0) return
    const ctl = this.ctl
    ctl[CTL_CMD] = cmd
    Atomics.store(ctl, CTL_PENDING, this.helpers)
    Atomics.add(ctl, CTL_GEN, 1)
    Atomics.notify(ctl, CTL_GEN)
  }
}

/**
 * A helper thread's loop: wait for a new command, run its share, report done. Returns when the
 * command is `exitCmd`. An exception is recorded in the control block (and rethrown) so the
 * coordinator stops instead of waiting forever.
 */
export function helperLoop(ctl: Int32Array, runner: CommandRunner, exitCmd: number): void {
  // Generations start at 0 in a fresh control block; the coordinator may already have moved on.
  let gen = 0
  for (;;) {
    let spins = 0
    while (Atomics.load(ctl, CTL_GEN) === gen) {
      if (spins < SPIN) spins++
      else Atomics.wait(ctl, CTL_GEN, gen, 50)
    }
    gen = Atomics.load(ctl, CTL_GEN)
    const cmd = ctl[CTL_CMD] as number
    if (cmd === exitCmd) {
      Atomics.sub(ctl, CTL_PENDING, 1)
      return
    }
    try {
      runner.exec(cmd)
    } catch (err) {
      Atomics.store(ctl, CTL_ERROR, 1)
      Atomics.sub(ctl, CTL_PENDING, 1)
      Atomics.notify(ctl, CTL_PENDING)
      throw err
    }
    if (Atomics.sub(ctl, CTL_PENDING, 1) === 1) Atomics.notify(ctl, CTL_PENDING)
  }
}
