import type { Kysely, Transaction } from 'kysely'
import type { SqlDialect } from '../migrations/index.js'
import type { Database } from '../schema/index.js'

/** A handle on the database, or on an open transaction. */
export type Db = Kysely<Database> | Transaction<Database>

/**
 * The metadata store: one SQL database (SQLite embedded, or PostgreSQL) holding every layer's
 * tables, migrated on open. Layers write SQL through `db` (Kysely) so one query runs on both.
 */
export interface MetadataStore {
  readonly dialect: SqlDialect
  /** The URI it was opened with (credentials removed). */
  readonly uri: string
  readonly db: Kysely<Database>
  /**
   * Run `fn` in one transaction that is committed when it resolves and rolled back when it
   * throws. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so concurrent writer
   * processes queue instead of failing; transient lock/serialisation errors are retried.
   */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>
  /** Increment and return a named counter (starts at 1), inside `db` when given. */
  nextSequenceValue(name: string, db?: Db): Promise<number>
  /** Names of the migrations applied, in order. */
  appliedMigrations(): Promise<string[]>
  close(): Promise<void>
}
