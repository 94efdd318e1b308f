/** A counting semaphore: at most `size` holders at once, waiters served in order. */
export class Semaphore {
  #free: number
  readonly #waiters: (() => void)[] = []

  constructor(readonly size: number) {
    this.#free = size
  }

  /** Wait for a slot; resolves `false` (holding nothing) if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false)
    if (this.#free > 0) {
      this.#free--
      return Promise.resolve(true)
    }
    return new Promise((resolve) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort)
        resolve(true)
      }
      const onAbort = () => {
        const i = this.#waiters.indexOf(grant)
        if (i !== -1) this.#waiters.splice(i, 1)
        resolve(false)
      }
      this.#waiters.push(grant)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  release(): void {
    const next = this.#waiters.shift()
    if (next) next()
    else this.#free++
  }
}
