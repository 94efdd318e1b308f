import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely } from 'kysely'
import { CairnError } from '../../../core/index.js'
import type { CairnMigration } from '../../migrations/index.js'
import type { Database } from '../../schema/index.js'
import { KyselyMetadataStore } from '../kysely-store.js'
import { ImmediateSqliteDialect } from './sqlite-dialect.js'

export interface SqliteOptions {
  /** Milliseconds a writer waits for another process's lock before failing (default 30 s). */
  busyTimeoutMs?: number
  migrations?: CairnMigration[]
}

interface Shared {
  db: Kysely<Database>
  refs: number
  ready: Promise<void>
}

/**
 * better-sqlite3 is synchronous: two connections to one file in one process would deadlock (one
 * blocks the event loop waiting for a lock the other can only release on a later tick). So every
 * store opened on the same file in a process shares one connection, and Kysely's driver mutex
 * serialises their transactions. Other processes wait on SQLite's busy timeout.
 */
const shared = new Map<string, Shared>()

/** Open (creating if needed) a SQLite metadata store at `path` (or `:memory:`), in WAL mode, migrated. */
export async function openSqliteStore(
  path: string,
  options: SqliteOptions = {},
): Promise<KyselyMetadataStore> {
  const key = path === ':memory:' ? undefined : path
  let entry = key ? shared.get(key) : undefined
  if (!entry) {
    const db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({ database: openDatabase(path, options) }),
    })
    const created: Shared = { db, refs: 0, ready: Promise.resolve() }
    created.ready = new KyselyMetadataStore('sqlite', `sqlite:///${path}`, db).migrate(options.migrations)
    entry = created
    if (key) shared.set(key, entry)
  }
  const current = entry
  current.refs++
  let closed = false
  const release = async () => {
    if (closed) return
    closed = true
    current.refs--
    if (current.refs === 0) {
      if (key && shared.get(key) === current) shared.delete(key)
      await current.db.destroy()
    }
  }
  try {
    await current.ready
  } catch (err) {
    await release()
    throw err
  }
  return new KyselyMetadataStore('sqlite', `sqlite:///${path}`, current.db, release)
}

function openDatabase(path: string, options: SqliteOptions): SQLite.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    const database = new SQLite(path, { timeout: options.busyTimeoutMs ?? 30_000 })
    if (path !== ':memory:') database.pragma('journal_mode = WAL')
    database.pragma('synchronous = NORMAL')
    database.pragma('foreign_keys = ON')
    return database
  } catch (err) {
    throw new CairnError(
      'CAIRN_STORE_UNAVAILABLE',
      `Cannot open SQLite database ${path}: ${(err as Error).message}`,
      {
        cause: err,
        hint: 'Check that the folder exists and is writable, or pass another --backend-store-uri',
      },
    )
  }
}
