import { type CairnMigration, col } from './migration.js'

export const registryBase: CairnMigration = {
  name: '0200-registry-base',
  async up(db) {
    await db.schema
      .createTable('registered_models')
      .addColumn('name', col.text, (c) => c.primaryKey())
      .addColumn('creation_time', col.bigint, (c) => c.notNull())
      .addColumn('last_updated_time', col.bigint, (c) => c.notNull())
      .addColumn('description', col.text)
      .execute()
    await db.schema
      .createTable('registered_model_tags')
      .addColumn('name', col.text, (c) => c.notNull())
      .addColumn('key', col.text, (c) => c.notNull())
      .addColumn('value', col.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('registered_model_tags_pk', ['name', 'key'])
      .execute()
    await db.schema
      .createTable('model_versions')
      .addColumn('name', col.text, (c) => c.notNull())
      .addColumn('version', col.int, (c) => c.notNull())
      .addColumn('creation_time', col.bigint, (c) => c.notNull())
      .addColumn('last_updated_time', col.bigint, (c) => c.notNull())
      .addColumn('description', col.text)
      .addColumn('user_id', col.text)
      .addColumn('current_stage', col.text, (c) => c.notNull())
      .addColumn('source', col.text, (c) => c.notNull())
      .addColumn('run_id', col.text)
      .addColumn('run_link', col.text)
      .addColumn('status', col.text, (c) => c.notNull())
      .addColumn('status_message', col.text)
      .addColumn('storage_location', col.text)
      .addColumn('deleted', col.int, (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('model_versions_pk', ['name', 'version'])
      .execute()
    await db.schema
      .createTable('model_version_tags')
      .addColumn('name', col.text, (c) => c.notNull())
      .addColumn('version', col.int, (c) => c.notNull())
      .addColumn('key', col.text, (c) => c.notNull())
      .addColumn('value', col.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('model_version_tags_pk', ['name', 'version', 'key'])
      .execute()
    await db.schema
      .createTable('registered_model_aliases')
      .addColumn('name', col.text, (c) => c.notNull())
      .addColumn('alias', col.text, (c) => c.notNull())
      .addColumn('version', col.int, (c) => c.notNull())
      .addPrimaryKeyConstraint('registered_model_aliases_pk', ['name', 'alias'])
      .execute()
    await db.schema
      .createTable('model_events')
      .addColumn('event_id', col.text, (c) => c.primaryKey())
      .addColumn('name', col.text, (c) => c.notNull())
      .addColumn('version', col.int)
      .addColumn('kind', col.text, (c) => c.notNull())
      .addColumn('from_value', col.text)
      .addColumn('to_value', col.text)
      .addColumn('user_id', col.text)
      .addColumn('timestamp', col.bigint, (c) => c.notNull())
      .addColumn('comment', col.text)
      .addColumn('payload', col.text)
      .execute()
    await db.schema
      .createIndex('model_events_name_idx')
      .on('model_events')
      .columns(['name', 'timestamp'])
      .execute()
  },
}
