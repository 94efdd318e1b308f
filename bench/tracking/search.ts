/**
 * Search runs with a metric filter and order_by over 10,000 runs x 20 metrics (SQLite): median
 * latency straight on the store and through `cairn server` (its own process, MLflow REST API).
 *
 *   flock /tmp/cairn-bench.lock npx tsx bench/tracking/search.ts [--runs 10000]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openArtifactStore, openMetadataStore } from '../../src/store/index.js'
import { StoreTrackingClient } from '../../src/tracking/index.js'
import { cpuMs, median, ms, QUOTED_MLFLOW, startCairnServer } from './support.js'

export interface SearchCase {
  name: string
  filter: string
  orderBy: string[]
  maxResults: number
  matched: number
  storeMs: number
  httpMs: number
  /** Server CPU time per search over HTTP (user + system), independent of other load. */
  serverCpuMs: number
}

export interface SearchResult {
  runs: number
  metricsPerRun: number
  populateSeconds: number
  cases: SearchCase[]
}

export async function benchSearch(runs = 10_000, metricsPerRun = 20, repeats = 30): Promise<SearchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-search-'))
  const uri = `sqlite:///${join(dir, 'cairn.db')}`
  try {
    const metadata = await openMetadataStore(uri)
    const client = new StoreTrackingClient({ metadata, artifacts: openArtifactStore(join(dir, 'artifacts')) })
    const exp = await client.createExperiment({ name: 'search-bench' })
    const t0 = performance.now()
    let seed = 1
    const rand = () => {
      seed = (seed * 16807) % 2147483647
      return seed / 2147483647
    }
    for (let r = 0; r < runs; r++) {
      const run = await client.createRun({
        experimentId: exp.experimentId,
        runName: `run-${r}`,
        startTime: 1_700_000_000_000 + r,
      })
      await client.logBatch(run.info.runId, {
        metrics: Array.from({ length: metricsPerRun }, (_, m) => ({
          key: `m${m}`,
          value: rand(),
          timestamp: 1,
          step: 0,
        })),
        params: [
          { key: 'model', value: r % 3 === 0 ? 'gbdt' : 'linear' },
          { key: 'depth', value: String(r % 10) },
        ],
        tags: [{ key: 'team', value: r % 2 ? 'ml-core' : 'ml-edge' }],
      })
    }
    const populateSeconds = (performance.now() - t0) / 1000
    const specs = [
      {
        name: 'metric filter + metric order, 100 results',
        filter: 'metrics.m3 < 0.5',
        orderBy: ['metrics.m7 DESC'],
        maxResults: 100,
      },
      {
        name: 'metric + param filter + metric order, 1000 results (MLflow default page)',
        filter: "metrics.m3 < 0.5 and params.model = 'gbdt'",
        orderBy: ['metrics.m7 DESC'],
        maxResults: 1000,
      },
    ]
    const cases: SearchCase[] = []
    for (const s of specs) {
      const times: number[] = []
      let matched = 0
      for (let i = 0; i < repeats + 3; i++) {
        const t = performance.now()
        const page = await client.searchRuns({
          experimentIds: [exp.experimentId],
          filter: s.filter,
          orderBy: s.orderBy,
          maxResults: s.maxResults,
        })
        if (i >= 3) times.push(performance.now() - t)
        matched = page.items.length
      }
      cases.push({ ...s, matched, storeMs: median(times), httpMs: 0, serverCpuMs: 0 })
    }
    await client.close()
    await metadata.close()
    const server = await startCairnServer(uri, join(dir, 'artifacts'))
    try {
      for (const c of cases) {
        const times: number[] = []
        let cpuStart = 0
        for (let i = 0; i < repeats + 3; i++) {
          if (i === 3) cpuStart = cpuMs(server.pid)
          const t = performance.now()
          const res = await fetch(`${server.url}/api/2.0/mlflow/runs/search`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              experiment_ids: [exp.experimentId],
              filter: c.filter,
              order_by: c.orderBy,
              max_results: c.maxResults,
            }),
          })
          const json = (await res.json()) as { runs?: unknown[] }
          if (!res.ok || (json.runs?.length ?? 0) !== c.matched)
            throw new Error(`search over HTTP failed: ${res.status}`)
          if (i >= 3) times.push(performance.now() - t)
        }
        c.httpMs = median(times)
        c.serverCpuMs = (cpuMs(server.pid) - cpuStart) / repeats
      }
    } finally {
      await server.stop()
    }
    return { runs, metricsPerRun, populateSeconds, cases }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function formatSearch(r: SearchResult): string[] {
  const lines = [
    `search runs over ${r.runs.toLocaleString('en-US')} runs x ${r.metricsPerRun} metrics (SQLite; populated through the client in ${r.populateSeconds.toFixed(1)} s):`,
  ]
  for (const c of r.cases)
    lines.push(
      `  ${c.name}: filter "${c.filter}", order_by ${c.orderBy.join(', ')} -> ${c.matched} runs`,
      `    Cairn (measured): median ${ms(c.storeMs)} on the store, ${ms(c.httpMs)} through cairn server (HTTP, wall); server CPU ${ms(c.serverCpuMs)} per search`,
      `    MLflow (quoted, not measured): ~${QUOTED_MLFLOW.search10kMs} ms; ratio quoted MLflow / measured Cairn over HTTP: ${(QUOTED_MLFLOW.search10kMs / c.httpMs).toFixed(0)}x; target < 50 ms: ${c.httpMs < 50 ? 'met' : 'NOT met'}`,
    )
  return lines
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--runs')
  const r = await benchSearch(i > 0 ? Number(process.argv[i + 1]) : 10_000)
  console.log(formatSearch(r).join('\n'))
}
