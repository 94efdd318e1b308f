import cluster from 'node:cluster'
import { availableParallelism } from 'node:os'
import { AggregatorRegistry, type Registry } from 'prom-client'
import { getLogger } from '../core/index.js'
import type { ServeOptions, ServingHandle } from './serve.js'

const METRICS_REQ = 'cairn:metrics-req'
const METRICS_RES = 'cairn:metrics-res'
const log = getLogger('serving')

/** Worker count for `--workers`: a number, or `auto` for one per core. */
export function resolveWorkers(value: number | 'auto' | undefined): number {
  if (value === undefined) return 1
  if (value === 'auto') return availableParallelism()
  return Math.max(1, Math.floor(value))
}

/**
 * The primary of cluster mode: forks `workers` processes that each run the server on the same port
 * (the primary hands out connections), restarts a worker that dies unexpectedly, answers workers'
 * requests for the cluster-wide /metrics, and on SIGTERM/SIGINT asks every worker to drain and
 * waits for them. Series in `options.registry` (the primary's own, such as monitoring gauges read
 * from the store once for the whole cluster) are appended to the workers' aggregate.
 */
export async function runClusterPrimary(
  workers: number,
  options: { registry?: Registry } = {},
): Promise<void> {
  const aggregator = new AggregatorRegistry()
  const own = options.registry
  const clusterText = async () => {
    const text = await aggregator.clusterMetrics()
    return own ? `${text.trimEnd()}\n${await own.metrics()}` : text
  }
  let stopping = false
  const fork = () => {
    const w = cluster.fork()
    w.on('message', (m: { type?: string; id?: number }) => {
      if (m?.type !== METRICS_REQ) return
      clusterText()
        .then((text) => w.send({ type: METRICS_RES, id: m.id, text }))
        .catch((err: Error) => w.send({ type: METRICS_RES, id: m.id, error: err.message }))
    })
    return w
  }
  for (let i = 0; i < workers; i++) fork()
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return
    log.error({ pid: w.process.pid, code, signal }, 'serving worker died; starting another')
    fork()
  })
  await new Promise<void>((resolve) => {
    const stop = () => {
      if (stopping) return
      stopping = true
      log.info({ workers: Object.keys(cluster.workers ?? {}).length }, 'draining workers')
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM')
      const check = setInterval(() => {
        if (Object.keys(cluster.workers ?? {}).length === 0) {
          clearInterval(check)
          resolve()
        }
      }, 50)
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
    process.on('SIGHUP', () => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP')
    })
  })
}

/**
 * What a cluster worker adds to ServeOptions: /metrics answered with the whole cluster's series
 * (gathered by the primary), and feedback waiting for other workers' log flushes.
 */
export function clusterWorkerOptions(flushIntervalMs = 200): NonNullable<ServeOptions['cluster']> {
  // Answer the primary's metrics requests from the start (with no series until the server is up):
  // a worker still loading its models would otherwise leave the cluster-wide /metrics to time out.
  new AggregatorRegistry()
  AggregatorRegistry.setRegistries([])
  let next = 1
  const waiting = new Map<number, { resolve: (t: string) => void; reject: (e: Error) => void }>()
  process.on('message', (m: { type?: string; id?: number; text?: string; error?: string }) => {
    if (m?.type !== METRICS_RES || m.id === undefined) return
    const p = waiting.get(m.id)
    waiting.delete(m.id)
    if (m.error !== undefined) p?.reject(new Error(m.error))
    else p?.resolve(m.text ?? '')
  })
  return {
    metricsText: () =>
      new Promise<string>((resolve, reject) => {
        const id = next++
        waiting.set(id, { resolve, reject })
        process.send?.({ type: METRICS_REQ, id })
      }),
    awaitLogged: () => new Promise((r) => setTimeout(r, flushIntervalMs * 3)),
  }
}

/** In a cluster worker: let prom-client's cluster aggregation read this worker's registry. */
export function shareWorkerMetrics(handle: ServingHandle): void {
  // Constructing one installs prom-client's worker-side listener for the primary's requests.
  new AggregatorRegistry()
  AggregatorRegistry.setRegistries([handle.metrics.registry])
}
