/** An error answered by the Cairn API (`{"error": {code, message, details, hint}}`) or the network. */
export class ApiError extends Error {
  readonly code: string
  readonly status: number
  readonly details: Record<string, unknown> | undefined
  readonly hint: string | undefined

  constructor(
    code: string,
    message: string,
    status: number,
    details?: Record<string, unknown>,
    hint?: string,
  ) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
    this.details = details
    this.hint = hint
  }

  get notFound(): boolean {
    return this.status === 404 || this.code.endsWith('_NOT_FOUND')
  }
}

/** The error as an ApiError (network failures get CAIRN_NETWORK). */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  const msg = err instanceof Error ? err.message : String(err)
  return new ApiError(
    'CAIRN_NETWORK',
    `Could not reach the Cairn server: ${msg}`,
    0,
    undefined,
    'Is `cairn server` still running?',
  )
}

interface RequestOptions {
  method?: string
  body?: unknown
  signal?: AbortSignal
  query?: Record<string, string | number | boolean | undefined | readonly string[]>
}

/** The API's base: the folder the page was served from (so a path prefix in a proxy works). */
const BASE = new URL('.', window.location.href).pathname.replace(/\/$/, '')

/** Call the native API (`/api/v1/...`); resolves with the JSON answer, rejects with ApiError. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(options.query ?? {})) {
    if (v === undefined) continue
    if (Array.isArray(v)) for (const x of v) q.append(k, String(x))
    else q.set(k, String(v))
  }
  const qs = q.toString()
  const init: RequestInit = { method: options.method ?? (options.body !== undefined ? 'POST' : 'GET') }
  if (options.signal) init.signal = options.signal
  if (options.body !== undefined) {
    init.headers = { 'content-type': 'application/json' }
    init.body = JSON.stringify(options.body)
  }
  let res: Response
  try {
    res = await fetch(`${BASE}/api/v1${path}${qs ? `?${qs}` : ''}`, init)
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw asApiError(err)
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  if (!res.ok) {
    const e = (
      json as {
        error?: { code?: string; message?: string; details?: Record<string, unknown>; hint?: string }
      }
    )?.error
    throw new ApiError(
      e?.code ?? `HTTP_${res.status}`,
      e?.message ?? (text.slice(0, 200) || res.statusText),
      res.status,
      e?.details,
      e?.hint,
    )
  }
  return json as T
}

/** URL of a run artifact's download route (for images and "download"). */
export function runArtifactUrl(runId: string, path: string): string {
  return `${BASE}/api/v1/runs/${encodeURIComponent(runId)}/artifacts/files/${path.split('/').map(encodeURIComponent).join('/')}`
}

export function modelArtifactUrl(name: string, version: number | string, path: string): string {
  return `${BASE}/api/v1/models/${encodeURIComponent(name)}/versions/${version}/artifacts/files/${path.split('/').map(encodeURIComponent).join('/')}`
}
