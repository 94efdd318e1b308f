import { Readable } from 'node:stream'
import { CairnError, type ErrorCode, errorCodes } from '../../core/index.js'

export interface HttpTransportOptions {
  /** Extra headers on every request (e.g. Authorization). */
  headers?: Record<string, string>
  /** Milliseconds before a request is abandoned (default 60 s). */
  timeoutMs?: number
}

type Query = Record<string, string | number | boolean | string[] | undefined>

/**
 * JSON over HTTP to a `cairn server`'s native API. Error bodies `{ error: { code, message,
 * details, hint } }` come back as the same CairnError the server raised.
 */
export class HttpTransport {
  readonly baseUrl: string
  readonly #headers: Record<string, string>
  readonly #timeoutMs: number

  constructor(baseUrl: string, options: HttpTransportOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '')
    this.#headers = options.headers ?? {}
    this.#timeoutMs = options.timeoutMs ?? 60_000
  }

  url(path: string, query?: Query): string {
    const u = new URL(this.baseUrl + path)
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue
      if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, item)
      else u.searchParams.set(k, String(v))
    }
    return u.href
  }

  /** Send a JSON request; returns the parsed JSON response (undefined for 204). */
  async json<T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
    const res = await this.raw(method, path, {
      ...(options.query ? { query: options.query } : {}),
      ...(options.body === undefined
        ? {}
        : { body: JSON.stringify(options.body), headers: { 'content-type': 'application/json' } }),
    })
    if (res.status === 204) return undefined as T
    const text = await res.text()
    return (text === '' ? undefined : JSON.parse(text)) as T
  }

  /** Send a request and return the response once it is known to be a success. */
  async raw(
    method: string,
    path: string,
    options: {
      query?: Query
      body?: RequestInit['body'] | Readable
      headers?: Record<string, string>
      allow404?: boolean
    } = {},
  ): Promise<Response> {
    const url = this.url(path, options.query)
    let res: Response
    try {
      const body =
        options.body instanceof Readable ? (Readable.toWeb(options.body) as ReadableStream) : options.body
      res = await fetch(url, {
        method,
        headers: { ...this.#headers, ...options.headers },
        ...(body === undefined ? {} : { body, duplex: 'half' }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      } as RequestInit)
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause
      if ((err as Error).name === 'TimeoutError')
        throw new CairnError('CAIRN_TIMEOUT', `${method} ${url} took longer than ${this.#timeoutMs} ms`, {
          cause: err,
        })
      throw new CairnError(
        'CAIRN_STORE_UNAVAILABLE',
        `Cannot reach the Cairn server at ${this.baseUrl}: ${cause?.code ?? (err as Error).message}`,
        {
          cause: err,
          hint: 'Start it with `cairn server`, or check --tracking-uri / CAIRN_TRACKING_URI',
        },
      )
    }
    if (res.ok || (options.allow404 && res.status === 404)) return res
    throw await errorFrom(res, method, url)
  }
}

async function errorFrom(res: Response, method: string, url: string): Promise<CairnError> {
  const text = await res.text().catch(() => '')
  let body: {
    error?: { code?: string; message?: string; details?: Record<string, unknown>; hint?: string }
  } = {}
  try {
    body = JSON.parse(text)
  } catch {}
  const e = body.error
  if (e?.code && e.code in errorCodes)
    return new CairnError(e.code as ErrorCode, e.message ?? `${method} ${url} failed`, {
      ...(e.details ? { details: e.details } : {}),
      ...(e.hint ? { hint: e.hint } : {}),
    })
  const code: ErrorCode =
    res.status === 404
      ? 'CAIRN_NOT_FOUND'
      : res.status === 413
        ? 'CAIRN_PAYLOAD_TOO_LARGE'
        : res.status >= 500
          ? 'CAIRN_INTERNAL'
          : 'CAIRN_INVALID_ARGUMENT'
  return new CairnError(code, `${method} ${url} answered ${res.status}: ${e?.message ?? text.slice(0, 300)}`)
}
