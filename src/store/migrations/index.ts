import { storeBase } from './0000-store.js'
import { trackingBase } from './0100-tracking.js'
import { trackingSearchIndexes } from './0101-tracking-indexes.js'
import { registryBase } from './0200-registry.js'
import { dataBase } from './0300-data.js'
import { pipelinesBase } from './0400-pipelines.js'
import { servingBase } from './0500-serving.js'
import { monitoringBase } from './0600-monitoring.js'
import { monitoringAlertWindows } from './0601-monitoring-alert-windows.js'
import type { CairnMigration } from './migration.js'

export { type CairnMigration, col, type SqlDialect } from './migration.js'

/** Every migration, in any order (they run sorted by name). Add a layer's migrations here. */
export const migrations: CairnMigration[] = [
  storeBase,
  trackingBase,
  trackingSearchIndexes,
  registryBase,
  servingBase,
  monitoringBase,
  monitoringAlertWindows,
  pipelinesBase,
  dataBase,
]
