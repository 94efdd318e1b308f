import { mkdir, readFile, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { CairnError, getLogger, hashBytes, writeFileAtomic } from '../../core/index.js'

/** How to fetch a URL into the local cache. */
export interface FetchUrlOptions {
  /** The cache folder (downloads live under `<cacheDir>/http/`). */
  cacheDir: string
  /** Never touch the network: use the cached copy or fail. */
  offline?: boolean
  /** Use this local file instead of the URL. */
  localPath?: string
  /** Bytes received so far and the total when the server said it. */
  onProgress?: (received: number, total: number | undefined) => void
  /** Milliseconds before giving up on the server (default 60 s). */
  timeoutMs?: number
}

/** A URL's bytes on this machine. */
export interface FetchedUrl {
  localPath: string
  bytes: number
  /** `cache` (unchanged or offline), `network` (downloaded now) or `override` (localPath). */
  from: 'cache' | 'network' | 'override'
}

interface CacheMeta {
  url: string
  etag?: string
  lastModified?: string
  bytes: number
  fetchedAt: number
}

/**
 * Download a URL into the cache with conditional requests (ETag / Last-Modified), so an unchanged
 * file is not downloaded again; the download goes to a temp file renamed into place only when
 * complete, so a broken transfer never leaves a partial file in the cache. With `offline` the
 * cached copy is used; with `localPath` that file is used instead of the URL.
 */
export async function fetchUrl(url: string, options: FetchUrlOptions): Promise<FetchedUrl> {
  if (options.localPath) {
    const st = await stat(options.localPath).catch(() => undefined)
    if (!st?.isFile()) {
      throw new CairnError(
        'CAIRN_SOURCE_NOT_FOUND',
        `Local override ${options.localPath} for ${url} does not exist`,
        {
          details: { url, localPath: options.localPath },
        },
      )
    }
    return { localPath: options.localPath, bytes: st.size, from: 'override' }
  }
  const dir = join(options.cacheDir, 'http', hashBytes(url).slice(0, 24))
  const name = safeName(url)
  const file = join(dir, name)
  const metaPath = join(dir, 'meta.json')
  const meta = await readMeta(metaPath, file)
  if (options.offline) {
    if (!meta) {
      throw new CairnError(
        'CAIRN_SOURCE_NOT_FOUND',
        `${url} is not in the download cache and offline mode is on`,
        {
          details: { url, cacheDir: options.cacheDir },
          hint: 'Run once online to cache it, or pass a local copy (localPath / --local).',
        },
      )
    }
    return { localPath: file, bytes: meta.bytes, from: 'cache' }
  }
  const headers: Record<string, string> = { 'user-agent': 'cairn-data' }
  if (meta?.etag) headers['if-none-match'] = meta.etag
  if (meta?.lastModified) headers['if-modified-since'] = meta.lastModified
  let res: Response
  try {
    res = await fetch(url, {
      headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
      redirect: 'follow',
    })
  } catch (err) {
    if (meta) {
      getLogger('data').warn({ url, err: (err as Error).message }, 'network failed; using the cached copy')
      return { localPath: file, bytes: meta.bytes, from: 'cache' }
    }
    throw new CairnError('CAIRN_SOURCE_UNREADABLE', `Cannot download ${url}: ${(err as Error).message}`, {
      cause: err,
      details: { url },
      hint: 'Check the URL and the network, or use a local copy (localPath / --local).',
    })
  }
  if (res.status === 304 && meta) {
    await res.body?.cancel()
    return { localPath: file, bytes: meta.bytes, from: 'cache' }
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel()
    throw new CairnError(
      res.status === 404 ? 'CAIRN_SOURCE_NOT_FOUND' : 'CAIRN_SOURCE_UNREADABLE',
      `Downloading ${url} failed: HTTP ${res.status} ${res.statusText}`,
      { details: { url, status: res.status } },
    )
  }
  const lengthHeader = res.headers.get('content-length')
  const expected =
    lengthHeader !== null && res.headers.get('content-encoding') === null ? Number(lengthHeader) : undefined
  let received = 0
  const source = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>)
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array)
      received += buf.length
      options.onProgress?.(received, expected)
      yield buf
    }
  }
  await mkdir(dir, { recursive: true })
  const body = Readable.from(counted())
  try {
    await writeFileAtomic(file, body)
  } catch (err) {
    throw new CairnError(
      'CAIRN_SOURCE_UNREADABLE',
      `Downloading ${url} broke off: ${(err as Error).message}`,
      {
        cause: err,
        details: { url, received },
      },
    )
  }
  if (expected !== undefined && received !== expected) {
    await rm(file, { force: true })
    throw new CairnError(
      'CAIRN_SOURCE_UNREADABLE',
      `Downloading ${url} broke off after ${received} of ${expected} bytes`,
      {
        details: { url, received, expected },
      },
    )
  }
  const next: CacheMeta = {
    url,
    bytes: received,
    fetchedAt: Date.now(),
    ...(res.headers.get('etag') ? { etag: res.headers.get('etag') as string } : {}),
    ...(res.headers.get('last-modified') ? { lastModified: res.headers.get('last-modified') as string } : {}),
  }
  await writeFileAtomic(metaPath, JSON.stringify(next))
  return { localPath: file, bytes: received, from: 'network' }
}

async function readMeta(metaPath: string, file: string): Promise<CacheMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as CacheMeta
    const st = await stat(file)
    return st.size === meta.bytes ? meta : undefined
  } catch {
    return undefined
  }
}

function safeName(url: string): string {
  let path = ''
  try {
    path = new URL(url).pathname
  } catch {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `"${url}" is not a valid URL`)
  }
  const base = basename(decodeURIComponent(path)).replace(/[^A-Za-z0-9._-]/g, '_')
  return base === '' || base === '.' || base === '..' ? 'download' : base
}
