import type { Readable } from 'node:stream'
import type { ArtifactEntry, ArtifactStore, ListOptions } from '../store/index.js'
import { joinArtifactPath, normalizeArtifactPath } from '../store/index.js'

/**
 * A view of another ArtifactStore rooted at `prefix`: paths are relative to the prefix and are
 * normalised first, so `..` or an absolute path can never reach outside it
 * (CAIRN_INVALID_ARTIFACT_PATH). Closing the view leaves the underlying store open.
 */
export class PrefixedArtifactStore implements ArtifactStore {
  readonly uri: string
  readonly prefix: string

  constructor(
    readonly inner: ArtifactStore,
    prefix: string,
  ) {
    this.prefix = normalizeArtifactPath(prefix, true)
    this.uri = inner.uriFor(this.prefix)
  }

  #full(path: string, allowRoot = false): string {
    return joinArtifactPath(this.prefix, normalizeArtifactPath(path, allowRoot))
  }

  #rel(path: string): string {
    return this.prefix === '' ? path : path.slice(this.prefix.length + 1)
  }

  uriFor(path: string): string {
    return this.inner.uriFor(this.#full(path, true))
  }

  put(path: string, data: Uint8Array | string): Promise<void> {
    return this.inner.put(this.#full(path), data)
  }

  putStream(path: string, data: Readable, size?: number): Promise<void> {
    return this.inner.putStream(this.#full(path), data, size)
  }

  putFile(path: string, localPath: string): Promise<void> {
    return this.inner.putFile(this.#full(path), localPath)
  }

  putDir(prefix: string, localDir: string): Promise<number> {
    return this.inner.putDir(this.#full(prefix, true), localDir)
  }

  get(path: string): Promise<Buffer> {
    return this.inner.get(this.#full(path))
  }

  getStream(path: string): Promise<Readable> {
    return this.inner.getStream(this.#full(path))
  }

  getToFile(path: string, localPath: string): Promise<void> {
    return this.inner.getToFile(this.#full(path), localPath)
  }

  getDir(prefix: string, localDir: string): Promise<number> {
    return this.inner.getDir(this.#full(prefix, true), localDir)
  }

  stat(path: string): Promise<{ size: number; modifiedTime: number } | undefined> {
    return this.inner.stat(this.#full(path))
  }

  exists(path: string): Promise<boolean> {
    return this.inner.exists(this.#full(path))
  }

  async list(prefix = '', options?: ListOptions): Promise<ArtifactEntry[]> {
    const entries = await this.inner.list(this.#full(prefix, true), options)
    return entries.map((e) => ({ ...e, path: this.#rel(e.path) }))
  }

  delete(path: string): Promise<void> {
    return this.inner.delete(this.#full(path, true))
  }

  async close(): Promise<void> {}
}
