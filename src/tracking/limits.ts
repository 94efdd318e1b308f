/** MLflow's limits on what one request may log; Cairn enforces the same. */
export const LIMITS = {
  /** Metrics per log-batch call. */
  batchMetrics: 1000,
  /** Params per log-batch call. */
  batchParams: 100,
  /** Tags per log-batch call. */
  batchTags: 100,
  /** Metrics + params + tags per log-batch call. */
  batchTotal: 1000,
  /** Characters in a metric, param or tag key. */
  keyLength: 250,
  /** Characters in a param value. */
  paramValueLength: 6000,
  /** Characters in a tag value. */
  tagValueLength: 8000,
  /** Characters in an experiment or model name. */
  nameLength: 500,
  /** Datasets per log-inputs call. */
  inputs: 1000,
} as const
