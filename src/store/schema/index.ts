import type { DataTables } from './data.js'
import type { MonitoringTables } from './monitoring.js'
import type { PipelinesTables } from './pipelines.js'
import type { RegistryTables } from './registry.js'
import type { ServingTables } from './serving.js'
import type { TrackingTables } from './tracking.js'

export type * from './data.js'
export type * from './monitoring.js'
export type * from './pipelines.js'
export type * from './registry.js'
export type * from './serving.js'
export type * from './tracking.js'

/**
 * Every table in the metadata store. Each layer declares its tables in a file of this folder
 * and adds them here; its migrations live in ../migrations.
 */
export interface Database
  extends TrackingTables,
    RegistryTables,
    ServingTables,
    PipelinesTables,
    DataTables,
    MonitoringTables {
  sequences: SequencesTable
}

/** Named counters (see MetadataStore.nextSequenceValue). */
export interface SequencesTable {
  name: string
  value: number
}
