import type { Worker } from 'node:worker_threads'
import { CairnError, startWorker } from '../../core/index.js'

/** Messages between a pool and its workers. */
export type ToWorker = { kind: 'task'; id: number; payload: unknown }
export type FromWorker =
  | { kind: 'progress'; id: number; data: unknown }
  | { kind: 'done'; id: number; result: unknown }
  | {
      kind: 'error'
      id: number
      error: { message: string; code?: string; details?: Record<string, unknown> }
    }

/**
 * Long-lived worker threads for one worker module, started on first use and kept (unreferenced,
 * so they never hold the process open) for later fits: a cross-validation or tuning loop pays the
 * start-up once. Runs are serialised; a run gives one task to each of the first `tasks.length`
 * workers. If a worker dies, the whole pool is discarded (its siblings may be blocked waiting on
 * shared memory) and the next run starts fresh ones.
 */
export class WorkerPool {
  private workers: Worker[] = []
  private nextId = 1
  private tail: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly callerUrl: string,
    private readonly relative: string,
  ) {}

  /** Start workers now (e.g. before timing a fit). */
  async warm(size: number): Promise<void> {
    await this.run(Array.from({ length: size }, () => ({ warm: true })))
  }

  /** Run one task per worker; `onProgress` receives what workers post along the way. */
  run<T>(tasks: unknown[], onProgress?: (worker: number, data: unknown) => void): Promise<T[]> {
    const next = this.tail.then(() => this.runNow<T>(tasks, onProgress))
    this.tail = next.catch(() => undefined)
    return next
  }

  /** Stop every worker. */
  async close(): Promise<void> {
    const ws = this.workers
    this.workers = []
    await Promise.all(ws.map((w) => w.terminate()))
  }

  private ensure(size: number): void {
    while (this.workers.length < size) {
      const w = startWorker(this.callerUrl, this.relative)
      w.unref()
      this.workers.push(w)
    }
  }

  private runNow<T>(tasks: unknown[], onProgress?: (worker: number, data: unknown) => void): Promise<T[]> {
    this.ensure(tasks.length)
    const used = this.workers.slice(0, tasks.length)
    return new Promise<T[]>((resolve, reject) => {
      const results: T[] = new Array(tasks.length)
      let remaining = tasks.length
      let failed = false
      const ids = tasks.map(() => this.nextId++)
      const cleanups: (() => void)[] = []
      const finish = (err?: Error) => {
        for (const c of cleanups) c()
        for (const w of used) w.unref()
        if (err) {
          failed = true
          // Siblings may be blocked on shared memory: discard the whole pool.
          const ws = this.workers
          this.workers = []
          void Promise.all(ws.map((w) => w.terminate())).catch(() => undefined)
          reject(err)
        } else resolve(results)
      }
      used.forEach((w, i) => {
        w.ref()
        const onMessage = (msg: FromWorker) => {
          if (failed || msg.id !== (ids[i] as number)) return
          if (msg.kind === 'progress') onProgress?.(i, msg.data)
          else if (msg.kind === 'done') {
            results[i] = msg.result as T
            if (--remaining === 0) finish()
          } else {
            const e = msg.error
            finish(
              e.code
                ? new CairnError(e.code as never, e.message, e.details ? { details: e.details } : {})
                : new CairnError('CAIRN_INTERNAL', `A training thread failed: ${e.message}`),
            )
          }
        }
        const onError = (err: Error) => {
          if (!failed)
            finish(
              new CairnError('CAIRN_INTERNAL', `A training thread crashed: ${err.message}`, { cause: err }),
            )
        }
        const onExit = (code: number) => {
          if (!failed) finish(new CairnError('CAIRN_INTERNAL', `A training thread exited (code ${code})`))
        }
        w.on('message', onMessage)
        w.on('error', onError)
        w.on('exit', onExit)
        cleanups.push(() => {
          w.off('message', onMessage)
          w.off('error', onError)
          w.off('exit', onExit)
        })
        w.postMessage({ kind: 'task', id: ids[i] as number, payload: tasks[i] } satisfies ToWorker)
      })
    })
  }
}

/** Serialise an error for a `FromWorker` message. */
export function workerError(err: unknown): {
  message: string
  code?: string
  details?: Record<string, unknown>
} {
  const e = err as { message?: string; code?: string; details?: Record<string, unknown> }
  return {
    message: String(e?.message ?? err),
    ...(typeof e?.code === 'string' && e.code.startsWith('CAIRN_') ? { code: e.code } : {}),
    ...(e?.details ? { details: e.details } : {}),
  }
}
