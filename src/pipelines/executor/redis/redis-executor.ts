import { isAbsolute, join } from 'node:path'
import { Queue, QueueEvents } from 'bullmq'
import { Redis } from 'ioredis'
import { CairnError } from '../../../core/index.js'
import type { ArtifactStore } from '../../../store/index.js'
import { StageCache } from '../../cache/stage-cache.js'
import type { HashCache } from '../../hashing/hash-cache.js'
import { hashPath } from '../../hashing/hash-path.js'
import type { ExecuteHooks, StageExecutor, StageJob, StageJobResult } from '../executor.js'
import { cancelChannel, DEFAULT_STAGE_QUEUE } from './queue-name.js'

export interface RedisExecutorOptions {
  /** `redis://host:6379`. */
  url: string
  /** The artifact store the workers share: deps go up, outputs come back, through its cache. */
  artifacts: ArtifactStore
  /** The workspace's hash cache (deps are re-hashed by stat before they are pushed). */
  hashCache: HashCache
  queue?: string
  /** Jobs in flight at once (default 8): how many stages the runner hands out. */
  slots?: number
}

interface Waiter {
  hooks: ExecuteHooks
  resolve(r: StageJobResult): void
  reject(e: Error): void
}

/**
 * Runs stages on `cairn worker` processes through a BullMQ queue on Redis. Before a job is
 * queued its deps (and params files) are pushed to the shared cache; the worker fetches them,
 * runs the stage in a sandbox like the local executor, pushes the outputs to the cache and
 * returns their hashes; the runner brings them back from the cache. Function stages cannot
 * travel, so the runner runs those locally.
 */
export class RedisExecutor implements StageExecutor {
  readonly name = 'redis'
  readonly slots: number
  readonly #queue: Queue
  readonly #events: QueueEvents
  readonly #publisher: Redis
  readonly #cache: StageCache
  readonly #waiters = new Map<string, Waiter>()
  readonly #opts: RedisExecutorOptions
  readonly #queueName: string
  readonly #connections: Redis[] = []

  constructor(options: RedisExecutorOptions) {
    this.#opts = options
    this.slots = options.slots ?? 8
    this.#queueName = options.queue ?? DEFAULT_STAGE_QUEUE
    const connection = () => {
      const c = new Redis(options.url, { maxRetriesPerRequest: null })
      this.#connections.push(c)
      return c
    }
    this.#queue = new Queue(this.#queueName, { connection: connection() })
    this.#events = new QueueEvents(this.#queueName, { connection: connection() })
    this.#publisher = connection()
    this.#cache = new StageCache(options.artifacts)
    this.#events.on('active', ({ jobId }) => {
      const w = this.#waiters.get(jobId)
      w?.hooks.onStart?.({ worker: 'redis' })
    })
    this.#events.on('progress', ({ jobId, data }) => {
      const w = this.#waiters.get(jobId)
      if (w && typeof data === 'object' && data !== null && 'output' in data)
        w.hooks.onOutput?.(String((data as { output: unknown }).output))
    })
    this.#events.on('completed', ({ jobId, returnvalue }) => {
      const w = this.#waiters.get(jobId)
      if (!w) return
      this.#waiters.delete(jobId)
      w.resolve((typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as StageJobResult)
    })
    this.#events.on('failed', ({ jobId, failedReason }) => {
      const w = this.#waiters.get(jobId)
      if (!w) return
      this.#waiters.delete(jobId)
      w.reject(new CairnError('CAIRN_STAGE_FAILED', `The worker failed the job: ${failedReason}`))
    })
  }

  accepts(job: StageJob): boolean {
    return job.command.kind !== 'function'
  }

  async execute(job: StageJob, hooks: ExecuteHooks): Promise<StageJobResult> {
    await this.#events.waitUntilReady()
    for (const dep of job.deps) {
      if (isAbsolute(dep.path)) continue
      const abs = join(job.workspace, dep.path)
      const h = await hashPath(abs, this.#opts.hashCache)
      if (!h)
        throw new CairnError(
          'CAIRN_DEPENDENCY_MISSING',
          `Dependency '${dep.path}' disappeared before it could be sent to a worker`,
        )
      await this.#cache.saveOutput(abs, h)
    }
    const jobId = `${job.id}-${job.attempt}`
    const done = new Promise<StageJobResult>((resolve, reject) =>
      this.#waiters.set(jobId, { hooks, resolve, reject }),
    )
    const onAbort = () => {
      void this.#publisher.publish(cancelChannel(this.#queueName), jobId)
      void this.#queue.remove(jobId).catch(() => {})
      const w = this.#waiters.get(jobId)
      if (w) {
        this.#waiters.delete(jobId)
        w.resolve({
          ok: false,
          error: { code: 'CAIRN_CANCELLED', message: `Stage '${job.stage}' was cancelled` },
          startedAt: Date.now(),
          endedAt: Date.now(),
          logTail: '',
          worker: 'redis',
          outs: [],
        })
      }
    }
    hooks.signal.addEventListener('abort', onAbort, { once: true })
    try {
      const { command, ...rest } = job
      await this.#queue.add(
        job.stage,
        { ...rest, command },
        { jobId, attempts: 1, removeOnComplete: 1000, removeOnFail: 1000 },
      )
      return await done
    } finally {
      hooks.signal.removeEventListener('abort', onAbort)
    }
  }

  async discard(): Promise<void> {}

  async close(): Promise<void> {
    await this.#events.close()
    await this.#queue.close()
    // BullMQ leaves connections it was given open
    for (const c of this.#connections) c.disconnect()
  }
}
