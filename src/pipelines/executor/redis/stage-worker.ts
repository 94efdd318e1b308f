import { mkdir, rm } from 'node:fs/promises'
import { hostname } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { getLogger, toCairnError } from '../../../core/index.js'
import type { ArtifactStore } from '../../../store/index.js'
import { StageCache } from '../../cache/stage-cache.js'
import { HashCache } from '../../hashing/hash-cache.js'
import type { StageJob, StageJobResult } from '../executor.js'
import { LocalExecutor } from '../local/local-executor.js'
import { cancelChannel, DEFAULT_STAGE_QUEUE } from './queue-name.js'

export interface StageWorkerOptions {
  /** `redis://host:6379`. */
  url: string
  /** The artifact store the runners use (deps come from its cache, outputs go to it). */
  artifacts: ArtifactStore
  /** Where jobs get their workspaces and sandboxes (default: a temp folder). */
  workDir: string
  queue?: string
  /** Stages this worker runs at once (default 1). */
  concurrency?: number
  /** Called for each job as it starts and ends. */
  onJob?: (event: { id: string; stage: string; state: 'started' | 'finished'; ok?: boolean }) => void
}

/** A running worker. */
export interface StageWorker {
  readonly id: string
  close(): Promise<void>
}

/**
 * Take stage jobs from the queue and run them: fetch the job's deps from the shared cache into a
 * fresh workspace, run the stage in a sandbox (as the local executor does: timeouts, logs,
 * outputs only on success), push the outputs and the log to the artifact store, and return
 * their hashes. Only declared deps (and params files) exist in the worker's workspace.
 */
export async function startStageWorker(options: StageWorkerOptions): Promise<StageWorker> {
  const queue = options.queue ?? DEFAULT_STAGE_QUEUE
  const cache = new StageCache(options.artifacts)
  const id = `${hostname()}:${process.pid}`
  const log = getLogger('pipelines.worker')
  const running = new Map<string, AbortController>()
  const subscriber = new Redis(options.url, { maxRetriesPerRequest: null })
  await subscriber.subscribe(cancelChannel(queue))
  subscriber.on('message', (_channel, jobId: string) =>
    running.get(jobId)?.abort(new Error('cancelled by the runner')),
  )

  const workerConnection = new Redis(options.url, { maxRetriesPerRequest: null })
  const worker = new Worker(
    queue,
    async (bullJob) => {
      const job = bullJob.data as StageJob
      const jobId = String(bullJob.id)
      const dir = join(options.workDir, jobId)
      const ws = join(dir, 'ws')
      const hashCache = await HashCache.open()
      const controller = new AbortController()
      running.set(jobId, controller)
      options.onJob?.({ id: jobId, stage: job.stage, state: 'started' })
      const executor = new LocalExecutor({ stateDir: join(dir, 'state'), hashCache, slots: 1 })
      let pending = ''
      let flush: NodeJS.Timeout | undefined
      try {
        await mkdir(ws, { recursive: true })
        for (const dep of job.deps) {
          if (isAbsolute(dep.path)) continue
          await cache.restoreOutput(
            { path: dep.path, hash: dep.hash, size: dep.size, isDir: dep.isDir },
            join(ws, dep.path),
            hashCache,
          )
        }
        const result = await executor.execute(
          { ...job, workspace: ws },
          {
            signal: controller.signal,
            onOutput: (text) => {
              pending += text
              flush ??= setTimeout(() => {
                flush = undefined
                const output = pending
                pending = ''
                void bullJob.updateProgress({ output }).catch(() => {})
              }, 200)
            },
          },
        )
        let logUri: string | undefined
        if (result.logFile) {
          const path = `pipelines/logs/${job.runId}/${job.id}.${job.attempt}.log`
          await options.artifacts.putFile(path, result.logFile).catch(() => {})
          logUri = options.artifacts.uriFor(path)
        }
        if (result.ok && result.stagedRoot) {
          for (const o of result.outs) await cache.saveOutput(join(result.stagedRoot, o.path), o)
          if (job.outs.every((o) => o.cache)) {
            await cache.putRun({
              version: 1,
              key: job.key,
              stage: job.stage,
              outs: result.outs.map((o) => ({
                path: o.path,
                hash: o.hash,
                size: o.size,
                isDir: o.isDir,
                ...(o.nfiles !== undefined ? { nfiles: o.nfiles } : {}),
                ...(o.exec ? { exec: true } : {}),
              })),
              createdAt: Date.now(),
            })
          }
        }
        const { stagedRoot: _s, logFile: _l, stray: _t, ...rest } = result
        const reply: StageJobResult = {
          ...rest,
          worker: id,
          outs: result.outs.map(({ files: _f, ...o }) => o),
          ...(logUri ? { logUri } : {}),
        }
        options.onJob?.({ id: jobId, stage: job.stage, state: 'finished', ok: reply.ok })
        return reply
      } catch (err) {
        const e = toCairnError(err, 'CAIRN_STAGE_FAILED')
        log.error({ err, job: jobId }, 'stage job failed on the worker')
        options.onJob?.({ id: jobId, stage: job.stage, state: 'finished', ok: false })
        return {
          ok: false,
          error: { code: e.code, message: `${e.message} (on worker ${id})` },
          startedAt: Date.now(),
          endedAt: Date.now(),
          logTail: '',
          worker: id,
          outs: [],
        } satisfies StageJobResult
      } finally {
        if (flush) clearTimeout(flush)
        running.delete(jobId)
        await executor.close()
        await rm(dir, { recursive: true, force: true })
      }
    },
    { connection: workerConnection, concurrency: options.concurrency ?? 1 },
  )
  await worker.waitUntilReady()
  return {
    id,
    async close() {
      for (const c of running.values()) c.abort(new Error('worker stopping'))
      await worker.close()
      // BullMQ leaves connections it was given open
      workerConnection.disconnect()
      subscriber.disconnect()
    },
  }
}
