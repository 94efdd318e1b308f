import { type CairnMigration, col } from './migration.js'

export const servingBase: CairnMigration = {
  name: '0500-serving-prediction-log',
  async up(db) {
    await db.schema
      .createTable('prediction_log')
      .addColumn('prediction_id', col.text, (c) => c.primaryKey())
      .addColumn('request_id', col.text, (c) => c.notNull())
      .addColumn('model', col.text, (c) => c.notNull())
      .addColumn('version', col.text, (c) => c.notNull())
      .addColumn('variant', col.text, (c) => c.notNull())
      .addColumn('timestamp', col.bigint, (c) => c.notNull())
      .addColumn('latency_ms', col.double, (c) => c.notNull())
      .addColumn('inputs', col.text, (c) => c.notNull())
      .addColumn('prediction', col.double)
      .addColumn('label', col.text)
      .addColumn('outputs', col.text)
      .execute()
    await db.schema
      .createIndex('prediction_log_model_time_idx')
      .on('prediction_log')
      .columns(['model', 'timestamp'])
      .execute()
    await db.schema
      .createTable('prediction_feedback')
      .addColumn('prediction_id', col.text, (c) => c.primaryKey())
      .addColumn('label', col.text, (c) => c.notNull())
      .addColumn('label_value', col.double)
      .addColumn('timestamp', col.bigint, (c) => c.notNull())
      .execute()
  },
}
