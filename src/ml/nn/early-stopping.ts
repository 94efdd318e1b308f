import type { Param } from './param.js'

/**
 * Tracks a validation loss, keeps a copy of the best weights and says when to stop: after
 * `patience` evaluations without an improvement of at least `minDelta`.
 */
export class EarlyStopping {
  best = Number.POSITIVE_INFINITY
  bestEpoch = -1
  private waited = 0
  private snapshot: Float32Array[] | undefined

  constructor(
    readonly patience: number,
    readonly minDelta = 1e-4,
  ) {}

  /** Record a loss; returns true when training should stop. */
  update(loss: number, epoch: number, params: readonly Param[]): boolean {
    if (loss < this.best - this.minDelta) {
      this.best = loss
      this.bestEpoch = epoch
      this.waited = 0
      this.snapshot = params.map((p) => Float32Array.from(p.value))
      return false
    }
    this.waited++
    return this.waited >= this.patience
  }

  /** Put the best weights back (no-op if nothing was recorded). */
  restore(params: readonly Param[]): void {
    if (!this.snapshot) return
    params.forEach((p, i) => {
      p.value.set(this.snapshot![i]!)
    })
  }
}
