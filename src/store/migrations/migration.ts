import type { Kysely } from 'kysely'

/** The SQL dialects the metadata store runs on. */
export type SqlDialect = 'sqlite' | 'postgres'

/**
 * One schema change. Names sort in the order they run: each layer owns a band
 * (0000 store, 0100 tracking, 0200 registry, 0300 data, 0400 pipelines, 0500 serving,
 * 0600 monitoring) and numbers its migrations inside it. Migrations never change once landed.
 */
export interface CairnMigration {
  name: string
  // biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
  up(db: Kysely<any>, dialect: SqlDialect): Promise<void>
}

/** Column types that mean the same on SQLite and PostgreSQL. */
export const col = {
  text: 'text',
  int: 'integer',
  bigint: 'bigint',
  double: 'double precision',
} as const
