import { type CairnMigration, col } from './migration.js'

/** Named counters for ids that must be small integers (experiment ids, model versions). */
export const storeBase: CairnMigration = {
  name: '0000-store-sequences',
  async up(db) {
    await db.schema
      .createTable('sequences')
      .addColumn('name', col.text, (c) => c.primaryKey())
      .addColumn('value', col.bigint, (c) => c.notNull())
      .execute()
  },
}
