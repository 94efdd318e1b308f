import { type CairnMigration, col } from './migration.js'

export const trackingBase: CairnMigration = {
  name: '0100-tracking-base',
  async up(db) {
    await db.schema
      .createTable('experiments')
      .addColumn('experiment_id', col.text, (c) => c.primaryKey())
      .addColumn('name', col.text, (c) => c.notNull().unique())
      .addColumn('artifact_location', col.text, (c) => c.notNull())
      .addColumn('lifecycle_stage', col.text, (c) => c.notNull())
      .addColumn('creation_time', col.bigint, (c) => c.notNull())
      .addColumn('last_update_time', col.bigint, (c) => c.notNull())
      .execute()
    await db.schema
      .createTable('experiment_tags')
      .addColumn('experiment_id', col.text, (c) => c.notNull())
      .addColumn('key', col.text, (c) => c.notNull())
      .addColumn('value', col.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
      .execute()
    await db.schema
      .createTable('runs')
      .addColumn('run_uuid', col.text, (c) => c.primaryKey())
      .addColumn('experiment_id', col.text, (c) => c.notNull())
      .addColumn('run_name', col.text, (c) => c.notNull())
      .addColumn('user_id', col.text, (c) => c.notNull())
      .addColumn('status', col.text, (c) => c.notNull())
      .addColumn('start_time', col.bigint, (c) => c.notNull())
      .addColumn('end_time', col.bigint)
      .addColumn('lifecycle_stage', col.text, (c) => c.notNull())
      .addColumn('artifact_uri', col.text, (c) => c.notNull())
      .addColumn('deleted_time', col.bigint)
      .execute()
    await db.schema
      .createIndex('runs_experiment_idx')
      .on('runs')
      .columns(['experiment_id', 'start_time'])
      .execute()
    await db.schema
      .createTable('params')
      .addColumn('run_uuid', col.text, (c) => c.notNull())
      .addColumn('key', col.text, (c) => c.notNull())
      .addColumn('value', col.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('params_pk', ['run_uuid', 'key'])
      .execute()
    await db.schema.createIndex('params_key_value_idx').on('params').columns(['key', 'value']).execute()
    await db.schema
      .createTable('tags')
      .addColumn('run_uuid', col.text, (c) => c.notNull())
      .addColumn('key', col.text, (c) => c.notNull())
      .addColumn('value', col.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('tags_pk', ['run_uuid', 'key'])
      .execute()
    await db.schema.createIndex('tags_key_value_idx').on('tags').columns(['key', 'value']).execute()
    await db.schema
      .createTable('metrics')
      .addColumn('run_uuid', col.text, (c) => c.notNull())
      .addColumn('key', col.text, (c) => c.notNull())
      .addColumn('value', col.double, (c) => c.notNull())
      .addColumn('timestamp', col.bigint, (c) => c.notNull())
      .addColumn('step', col.bigint, (c) => c.notNull())
      .addColumn('is_nan', col.int, (c) => c.notNull())
      .addPrimaryKeyConstraint('metrics_pk', ['run_uuid', 'key', 'timestamp', 'step', 'value', 'is_nan'])
      .execute()
    await db.schema
      .createTable('latest_metrics')
      .addColumn('run_uuid', col.text, (c) => c.notNull())
      .addColumn('key', col.text, (c) => c.notNull())
      .addColumn('value', col.double, (c) => c.notNull())
      .addColumn('timestamp', col.bigint, (c) => c.notNull())
      .addColumn('step', col.bigint, (c) => c.notNull())
      .addColumn('is_nan', col.int, (c) => c.notNull())
      .addPrimaryKeyConstraint('latest_metrics_pk', ['run_uuid', 'key'])
      .execute()
    await db.schema
      .createIndex('latest_metrics_key_value_idx')
      .on('latest_metrics')
      .columns(['key', 'value'])
      .execute()
    await db.schema
      .createTable('datasets')
      .addColumn('dataset_uuid', col.text, (c) => c.primaryKey())
      .addColumn('experiment_id', col.text, (c) => c.notNull())
      .addColumn('name', col.text, (c) => c.notNull())
      .addColumn('digest', col.text, (c) => c.notNull())
      .addColumn('source_type', col.text, (c) => c.notNull())
      .addColumn('source', col.text, (c) => c.notNull())
      .addColumn('schema', col.text)
      .addColumn('profile', col.text)
      .addUniqueConstraint('datasets_unique', ['experiment_id', 'name', 'digest'])
      .execute()
    await db.schema
      .createTable('inputs')
      .addColumn('input_uuid', col.text, (c) => c.primaryKey())
      .addColumn('source_type', col.text, (c) => c.notNull())
      .addColumn('source_id', col.text, (c) => c.notNull())
      .addColumn('destination_type', col.text, (c) => c.notNull())
      .addColumn('destination_id', col.text, (c) => c.notNull())
      .addUniqueConstraint('inputs_unique', [
        'source_type',
        'source_id',
        'destination_type',
        'destination_id',
      ])
      .execute()
    await db.schema
      .createIndex('inputs_destination_idx')
      .on('inputs')
      .columns(['destination_type', 'destination_id'])
      .execute()
    await db.schema
      .createTable('input_tags')
      .addColumn('input_uuid', col.text, (c) => c.notNull())
      .addColumn('key', col.text, (c) => c.notNull())
      .addColumn('value', col.text, (c) => c.notNull())
      .addPrimaryKeyConstraint('input_tags_pk', ['input_uuid', 'key'])
      .execute()
  },
}
