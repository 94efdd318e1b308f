import { shortId } from '../../core/index.js'
import { formatPredictionId } from '../log/log-layout.js'

/**
 * Prediction ids of one serving process: a random prefix and a sequence number in base 36
 * (`3f9a1c07d2-000001b`). Unique across processes and restarts without coordination; the log stores
 * only the number.
 */
export class PredictionIds {
  #next = 1

  constructor(readonly prefix: string = `${shortId(5)}-`) {}

  /** Reserve `n` consecutive sequence numbers; returns the first. */
  take(n: number): number {
    const first = this.#next
    this.#next += n
    return first
  }

  format(seq: number): string {
    return formatPredictionId(this.prefix, seq)
  }

  /** True when `id` was issued by this process (used to accept feedback for rows not yet written). */
  issued(id: string): boolean {
    if (!id.startsWith(this.prefix)) return false
    const seq = Number.parseInt(id.slice(this.prefix.length).replace(/\.shadow$/, ''), 36)
    return Number.isFinite(seq) && seq >= 1 && seq < this.#next
  }
}
