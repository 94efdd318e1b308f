export {
  type Comparison,
  type ComparisonOp,
  type FieldType,
  type FilterEntity,
  type FilterExpr,
  type FilterSchema,
  type OrderTerm,
  parseFilter,
  parseOrderBy,
} from './filter/parser.js'
export { EXPERIMENT_FILTER_SCHEMA, RUN_FILTER_SCHEMA } from './filter/schemas.js'
export { compareSql, joinBool, likeToGlob } from './filter/sql.js'
export { filterError, type Token, type TokenKind, tokenize } from './filter/tokenizer.js'
export { encodeArtifactPath, HttpArtifactStore } from './http/http-artifact-store.js'
export { HttpTrackingClient } from './http/http-tracking-client.js'
export { HttpTransport, type HttpTransportOptions } from './http/http-transport.js'
export {
  decodeInteger,
  decodeMetric,
  decodeMetricInput,
  decodeNumber,
  decodeRun,
  encodeMetric,
  encodeNumber,
  encodeRun,
} from './http/wire.js'
export { LIMITS } from './limits.js'
export { checkMaxResults, decodePageToken, encodePageToken } from './page-token.js'
export { PrefixedArtifactStore } from './prefixed-artifact-store.js'
export { randomRunName } from './run-names.js'
export {
  DEFAULT_EXPERIMENT,
  StoreTrackingClient,
  type StoreTrackingClientOptions,
} from './store/store-tracking-client.js'
export { captureSystemTags, currentUser, readGitInfo } from './system-tags.js'
export type {
  CreateExperimentInput,
  CreateRunInput,
  LogBatchInput,
  MetricHistoryOptions,
  SearchExperimentsOptions,
  SearchRunsOptions,
  TrackingClient,
  UpdateRunInput,
} from './tracking-client.js'
export {
  type Dataset,
  type DatasetInput,
  type Experiment,
  type KeyValue,
  type LifecycleStage,
  type Metric,
  type MetricInput,
  type Page,
  RUN_STATUSES,
  type Run,
  type RunData,
  type RunInfo,
  type RunStatus,
  SYSTEM_TAGS,
  type ViewType,
} from './types.js'
export {
  checkBatchSize,
  checkId,
  checkKey,
  checkMetric,
  checkName,
  checkParam,
  checkRunStatus,
  checkTag,
  checkViewType,
} from './validate.js'
