import { createHash } from 'node:crypto'
import { type BigIntStats, createReadStream, readFileSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { hashObject } from '../../core/index.js'
import type { HashCache } from './hash-cache.js'

/** One file of a hashed folder. */
export interface DirFile {
  /** `/`-separated, relative to the folder. */
  path: string
  hash: string
  size: number
  /** Executable bit set. */
  exec?: boolean
}

const SMALL_FILE = 1n << 20n

/** The content identity of a file or folder. */
export interface PathHash {
  hash: string
  /** Bytes (the sum of the files for a folder). */
  size: number
  isDir: boolean
  /** For folders: number of files and the files themselves (sorted by path). */
  nfiles?: number
  files?: DirFile[]
  exec?: boolean
}

/**
 * Hash a file or folder, reusing `cache` for files whose identity, size and mtime are unchanged.
 * A folder's hash covers its files' relative paths and hashes. Returns `undefined` when the path
 * does not exist.
 */
export async function hashPath(abs: string, cache: HashCache): Promise<PathHash | undefined> {
  const st = await stat(abs, { bigint: true }).catch(() => undefined)
  if (!st) return undefined
  if (st.isDirectory()) return hashDir(abs, cache)
  const hash = cache.lookup(st) ?? (await hashFileContent(abs, st, cache))
  const exec = (Number(st.mode) & 0o111) !== 0
  return { hash, size: Number(st.size), isDir: false, ...(exec ? { exec } : {}) }
}

async function hashFileContent(abs: string, st: BigIntStats, cache: HashCache): Promise<string> {
  let hash: string
  if (st.size < SMALL_FILE) {
    // one synchronous read beats a stream's thread-pool round trips for small files
    hash = createHash('sha256').update(readFileSync(abs)).digest('hex')
  } else {
    const h = createHash('sha256')
    for await (const chunk of createReadStream(abs, { highWaterMark: 1 << 21 })) h.update(chunk as Buffer)
    hash = h.digest('hex')
  }
  // only trust the hash if the file did not change while it was read
  const after = await stat(abs, { bigint: true }).catch(() => undefined)
  if (after && after.mtimeNs === st.mtimeNs && after.size === st.size && after.ino === st.ino)
    cache.record(after, hash)
  return hash
}

async function hashDir(abs: string, cache: HashCache): Promise<PathHash> {
  const names = await listFiles(abs)
  const files: DirFile[] = new Array(names.length)
  let next = 0
  const worker = async () => {
    for (;;) {
      const i = next++
      if (i >= names.length) return
      const rel = names[i] as string
      const h = await hashPath(join(abs, ...rel.split('/')), cache)
      if (!h || h.isDir) {
        files[i] = { path: rel, hash: '', size: -1 }
        continue
      }
      files[i] = { path: rel, hash: h.hash, size: h.size, ...(h.exec ? { exec: true } : {}) }
    }
  }
  await Promise.all(Array.from({ length: Math.min(16, names.length) }, worker))
  const present = files.filter((f) => f.size >= 0)
  const size = present.reduce((a, f) => a + f.size, 0)
  return {
    hash: dirHash(present),
    size,
    isDir: true,
    nfiles: present.length,
    files: present,
  }
}

/** The hash of a folder listing (paths, hashes; sizes and modes do not change it). */
export function dirHash(files: readonly DirFile[]): string {
  return hashObject(files.map((f) => [f.path, f.hash]))
}

/** Every file under `dir` (following symlinks), relative, `/`-separated, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string) => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => [])
    for (const e of entries) {
      const full = join(d, e.name)
      if (e.isDirectory()) await walk(full)
      else if (e.isFile()) out.push(relative(dir, full).split(sep).join('/'))
      else if (e.isSymbolicLink()) {
        const st = await stat(full).catch(() => undefined)
        if (st?.isDirectory()) await walk(full)
        else if (st?.isFile()) out.push(relative(dir, full).split(sep).join('/'))
      }
    }
  }
  await walk(dir)
  return out.sort()
}
