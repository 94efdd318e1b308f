import { CairnError, parseStoreUri } from '../../core/index.js'
import type { CairnMigration } from '../migrations/index.js'
import type { KyselyMetadataStore } from './kysely-store.js'
import type { MetadataStore } from './metadata-store.js'
import type { PostgresOptions } from './postgres/open-postgres.js'
import type { SqliteOptions } from './sqlite/open-sqlite.js'

// The backends (Kysely, better-sqlite3, pg) load when a store is opened, not when the layers
// above import this one: a command or stage that never opens the store does not pay for them.

/** Open (and migrate) a SQLite metadata store at `path`. */
export async function openSqliteStore(
  path: string,
  options: SqliteOptions = {},
): Promise<KyselyMetadataStore> {
  return (await import('./sqlite/open-sqlite.js')).openSqliteStore(path, options)
}

/** Open (and migrate) a PostgreSQL metadata store (`postgresql://user:pass@host:port/db`). */
export async function openPostgresStore(
  url: string,
  options: PostgresOptions = {},
): Promise<KyselyMetadataStore> {
  return (await import('./postgres/open-postgres.js')).openPostgresStore(url, options)
}

export interface OpenMetadataStoreOptions {
  /** Resolve relative SQLite paths against this folder (default: the working folder). */
  base?: string
  /** Extra migrations (tests, plugins). */
  migrations?: CairnMigration[]
}

/** Open the metadata store a URI names: `sqlite:///…` or `postgresql://…`. */
export async function openMetadataStore(
  uri: string,
  options: OpenMetadataStoreOptions = {},
): Promise<MetadataStore> {
  const loc = parseStoreUri(uri, options.base)
  const extra = options.migrations ? { migrations: options.migrations } : {}
  if (loc.scheme === 'sqlite') return openSqliteStore(loc.path, extra)
  if (loc.scheme === 'postgresql') return openPostgresStore(loc.url, extra)
  throw new CairnError('CAIRN_UNSUPPORTED_URI', `"${uri}" is not a metadata store URI`, {
    hint: 'Use sqlite:///path/to/cairn.db or postgresql://user@host:5432/db',
  })
}
