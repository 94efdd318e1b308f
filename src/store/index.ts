export { joinArtifactPath, normalizeArtifactPath } from './artifacts/artifact-path.js'
export type { ArtifactEntry, ArtifactStore, ListOptions } from './artifacts/artifact-store.js'
export { LocalArtifactStore } from './artifacts/local/local-artifact-store.js'
export { type OpenArtifactStoreOptions, openArtifactStore } from './artifacts/open.js'
export { S3ArtifactStore, type S3ArtifactStoreOptions } from './artifacts/s3/s3-artifact-store.js'
export type { Db, MetadataStore } from './metadata/metadata-store.js'
export {
  type OpenMetadataStoreOptions,
  openMetadataStore,
  openPostgresStore,
  openSqliteStore,
} from './metadata/open.js'
export type { PostgresOptions } from './metadata/postgres/open-postgres.js'
export { isConnectionError, isRetryableSqlError, isUniqueViolation } from './metadata/sql-errors.js'
export type { SqliteOptions } from './metadata/sqlite/open-sqlite.js'
export { type CairnMigration, col, migrations, type SqlDialect } from './migrations/index.js'
export type * from './schema/index.js'
