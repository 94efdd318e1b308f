import type { CairnMigration } from './migration.js'

/**
 * Covering indexes for run search: metric filters read (key, is_nan, value) → run_uuid without
 * touching the table, and param/tag filters read (key, value) → run_uuid.
 */
export const trackingSearchIndexes: CairnMigration = {
  name: '0101-tracking-search-indexes',
  async up(db) {
    await db.schema
      .createIndex('latest_metrics_key_nan_value_run_idx')
      .on('latest_metrics')
      .columns(['key', 'is_nan', 'value', 'run_uuid'])
      .execute()
    await db.schema
      .createIndex('params_key_value_run_idx')
      .on('params')
      .columns(['key', 'value', 'run_uuid'])
      .execute()
    await db.schema
      .createIndex('tags_key_value_run_idx')
      .on('tags')
      .columns(['key', 'value', 'run_uuid'])
      .execute()
    await db.schema.dropIndex('params_key_value_idx').execute()
    await db.schema.dropIndex('tags_key_value_idx').execute()
  },
}
