import type { Frame } from '../frame/frame.js'
import type { CsvOptions } from './csv/csv-options.js'

/** File formats the data layer reads. */
export type FileFormat = 'csv' | 'parquet' | 'json' | 'ndjson'

/** A `dt=YYYY-MM-DD` partition range (inclusive; either end may be open). */
export interface PartitionRange {
  /** The partition key (default `dt`). */
  key?: string
  from?: string
  to?: string
}

/**
 * Files: a local path, a folder (every data file below it), a glob (`data/*.csv`,
 * `events/**\/*.parquet`), an `http(s)://` URL or an `s3://bucket/key` (a key prefix or glob
 * reads many objects). `dt=YYYY-MM-DD` folders become a `dt` column and can be filtered.
 */
export interface FileSourceSpec {
  kind: 'file'
  path: string
  /** Default: from the extension (`.csv`, `.tsv`, `.txt`, `.data` → csv; `.jsonl` → ndjson). */
  format?: FileFormat
  csv?: CsvOptions
  partitions?: PartitionRange
  /** For URLs: use the cached copy, never the network. */
  offline?: boolean
  /** For URLs and S3: read this local file instead (an override for offline work and tests). */
  localPath?: string
}

/** A SQLite table or query, read through better-sqlite3. */
export interface SqliteSourceSpec {
  kind: 'sqlite'
  /** The database file. */
  path: string
  table?: string
  query?: string
}

/** A PostgreSQL table or query, read through pg with a server-side cursor. */
export interface PostgresSourceSpec {
  kind: 'postgres'
  url: string
  table?: string
  query?: string
}

/** Rows from TypeScript: plain objects or a Frame. */
export interface RowsSourceSpec {
  kind: 'rows'
  rows?: readonly Record<string, unknown>[]
  frame?: Frame
  /** A name for lineage (default `memory`). */
  label?: string
}

/** Anything the data layer can ingest. A string is a file path, glob, folder, URL or S3 URI. */
export type SourceSpec = string | FileSourceSpec | SqliteSourceSpec | PostgresSourceSpec | RowsSourceSpec

/** One file after globs, folders, downloads and partition filters are resolved. */
export interface ResolvedFile {
  /** Where the bytes are on this machine. */
  localPath: string
  /** How the user named it (URL, s3:// URI or path), used in messages. */
  displayPath: string
  format: FileFormat
  bytes: number
  /** `key=value` folder partitions on the path. */
  partition: Record<string, string>
}

/** Where an ingested table came from, kept as lineage. */
export interface SourceInfo {
  kind: 'file' | 'url' | 's3' | 'sqlite' | 'postgres' | 'rows'
  /** The spec as the user gave it (a path, URL, URI, or `sqlite:file#table`). */
  uri: string
  format?: FileFormat
  /** The files read; `localPath` is where they were on this machine (not stored). */
  files?: { path: string; bytes: number; sha256?: string; localPath?: string }[]
  query?: string
}

/** Normalise a string spec to a file spec. */
export function toSourceSpec(spec: SourceSpec): Exclude<SourceSpec, string> {
  return typeof spec === 'string' ? { kind: 'file', path: spec } : spec
}
