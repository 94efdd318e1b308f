import { type Kysely, type Migration, Migrator, sql, type Transaction } from 'kysely'
import { CairnError } from '../../core/index.js'
import { migrations as allMigrations, type CairnMigration, type SqlDialect } from '../migrations/index.js'
import type { Database } from '../schema/index.js'
import type { Db, MetadataStore } from './metadata-store.js'
import { isConnectionError, isRetryableSqlError } from './sql-errors.js'

const MAX_TX_ATTEMPTS = 8

/** The MetadataStore shared by both dialects; only connection set-up differs. */
export class KyselyMetadataStore implements MetadataStore {
  readonly #onClose: () => Promise<void>

  constructor(
    readonly dialect: SqlDialect,
    readonly uri: string,
    readonly db: Kysely<Database>,
    onClose?: () => Promise<void>,
  ) {
    this.#onClose = onClose ?? (() => db.destroy())
  }

  async transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().execute(fn)
      } catch (err) {
        if (attempt >= MAX_TX_ATTEMPTS || !isRetryableSqlError(err)) throw err
        await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** attempt, 500) * (0.5 + Math.random())))
      }
    }
  }

  async nextSequenceValue(name: string, db: Db = this.db): Promise<number> {
    const row = await db
      .insertInto('sequences')
      .values({ name, value: 1 })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`sequences.value + 1` }))
      .returning('value')
      .executeTakeFirstOrThrow()
    return Number(row.value)
  }

  async appliedMigrations(): Promise<string[]> {
    const rows = await sql<{ name: string }>`select name from cairn_migrations order by name`.execute(this.db)
    return rows.rows.map((r) => r.name)
  }

  async close(): Promise<void> {
    await this.#onClose()
  }

  /** Apply pending migrations; concurrent openers serialise on the migration lock. */
  async migrate(extra: CairnMigration[] = []): Promise<void> {
    const list = [...allMigrations, ...extra]
    const dialect = this.dialect
    const migrator = new Migrator({
      db: this.db,
      migrationTableName: 'cairn_migrations',
      migrationLockTableName: 'cairn_migrations_lock',
      allowUnorderedMigrations: true,
      provider: {
        async getMigrations() {
          const out: Record<string, Migration> = {}
          for (const m of list) out[m.name] = { up: (db) => m.up(db, dialect) }
          return out
        },
      },
    })
    let lastErr: unknown
    for (let attempt = 1; attempt <= MAX_TX_ATTEMPTS; attempt++) {
      const { error, results } = await migrator.migrateToLatest()
      if (!error) return
      lastErr = error
      if (!isRetryableSqlError(error)) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName
        throw new CairnError(
          isConnectionError(error) ? 'CAIRN_STORE_UNAVAILABLE' : 'CAIRN_STORE_MIGRATION_FAILED',
          `Migrating the metadata store at ${this.uri} failed${failed ? ` in ${failed}` : ''}: ${(error as Error).message}`,
          { cause: error },
        )
      }
      await new Promise((r) => setTimeout(r, 20 * attempt))
    }
    throw new CairnError('CAIRN_STORE_MIGRATION_FAILED', `Migrating ${this.uri} kept failing`, {
      cause: lastErr,
    })
  }
}
