import type { Readable } from 'node:stream'

/** One entry of an artifact listing. */
export interface ArtifactEntry {
  /** Path relative to the store root, `/`-separated. */
  path: string
  isDir: boolean
  /** Bytes, for files. */
  size?: number
}

export interface ListOptions {
  /** List every file under the prefix instead of one level (default false). */
  recursive?: boolean
}

/**
 * Where artifacts live: model bundles, dataset Parquet files, cached pipeline outputs, reports.
 * Paths are relative, `/`-separated, and may not escape the root. Every write is atomic: readers
 * see the whole new object or nothing.
 */
export interface ArtifactStore {
  /** The store's root URI (`file:///…` or `s3://bucket/prefix`). */
  readonly uri: string
  /** The URI of one artifact. */
  uriFor(path: string): string
  put(path: string, data: Uint8Array | string): Promise<void>
  /** Stream an object in (multipart on S3); `size` helps S3 pick one put over multipart. */
  putStream(path: string, data: Readable, size?: number): Promise<void>
  putFile(path: string, localPath: string): Promise<void>
  /** Upload a local folder under `prefix`; returns the number of files. */
  putDir(prefix: string, localDir: string): Promise<number>
  /** The whole object; CAIRN_ARTIFACT_NOT_FOUND when missing. */
  get(path: string): Promise<Buffer>
  getStream(path: string): Promise<Readable>
  /** Download to a local file atomically. */
  getToFile(path: string, localPath: string): Promise<void>
  /** Download everything under `prefix` into a local folder; returns the number of files. */
  getDir(prefix: string, localDir: string): Promise<number>
  /** Size and modification time, or `undefined` when missing. */
  stat(path: string): Promise<{ size: number; modifiedTime: number } | undefined>
  exists(path: string): Promise<boolean>
  list(prefix?: string, options?: ListOptions): Promise<ArtifactEntry[]>
  /** Delete one object or everything under a prefix; deleting nothing is not an error. */
  delete(path: string): Promise<void>
  close(): Promise<void>
}
