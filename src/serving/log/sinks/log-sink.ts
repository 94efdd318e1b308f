import type { PredictionLogTable } from '../../../store/index.js'

/** Where prediction-log rows are written. */
export type LogSinkOptions =
  | {
      /** Rows go to the `prediction_log` table of the metadata store. */
      kind: 'store'
      /** `sqlite:///…` (a file, not `:memory:`) or `postgresql://…`. */
      uri: string
    }
  | {
      /** Rows go to Parquet files `<prefix>/<model>/date=YYYY-MM-DD/part-….parquet` in an artifact store. */
      kind: 'parquet'
      /** The artifact store (`file:///…`, `s3://bucket/prefix`). */
      uri: string
      /** Folder in the store (default `prediction-log`). */
      prefix?: string
      /** Rows per file: rows are buffered until this many or `maxFileAgeMs` (default 100,000). */
      rowsPerFile?: number
      /** Default 60,000 ms. */
      maxFileAgeMs?: number
    }

/** One writer of prediction-log rows (runs in the writer thread). */
export interface LogSink {
  /** Write rows durably, all or none. */
  write(rows: PredictionLogTable[]): Promise<void>
  /** Make everything accepted so far durable. */
  flush(): Promise<void>
  close(): Promise<void>
}
