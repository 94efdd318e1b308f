import { CairnError, parseStoreUri } from '../../core/index.js'
import type { CairnMigration } from '../migrations/index.js'
import type { MetadataStore } from './metadata-store.js'
import { openPostgresStore } from './postgres/open-postgres.js'
import { openSqliteStore } from './sqlite/open-sqlite.js'

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
