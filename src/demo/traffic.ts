/** What a stretch of simulated traffic did, counted from the answers the client got. */
export interface TrafficResult {
  requests: number
  rows: number
  /** Requests that did not get a 200 (HTTP errors and network errors). */
  failed: number
  /** The first few failures, for the story. */
  failures: string[]
  /** Requests answered by each model version. */
  versions: Record<string, number>
  /** Prediction ids, in the order of the rows sent (undefined where the request failed). */
  ids: (string | undefined)[]
  startedAt: number
  endedAt: number
  latencyMs: { p50: number; p99: number }
}

interface Answer {
  version: string
  predictions: { id: string; prediction: number | null }[]
}

type Row = Record<string, unknown>

function emptyResult(): TrafficResult {
  return {
    requests: 0,
    rows: 0,
    failed: 0,
    failures: [],
    versions: {},
    ids: [],
    startedAt: Date.now(),
    endedAt: 0,
    latencyMs: { p50: 0, p99: 0 },
  }
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
}

async function predict(
  url: string,
  model: string,
  rows: Row[],
  out: TrafficResult,
  latencies: number[],
): Promise<Answer | undefined> {
  const t0 = performance.now()
  out.requests++
  out.rows += rows.length
  try {
    const res = await fetch(`${url}/v1/models/${encodeURIComponent(model)}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rows.length === 1 ? rows[0] : rows),
    })
    const text = await res.text()
    latencies.push(performance.now() - t0)
    if (!res.ok) {
      out.failed++
      if (out.failures.length < 5) out.failures.push(`HTTP ${res.status}: ${text.slice(0, 200)}`)
      return undefined
    }
    const answer = JSON.parse(text) as Answer
    out.versions[answer.version] = (out.versions[answer.version] ?? 0) + 1
    return answer
  } catch (err) {
    out.failed++
    if (out.failures.length < 5) out.failures.push((err as Error).message)
    return undefined
  }
}

function finish(out: TrafficResult, latencies: number[]): TrafficResult {
  latencies.sort((a, b) => a - b)
  out.endedAt = Date.now()
  out.latencyMs = { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) }
  return out
}

/**
 * Send a day of traffic: the rows in batches (as a client app would send a page of flights),
 * `concurrency` requests in flight. Every row's prediction id is kept for the feedback later.
 */
export async function sendTraffic(
  url: string,
  model: string,
  rows: Row[],
  options: { batchSize?: number; concurrency?: number; onProgress?: (rowsDone: number) => void } = {},
): Promise<TrafficResult> {
  const batch = options.batchSize ?? 25
  const out = emptyResult()
  out.ids = new Array(rows.length).fill(undefined)
  const latencies: number[] = []
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < rows.length) {
      const start = next
      next = Math.min(rows.length, next + batch)
      const answer = await predict(url, model, rows.slice(start, next), out, latencies)
      answer?.predictions.forEach((p, i) => {
        out.ids[start + i] = p.id
      })
      done += next - start
      options.onProgress?.(done)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker))
  return finish(out, latencies)
}

/** Send the true delays for answered predictions (POST /v1/feedback, in chunks). Returns labels accepted. */
export async function sendFeedback(
  url: string,
  ids: readonly (string | undefined)[],
  labels: readonly number[],
  chunk = 2000,
): Promise<number> {
  const items: { predictionId: string; label: number }[] = []
  ids.forEach((id, i) => {
    if (id !== undefined) items.push({ predictionId: id, label: labels[i] as number })
  })
  let accepted = 0
  for (let i = 0; i < items.length; i += chunk) {
    const res = await fetch(`${url}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(items.slice(i, i + chunk)),
    })
    const body = (await res.json()) as { accepted?: number }
    if (!res.ok) throw new Error(`feedback failed with HTTP ${res.status}: ${JSON.stringify(body)}`)
    accepted += body.accepted ?? 0
  }
  return accepted
}

/** Traffic that keeps going (one row per request, `concurrency` in flight) until stopped. */
export interface BackgroundTraffic {
  /** Resolves when a request has been answered by `version`, or rejects after `timeoutMs`. */
  waitForVersion(version: string, timeoutMs: number): Promise<number>
  stop(): Promise<TrafficResult>
  readonly result: TrafficResult
}

/** Replay `rows` round and round, single-row requests, until `stop()`. */
export function startBackgroundTraffic(
  url: string,
  model: string,
  rows: Row[],
  options: { concurrency?: number; pauseMs?: number } = {},
): BackgroundTraffic {
  const out = emptyResult()
  const latencies: number[] = []
  const seen = new Map<string, number>()
  const waiters: { version: string; resolve: (t: number) => void }[] = []
  let stopped = false
  let i = 0
  const worker = async () => {
    while (!stopped) {
      const row = rows[i++ % rows.length] as Row
      const answer = await predict(url, model, [row], out, latencies)
      if (answer && !seen.has(answer.version)) {
        const t = Date.now()
        seen.set(answer.version, t)
        for (const w of waiters.filter((x) => x.version === answer.version)) w.resolve(t)
      }
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs))
    }
  }
  const running = Promise.all(Array.from({ length: options.concurrency ?? 2 }, worker))
  return {
    result: out,
    waitForVersion(version, timeoutMs) {
      const at = seen.get(version)
      if (at !== undefined) return Promise.resolve(at)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer from version ${version} within ${timeoutMs / 1000} s`)),
          timeoutMs,
        )
        waiters.push({
          version,
          resolve: (t) => {
            clearTimeout(timer)
            resolve(t)
          },
        })
      })
    },
    async stop() {
      stopped = true
      await running
      return finish(out, latencies)
    },
  }
}
