import { Kysely, PostgresDialect } from 'kysely'
import type PgModule from 'pg'
import { CairnError } from '../../../core/index.js'
import type { CairnMigration } from '../../migrations/index.js'
import type { Database } from '../../schema/index.js'
import { KyselyMetadataStore } from '../kysely-store.js'
import { isConnectionError } from '../sql-errors.js'

const INT8_OID = 20

/** Parse int8 as a JS number: Cairn's bigints are millisecond times and counters, far below 2^53. */
const typesOf = (pg: typeof PgModule) => ({
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (v: string) => Number(v)
    return pg.types.getTypeParser(oid, format as 'text')
  },
})

export interface PostgresOptions {
  /** Pool size (default 10). */
  maxConnections?: number
  migrations?: CairnMigration[]
}

/** Open a PostgreSQL metadata store (`postgresql://user:pass@host:port/db`), migrated. */
export async function openPostgresStore(
  url: string,
  options: PostgresOptions = {},
): Promise<KyselyMetadataStore> {
  const { default: pg } = await import('pg') // loaded only by projects on PostgreSQL
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, types: typesOf(pg) })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  const store = new KyselyMetadataStore('postgres', redact(url), db)
  try {
    await store.migrate(options.migrations)
  } catch (err) {
    await db.destroy()
    const cause = (err as { cause?: unknown }).cause ?? err
    if (isConnectionError(cause)) {
      throw new CairnError(
        'CAIRN_STORE_UNAVAILABLE',
        `Cannot reach PostgreSQL at ${redact(url)}: ${(cause as Error).message}`,
        {
          cause,
          hint: 'Check that the server runs and the database exists, or pass another --backend-store-uri',
        },
      )
    }
    throw err
  }
  return store
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}
