import { type CairnMigration, col } from './migration.js'

/**
 * Alert history per window: for each rule and evaluated window, the rule's state before the
 * window and what its condition gave, so a window evaluated again (with rows that arrived
 * later) is re-applied from the state it started from instead of being ignored.
 */
export const monitoringAlertWindows: CairnMigration = {
  name: '0601-monitoring-alert-windows',
  async up(db) {
    await db.schema
      .createTable('monitor_alert_windows')
      .addColumn('monitor', col.text, (c) => c.notNull())
      .addColumn('rule', col.text, (c) => c.notNull())
      .addColumn('window_end', col.bigint, (c) => c.notNull())
      .addColumn('window_start', col.bigint, (c) => c.notNull())
      .addColumn('holds', col.int)
      .addColumn('value', col.double)
      .addColumn('state_before', col.text)
      .addColumn('evaluated_time', col.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('monitor_alert_windows_pk', ['monitor', 'rule', 'window_end', 'window_start'])
      .execute()
  },
}
