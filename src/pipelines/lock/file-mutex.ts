import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import type SQLiteType from 'better-sqlite3'
import { CairnError } from '../../core/index.js'

/** A held cross-process lock. */
export interface HeldMutex {
  readonly file: string
  release(): void
}

/** Who holds a lock, as its holder wrote it (best effort). */
export interface MutexOwner {
  pid: number
  host: string
  since: number
  purpose?: string
}

export interface AcquireOptions {
  /** Give up with CAIRN_LOCK_TIMEOUT after this long (default: wait forever). */
  timeoutMs?: number
  signal?: AbortSignal
  /** Called once when the lock is busy and the caller starts waiting. */
  onWait?: (owner: MutexOwner | undefined) => void
  /** Written beside the lock so waiters can say what they wait for. */
  purpose?: string
}

// loaded on first use: a run with nothing to do takes no lock
let SQLite: typeof SQLiteType | undefined
const madeDirs = new Set<string>()

/**
 * A cross-process mutex on a file, held as an exclusive SQLite transaction: the operating
 * system releases it when the holder exits or is killed, so there are no stale locks to
 * detect. Waiters poll without blocking the event loop.
 */
export function tryAcquireMutex(file: string, purpose?: string): HeldMutex | undefined {
  // (`purpose`, when given, is written beside the lock for waiters to report)
  const dir = dirname(file)
  if (!madeDirs.has(dir)) {
    mkdirSync(dir, { recursive: true })
    madeDirs.add(dir)
  }
  SQLite ??= createRequire(import.meta.url)('better-sqlite3') as typeof SQLiteType
  const db = new SQLite(file, { timeout: 0 })
  try {
    db.exec('BEGIN EXCLUSIVE')
  } catch (err) {
    db.close()
    if (
      (err as { code?: string }).code === 'SQLITE_BUSY' ||
      (err as { code?: string }).code === 'SQLITE_LOCKED'
    )
      return undefined
    throw err
  }
  const ownerFile = `${file}.owner`
  if (purpose !== undefined) {
    try {
      writeFileSync(
        ownerFile,
        JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now(), purpose }),
      )
    } catch {
      // the owner note is informational
    }
  }
  let released = false
  return {
    file,
    release() {
      if (released) return
      released = true
      try {
        if (purpose !== undefined) rmSync(ownerFile, { force: true })
        db.exec('ROLLBACK')
      } finally {
        db.close()
      }
    },
  }
}

/** Wait for and take the mutex on `file`. */
export async function acquireMutex(file: string, options: AcquireOptions = {}): Promise<HeldMutex> {
  const started = Date.now()
  let delay = 2
  let told = false
  for (;;) {
    const held = tryAcquireMutex(file, options.purpose)
    if (held) return held
    if (!told) {
      told = true
      options.onWait?.(readOwner(file))
    }
    if (options.signal?.aborted)
      throw new CairnError('CAIRN_CANCELLED', `Cancelled while waiting for lock ${file}`)
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) {
      const owner = readOwner(file)
      throw new CairnError(
        'CAIRN_LOCK_TIMEOUT',
        `Timed out after ${options.timeoutMs} ms waiting for lock ${file}`,
        {
          details: { file, owner },
          hint: owner
            ? `It is held by process ${owner.pid} on ${owner.host}${owner.purpose ? ` (${owner.purpose})` : ''}`
            : undefined,
        },
      )
    }
    await new Promise((r) => setTimeout(r, delay))
    delay = Math.min(delay * 2, 50)
  }
}

/** The holder's note, when one was written. */
export function readOwner(file: string): MutexOwner | undefined {
  try {
    return JSON.parse(readFileSync(`${file}.owner`, 'utf8')) as MutexOwner
  } catch {
    return undefined
  }
}
