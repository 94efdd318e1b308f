import type { StageExecutor } from '../executor.js'
import type { RedisExecutorOptions } from './redis-executor.js'
import type { StageWorker, StageWorkerOptions } from './stage-worker.js'

/** A RedisExecutor (BullMQ and ioredis load only when one is made). */
export async function createRedisExecutor(options: RedisExecutorOptions): Promise<StageExecutor> {
  const { RedisExecutor } = await import('./redis-executor.js')
  return new RedisExecutor(options)
}

/** Start a `cairn worker` in this process (BullMQ and ioredis load only now). */
export async function startStageWorker(options: StageWorkerOptions): Promise<StageWorker> {
  const m = await import('./stage-worker.js')
  return m.startStageWorker(options)
}
