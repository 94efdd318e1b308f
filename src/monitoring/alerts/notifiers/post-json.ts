/** Options of a JSON POST with retries. */
export interface PostOptions {
  attempts?: number
  backoffMs?: number
  timeoutMs?: number
  headers?: Record<string, string>
}

/** Result of a JSON POST with retries. */
export interface PostResult {
  ok: boolean
  attempts: number
  status?: number
  error?: string
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504])

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * POST `body` as JSON, retrying network errors, timeouts and 408/425/429/5xx with exponential
 * back-off (honouring Retry-After up to 30 s). Other 4xx answers are not retried. Never throws.
 */
export async function postJson(url: string, body: unknown, options: PostOptions = {}): Promise<PostResult> {
  const attempts = options.attempts ?? 4
  const backoff = options.backoffMs ?? 500
  const payload = JSON.stringify(body)
  let last: PostResult = { ok: false, attempts: 0 }
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let wait = backoff * 2 ** (attempt - 1)
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'cairn-monitoring', ...options.headers },
        body: payload,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      })
      await res.arrayBuffer().catch(() => undefined)
      if (res.ok) return { ok: true, attempts: attempt, status: res.status }
      last = { ok: false, attempts: attempt, status: res.status, error: `HTTP ${res.status}` }
      if (!RETRYABLE.has(res.status)) return last
      const ra = Number(res.headers.get('retry-after'))
      if (Number.isFinite(ra) && ra > 0) wait = Math.min(ra * 1000, 30_000)
    } catch (err) {
      const e = err as Error
      last = { ok: false, attempts: attempt, error: e.name === 'TimeoutError' ? 'timed out' : e.message }
    }
    if (attempt < attempts) await sleep(wait)
  }
  return last
}
