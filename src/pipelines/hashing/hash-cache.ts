import type { BigIntStats } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { writeFileAtomic } from '../../core/index.js'

type Entry = [size: string, mtimeNs: string, hash: string]

const VERSION = 1

/**
 * Remembers content hashes by file identity (device + inode) with the size and nanosecond
 * mtime they were computed for. A file whose identity, size and mtime are unchanged is not read
 * again, so an unchanged 10 GB dependency costs one stat. Kept in one JSON file per machine;
 * concurrent writers merge, and a lost entry only means one re-hash.
 */
export class HashCache {
  readonly #entries: Map<string, Entry>
  readonly #added = new Map<string, Entry>()

  private constructor(
    readonly file: string | undefined,
    entries: Map<string, Entry>,
  ) {
    this.#entries = entries
  }

  /** Load the cache from `file` (missing or unreadable files start empty); no file = in memory. */
  static async open(file?: string): Promise<HashCache> {
    return new HashCache(file, file ? await readEntries(file) : new Map())
  }

  /** The stored hash for a file whose stat still matches, or `undefined`. */
  lookup(st: BigIntStats): string | undefined {
    const e = this.#entries.get(identity(st))
    if (!e) return undefined
    return e[0] === String(st.size) && e[1] === String(st.mtimeNs) ? e[2] : undefined
  }

  /** Remember a hash computed for the file `st` describes. */
  record(st: BigIntStats, hash: string): void {
    const e: Entry = [String(st.size), String(st.mtimeNs), hash]
    const id = identity(st)
    this.#entries.set(id, e)
    this.#added.set(id, e)
  }

  /** Entries added since open. */
  get pending(): number {
    return this.#added.size
  }

  /** Write new entries, merged with what other processes wrote meanwhile. */
  async save(): Promise<void> {
    if (!this.file || this.#added.size === 0) return
    const onDisk = await readEntries(this.file)
    for (const [k, v] of this.#added) onDisk.set(k, v)
    const obj: Record<string, Entry> = {}
    for (const [k, v] of onDisk) obj[k] = v
    await writeFileAtomic(this.file, JSON.stringify({ version: VERSION, entries: obj }))
    this.#added.clear()
  }
}

function identity(st: BigIntStats): string {
  return `${st.dev}:${st.ino}`
}

async function readEntries(file: string): Promise<Map<string, Entry>> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as {
      version?: number
      entries?: Record<string, Entry>
    }
    if (parsed.version !== VERSION || !parsed.entries) return new Map()
    return new Map(Object.entries(parsed.entries))
  } catch {
    return new Map()
  }
}
