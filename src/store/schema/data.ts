/**
 * Tables of the data layer: versioned datasets (prefixed `data_`; tracking's `datasets` table is
 * MLflow's record of datasets used by runs).
 */

export interface DataDatasetsTable {
  name: string
  description: string | null
  creation_time: number
  last_updated_time: number
  /** The version `name@latest` resolves to. */
  latest_version: string | null
  /** 'dt' for partitioned datasets, '' otherwise. */
  partition_key: string
}

/**
 * One immutable version of a dataset. `version` is a content hash (16 hex digits of the sha256
 * over schema and partition object hashes); `seq` numbers versions per dataset (v1, v2, …).
 * JSON columns: schema (DatasetSchema), profile (DatasetProfile), partitions
 * ([{key, object, sha256, rows, bytes}]), parents (['name@version']), transform, source,
 * validation (ValidationReport summary), tags.
 */
export interface DataDatasetVersionsTable {
  name: string
  version: string
  seq: number
  creation_time: number
  content_hash: string
  row_count: number
  column_count: number
  size_bytes: number
  schema: string
  profile: string | null
  partitions: string
  parents: string
  transform: string | null
  source: string | null
  validation: string | null
  manifest_path: string
  description: string | null
  tags: string | null
  created_by: string | null
}

export interface DataTables {
  data_datasets: DataDatasetsTable
  data_dataset_versions: DataDatasetVersionsTable
}
