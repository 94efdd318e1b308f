export { columnTypeFromDuck, duckTypeFor } from './engine/duck-types.js'
export {
  DataEngine,
  type DataEngineOptions,
  type QueryProgress,
  type SqlRow,
} from './engine/duckdb-engine.js'
export {
  type FrameColumnSpec,
  frameToTable,
  type PagedSource,
  relationToFrame,
  streamFrames,
} from './engine/frame-convert.js'
export { quoteIdent, sqlLiteral, sqlString } from './engine/sql.js'
export type {
  CategoryColumn,
  ColumnType,
  Frame,
  FrameColumn,
  NumericColumn,
  StringColumn,
} from './frame/frame.js'
export { isNumericColumn } from './frame/frame.js'
export {
  categoryColumn,
  cellValue,
  columnLength,
  dropColumns,
  frameFromRows,
  frameToRows,
  getColumn,
  makeFrame,
  numericColumn,
  selectColumns,
  takeRows,
} from './frame/frame-ops.js'
export {
  type BinnedCounts,
  binIndex,
  equalWidthEdges,
  type Histogram,
  histogramCounts,
} from './profile/histogram.js'
export {
  type CategoricalColumnProfile,
  type ColumnProfile,
  type DatasetProfile,
  type DatetimeColumnProfile,
  type NumericColumnProfile,
  PROFILE_QUANTILES,
  type ProfileOptions,
  profileRelation,
  type Quantiles,
  type TextColumnProfile,
} from './profile/profile.js'
export { type InferSchemaOptions, inferSchema } from './schema/infer-schema.js'
export {
  COLUMN_ROLES,
  COLUMN_TYPES,
  type ColumnRole,
  type ColumnSchema,
  type ColumnSchemaInput,
  columnsWithRole,
  type DatasetSchema,
  type DatasetSchemaInput,
  defineSchema,
  parseSchema,
  schemaColumn,
  schemaToPlain,
  withRoles,
} from './schema/schema.js'
export { diffSchemas, type SchemaDiff } from './schema/schema-diff.js'
export { readSchemaFile, schemaToYaml, writeSchemaFile } from './schema/schema-file.js'
export {
  createDataService,
  type DataService,
  type DataServiceOptions,
  defaultDataCacheDir,
  type IngestDatasetOptions,
  type IngestDatasetResult,
  type SplitResult,
  type SuiteInput,
  type TableInput,
} from './service/data-service.js'
export { type ColumnChange, type DatasetDiff, diffDatasets } from './service/dataset-diff.js'
export type { CsvOptions } from './sources/csv/csv-options.js'
export type { S3SourceOptions } from './sources/fetch-s3.js'
export { type FetchedUrl, type FetchUrlOptions, fetchUrl } from './sources/fetch-url.js'
export { type IngestOptions, type IngestProgress, ingestSource } from './sources/ingest-source.js'
export type { MalformedKind, MalformedReport, MalformedRow } from './sources/malformed.js'
export { type LazyTable, scanSource } from './sources/scan-source.js'
export type {
  FileFormat,
  FileSourceSpec,
  PartitionRange,
  PostgresSourceSpec,
  RowsSourceSpec,
  SourceInfo,
  SourceSpec,
  SqliteSourceSpec,
} from './sources/source-spec.js'
export { allocate, allocateStrata, SeededRandom } from './split/seeded-random.js'
export { type SplitFractions, type SplitSpec, splitTable } from './split/split-table.js'
export { DataTable, type DataTableInit, type Lineage, type TransformInfo } from './table/data-table.js'
export type { RowLocation, RowLocator } from './table/row-locator.js'
export {
  type BatchFunction,
  type BatchTransformOptions,
  batchTransform,
} from './transform/batch-transform.js'
export { type SqlInput, sqlTransform } from './transform/sql-transform.js'
export {
  defineSuite,
  type Expectation,
  type ExpectationKind,
  type ExpectationSuite,
  expectationLabel,
  parseDuration,
  parseSuite,
  ROW_LEVEL_KINDS,
  type ValidationPolicy,
} from './validation/expectation.js'
export { formatValidationReport } from './validation/report-text.js'
export { readSuiteFile } from './validation/suite-file.js'
export {
  type ExpectationResult,
  type FailingRow,
  schemaExpectations,
  type ValidateOptions,
  type ValidationOutcome,
  type ValidationReport,
  validateTable,
} from './validation/validate-table.js'
export {
  assertDatasetName,
  type DatasetRef,
  formatDatasetRef,
  parseDatasetRef,
  type VersionSelector,
} from './versions/dataset-ref.js'
export type {
  DatasetSummary,
  DatasetVersion,
  PartitionEntry,
  ValidationSummary,
} from './versions/dataset-repository.js'
export {
  DatasetStore,
  type ResolvedDataset,
  type WriteOptions,
  type WriteResult,
} from './versions/dataset-store.js'
