import { type CairnMigration, col } from './migration.js'

export const dataBase: CairnMigration = {
  name: '0300-data-base',
  async up(db) {
    await db.schema
      .createTable('data_datasets')
      .addColumn('name', col.text, (c) => c.primaryKey())
      .addColumn('description', col.text)
      .addColumn('creation_time', col.bigint, (c) => c.notNull())
      .addColumn('last_updated_time', col.bigint, (c) => c.notNull())
      .addColumn('latest_version', col.text)
      .addColumn('partition_key', col.text, (c) => c.notNull().defaultTo(''))
      .execute()
    await db.schema
      .createTable('data_dataset_versions')
      .addColumn('name', col.text, (c) => c.notNull())
      .addColumn('version', col.text, (c) => c.notNull())
      .addColumn('seq', col.int, (c) => c.notNull())
      .addColumn('creation_time', col.bigint, (c) => c.notNull())
      .addColumn('content_hash', col.text, (c) => c.notNull())
      .addColumn('row_count', col.bigint, (c) => c.notNull())
      .addColumn('column_count', col.int, (c) => c.notNull())
      .addColumn('size_bytes', col.bigint, (c) => c.notNull())
      .addColumn('schema', col.text, (c) => c.notNull())
      .addColumn('profile', col.text)
      .addColumn('partitions', col.text, (c) => c.notNull())
      .addColumn('parents', col.text, (c) => c.notNull())
      .addColumn('transform', col.text)
      .addColumn('source', col.text)
      .addColumn('validation', col.text)
      .addColumn('manifest_path', col.text, (c) => c.notNull())
      .addColumn('description', col.text)
      .addColumn('tags', col.text)
      .addColumn('created_by', col.text)
      .addPrimaryKeyConstraint('data_dataset_versions_pk', ['name', 'version'])
      .addUniqueConstraint('data_dataset_versions_seq_uq', ['name', 'seq'])
      .execute()
    await db.schema
      .createIndex('data_dataset_versions_time_idx')
      .on('data_dataset_versions')
      .columns(['name', 'creation_time'])
      .execute()
  },
}
