import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { Readable } from 'node:stream'
import { writeFileAtomic } from '../../core/index.js'
import type { ArtifactEntry, ArtifactStore, ListOptions } from '../../store/index.js'
import { joinArtifactPath, normalizeArtifactPath } from '../../store/index.js'
import type { HttpTransport } from './http-transport.js'

/** Encode an artifact path for a URL, one segment at a time. */
export function encodeArtifactPath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/')
}

/**
 * An ArtifactStore served by a `cairn server` under `basePath` (a run's or a model version's
 * artifacts). Paths are checked here and again on the server.
 */
export class HttpArtifactStore implements ArtifactStore {
  constructor(
    readonly transport: HttpTransport,
    readonly basePath: string,
    /** The artifact root's real URI on the server side (for display and `uriFor`). */
    readonly uri: string,
  ) {}

  uriFor(path: string): string {
    const rel = normalizeArtifactPath(path, true)
    return rel ? `${this.uri.replace(/\/+$/, '')}/${rel}` : this.uri
  }

  #file(path: string): string {
    return `${this.basePath}/files/${encodeArtifactPath(normalizeArtifactPath(path))}`
  }

  async put(path: string, data: Uint8Array | string): Promise<void> {
    const body = typeof data === 'string' ? new TextEncoder().encode(data) : data
    await this.transport.raw('PUT', this.#file(path), {
      body: body as RequestInit['body'],
      headers: { 'content-type': 'application/octet-stream' },
    })
  }

  async putStream(path: string, data: Readable): Promise<void> {
    await this.transport.raw('PUT', this.#file(path), {
      body: data,
      headers: { 'content-type': 'application/octet-stream' },
    })
  }

  async putFile(path: string, localPath: string): Promise<void> {
    const st = await stat(localPath)
    await this.transport.raw('PUT', this.#file(path), {
      body: createReadStream(localPath),
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(st.size) },
    })
  }

  async putDir(prefix: string, localDir: string): Promise<number> {
    const entries = await readdir(localDir, { recursive: true, withFileTypes: true })
    const files = entries
      .filter((e) => e.isFile())
      .map((e) => relative(localDir, join(e.parentPath, e.name)).split(sep).join('/'))
      .sort()
    for (const f of files) await this.putFile(joinArtifactPath(prefix, f), join(localDir, ...f.split('/')))
    return files.length
  }

  async get(path: string): Promise<Buffer> {
    const res = await this.transport.raw('GET', this.#file(path))
    return Buffer.from(await res.arrayBuffer())
  }

  async getStream(path: string): Promise<Readable> {
    const res = await this.transport.raw('GET', this.#file(path))
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream)
  }

  async getToFile(path: string, localPath: string): Promise<void> {
    await writeFileAtomic(localPath, await this.getStream(path))
  }

  async getDir(prefix: string, localDir: string): Promise<number> {
    const base = normalizeArtifactPath(prefix, true)
    const entries = await this.list(base, { recursive: true })
    for (const e of entries) {
      const rel = base === '' ? e.path : e.path.slice(base.length + 1)
      await this.getToFile(e.path, join(localDir, ...rel.split('/')))
    }
    return entries.length
  }

  async stat(path: string): Promise<{ size: number; modifiedTime: number } | undefined> {
    const res = await this.transport.raw('GET', `${this.basePath}/stat`, {
      query: { path: normalizeArtifactPath(path) },
      allow404: true,
    })
    if (res.status === 404) {
      await res.body?.cancel()
      return undefined
    }
    return (await res.json()) as { size: number; modifiedTime: number }
  }

  async exists(path: string): Promise<boolean> {
    return (await this.stat(path)) !== undefined
  }

  async list(prefix = '', options: ListOptions = {}): Promise<ArtifactEntry[]> {
    const res = await this.transport.json<{ files: ArtifactEntry[] }>('GET', this.basePath, {
      query: { path: normalizeArtifactPath(prefix, true), recursive: options.recursive ? 'true' : undefined },
    })
    return res.files
  }

  async delete(path: string): Promise<void> {
    await this.transport.raw('DELETE', this.basePath, { query: { path: normalizeArtifactPath(path, true) } })
  }

  async close(): Promise<void> {}
}
