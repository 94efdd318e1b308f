/** The kinds of column the drift tests tell apart (Evidently's num / cat / text). */
export type ColumnKind = 'num' | 'cat' | 'text'

/** The drift tests Cairn ships, by the names Evidently users know. */
export type StatTestName =
  | 'ks'
  | 'chisquare'
  | 'z'
  | 'wasserstein'
  | 'jensenshannon'
  | 'psi'
  | 'kl_div'
  | 'hellinger'
  | 'anderson'
  | 'domain_classifier'

/** Whether a test's score is a p-value (drift when small) or a distance (drift when large). */
export type ScoreKind = 'p_value' | 'distance' | 'auc'

/**
 * Why a column could not be tested, or `ok`. Anything but `ok` leaves `drifted` null: the column is
 * reported as not evaluated, never as "no drift".
 */
export type ColumnDriftStatus =
  | 'ok'
  | 'missing_in_current'
  | 'missing_in_reference'
  | 'empty_reference'
  | 'empty_current'
  | 'type_mismatch'
  | 'unsupported_type'
  | 'test_not_applicable'
  | 'test_failed'

/** Binned shares of one column in the reference and the current data, for plots. */
export interface ColumnDistribution {
  /** `edges` for numeric histograms (bins = edges − 1); `labels` for categories / distinct values. */
  edges?: number[]
  labels?: string[]
  reference: number[]
  current: number[]
}

/** The drift result of one column. */
export interface ColumnDriftResult {
  column: string
  kind: ColumnKind | null
  status: ColumnDriftStatus
  /** The test that ran (chosen automatically unless overridden). */
  test: StatTestName | null
  testLabel: string | null
  scoreKind: ScoreKind | null
  /** The p-value, distance or AUC compared with the threshold. */
  score: number | null
  /** The raw statistic when it differs from the score (KS D, chi², z, A²). */
  statistic: number | null
  threshold: number | null
  /** True/false when evaluated; null when the column could not be tested (see status). */
  drifted: boolean | null
  /** How the test was picked ('auto' rules or an override) and anything notable. */
  notes: string[]
  message?: string
  referenceCount: number
  currentCount: number
  referenceMissing: number
  currentMissing: number
  /** Values dropped as ±Infinity (numeric columns). */
  referenceNonFinite?: number
  currentNonFinite?: number
  distribution?: ColumnDistribution
}

/** Drift over a whole dataset (or a window of it). */
export interface DriftReport {
  columns: ColumnDriftResult[]
  /** Columns tested (status ok). */
  evaluated: number
  drifted: number
  /** drifted / evaluated; null when nothing could be evaluated. */
  driftShare: number | null
  /** The share at or above which the dataset counts as drifted. */
  driftShareThreshold: number
  /** null when no column could be evaluated. */
  datasetDrift: boolean | null
  /** Columns that could not be tested, with the reason. */
  problems: { column: string; status: ColumnDriftStatus; message: string }[]
  referenceRows: number
  currentRows: number
}
