import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { chmod, mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CairnError, stableStringify, tempPathFor } from '../../core/index.js'
import type { ArtifactStore } from '../../store/index.js'
import type { HashCache } from '../hashing/hash-cache.js'
import type { DirFile, PathHash } from '../hashing/hash-path.js'

/** An output as the cache knows it. */
export interface CachedOutput {
  path: string
  hash: string
  size: number
  isDir: boolean
  nfiles?: number
  exec?: boolean
}

/** What the run cache holds for a stage key: the outputs a run with that key produced. */
export interface RunCacheEntry {
  version: 1
  key: string
  /** The stage that produced it (informational: any stage with the same key may reuse it). */
  stage: string
  outs: CachedOutput[]
  createdAt: number
}

/**
 * The content-addressed cache in an artifact store: file contents by hash under `objects/`,
 * folder listings under `dirs/`, and the run cache (stage key → outputs) under `runs/`. Runs on
 * any artifact store, so machines sharing an S3 bucket share results.
 */
export class StageCache {
  constructor(
    readonly store: ArtifactStore,
    readonly prefix = 'pipelines/cache',
  ) {}

  objectPath(hash: string): string {
    return `${this.prefix}/objects/${hash.slice(0, 2)}/${hash.slice(2)}`
  }

  dirPath(hash: string): string {
    return `${this.prefix}/dirs/${hash.slice(0, 2)}/${hash.slice(2)}.json`
  }

  runPath(key: string): string {
    return `${this.prefix}/runs/${key.slice(0, 2)}/${key.slice(2)}.json`
  }

  /** Store one output (file or folder at `abs`, already hashed), skipping objects already present. */
  async saveOutput(abs: string, h: PathHash): Promise<void> {
    if (!h.isDir) {
      await this.#saveObject(h.hash, abs)
      return
    }
    const files = h.files ?? []
    let next = 0
    const worker = async () => {
      for (;;) {
        const f = files[next++]
        if (!f) return
        await this.#saveObject(f.hash, join(abs, ...f.path.split('/')))
      }
    }
    await Promise.all(Array.from({ length: Math.min(8, files.length) }, worker))
    const manifest = this.dirPath(h.hash)
    if (!(await this.store.exists(manifest))) await this.store.put(manifest, stableStringify(files))
  }

  async #saveObject(hash: string, abs: string): Promise<void> {
    const path = this.objectPath(hash)
    if (await this.store.exists(path)) return
    await this.store.putFile(path, abs)
  }

  /** True when every object an output needs is in the cache. */
  async hasOutput(out: CachedOutput): Promise<boolean> {
    if (!out.isDir) return this.store.exists(this.objectPath(out.hash))
    const files = await this.readDir(out.hash)
    if (!files) return false
    for (const f of files) if (!(await this.store.exists(this.objectPath(f.hash)))) return false
    return true
  }

  /** A folder's listing, or `undefined` when it is not cached. */
  async readDir(hash: string): Promise<DirFile[] | undefined> {
    try {
      return JSON.parse((await this.store.get(this.dirPath(hash))).toString('utf8')) as DirFile[]
    } catch (err) {
      if ((err as { code?: string }).code === 'CAIRN_ARTIFACT_NOT_FOUND') return undefined
      throw err
    }
  }

  /** The run cache entry for a stage key, or `undefined`. */
  async getRun(key: string): Promise<RunCacheEntry | undefined> {
    try {
      const entry = JSON.parse((await this.store.get(this.runPath(key))).toString('utf8')) as RunCacheEntry
      return entry.version === 1 && entry.key === key ? entry : undefined
    } catch (err) {
      if ((err as { code?: string }).code === 'CAIRN_ARTIFACT_NOT_FOUND') return undefined
      throw err
    }
  }

  /** Record a run: written after its objects, so an entry always points at complete outputs. */
  async putRun(entry: RunCacheEntry): Promise<void> {
    await this.store.put(this.runPath(entry.key), stableStringify(entry, 2))
  }

  /**
   * Write a cached output to `target` (a file or folder that must not exist yet), verifying every
   * byte against its hash and remembering the hashes of the written files in `hashCache`.
   */
  async restoreOutput(out: CachedOutput, target: string, hashCache: HashCache): Promise<void> {
    if (!out.isDir) {
      await this.#restoreObject(out.hash, target, out.exec === true, hashCache)
      return
    }
    const files = await this.readDir(out.hash)
    if (!files) {
      throw new CairnError(
        'CAIRN_ARTIFACT_NOT_FOUND',
        `The cache has no listing for folder ${out.path} (${out.hash.slice(0, 12)})`,
      )
    }
    await mkdir(target, { recursive: true })
    let next = 0
    const worker = async () => {
      for (;;) {
        const f = files[next++]
        if (!f) return
        await this.#restoreObject(f.hash, join(target, ...f.path.split('/')), f.exec === true, hashCache)
      }
    }
    await Promise.all(Array.from({ length: Math.min(8, files.length) }, worker))
  }

  async #restoreObject(hash: string, target: string, exec: boolean, hashCache: HashCache): Promise<void> {
    await mkdir(dirname(target), { recursive: true })
    const tmp = tempPathFor(target)
    const h = createHash('sha256')
    try {
      const source = await this.store.getStream(this.objectPath(hash))
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          h.update(chunk)
          cb(null, chunk)
        },
      })
      await pipeline(source, tap, createWriteStream(tmp, { mode: exec ? 0o755 : 0o644 }))
      const got = h.digest('hex')
      if (got !== hash) {
        throw new CairnError(
          'CAIRN_ARTIFACT_NOT_FOUND',
          `Cached object ${hash.slice(0, 12)} is corrupt (its content hashes to ${got.slice(0, 12)})`,
          {
            hint: 'Delete it from the artifact store; the stage will then run again',
          },
        )
      }
      if (exec) await chmod(tmp, 0o755)
      await rename(tmp, target)
      const st = await stat(target, { bigint: true })
      hashCache.record(st, hash)
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
  }
}
