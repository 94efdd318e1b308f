/**
 * log-batch of 1,000 metrics through `cairn server` (its own process, SQLite + local files), over
 * HTTP with MLflow's REST API: median and p95 latency of N calls after a warm-up.
 *
 *   flock /tmp/cairn-bench.lock npx tsx bench/tracking/log-batch.ts [--calls 200]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cpuMs, median, ms, percentile, QUOTED_MLFLOW, startCairnServer } from './support.js'

export interface LogBatchResult {
  calls: number
  medianMs: number
  p95Ms: number
  metricsPerSecond: number
  /** Server CPU time per call (user + system), independent of other load on the machine. */
  serverCpuMsPerCall: number
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

export async function benchLogBatch(calls = 200, warmup = 20): Promise<LogBatchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-logbatch-'))
  const server = await startCairnServer(`sqlite:///${join(dir, 'cairn.db')}`, join(dir, 'artifacts'))
  try {
    const api = `${server.url}/api/2.0/mlflow`
    const exp = (await post(`${api}/experiments/create`, { name: 'bench' })) as { experiment_id: string }
    const run = (await post(`${api}/runs/create`, { experiment_id: exp.experiment_id })) as {
      run: { info: { run_id: string } }
    }
    const runId = run.run.info.run_id
    const times: number[] = []
    const now = Date.now()
    let cpuStart = 0
    for (let c = 0; c < warmup + calls; c++) {
      if (c === warmup) cpuStart = cpuMs(server.pid)
      const metrics = Array.from({ length: 1000 }, (_, i) => ({
        key: `m${i % 20}`,
        value: Math.random(),
        timestamp: now + c,
        step: c * 50 + Math.floor(i / 20),
      }))
      const body = { run_id: runId, metrics }
      const t0 = performance.now()
      await post(`${api}/runs/log-batch`, body)
      if (c >= warmup) times.push(performance.now() - t0)
    }
    const serverCpuMsPerCall = (cpuMs(server.pid) - cpuStart) / calls
    const stored = (await (
      await fetch(`${api}/metrics/get-history?run_id=${runId}&metric_key=m0`)
    ).json()) as { metrics: unknown[] }
    if (stored.metrics.length !== (warmup + calls) * 50)
      throw new Error(`expected ${(warmup + calls) * 50} values of m0, got ${stored.metrics.length}`)
    const med = median(times)
    return {
      calls,
      medianMs: med,
      p95Ms: percentile(times, 95),
      metricsPerSecond: 1000 / (med / 1000),
      serverCpuMsPerCall,
    }
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

export function formatLogBatch(r: LogBatchResult): string[] {
  const quotedPer1000 = QUOTED_MLFLOW.logBatch500Ms * 2
  return [
    `log-batch, 1,000 metrics per call, through cairn server (HTTP, MLflow REST API, SQLite), ${r.calls} calls:`,
    `  Cairn (measured):  median ${ms(r.medianMs)}, p95 ${ms(r.p95Ms)} wall (${Math.round(r.metricsPerSecond).toLocaleString('en-US')} metrics/s); server CPU ${ms(r.serverCpuMsPerCall)} per call`,
    `  MLflow Python server (quoted, not measured): ~${QUOTED_MLFLOW.logBatch500Ms} ms per 500 metrics, i.e. ~${quotedPer1000} ms per 1,000 [${QUOTED_MLFLOW.logBatchSource}]`,
    `  ratio (quoted MLflow / measured Cairn, per 1,000 metrics): ${(quotedPer1000 / r.medianMs).toFixed(0)}x; target < 10 ms: ${r.medianMs < 10 ? 'met' : 'NOT met'}`,
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--calls')
  const r = await benchLogBatch(i > 0 ? Number(process.argv[i + 1]) : 200)
  console.log(formatLogBatch(r).join('\n'))
}
