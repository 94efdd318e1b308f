import { z } from 'zod'
import type { ColumnKind, StatTestName } from './types.js'

const testName = z.enum([
  'ks',
  'chisquare',
  'z',
  'wasserstein',
  'jensenshannon',
  'psi',
  'kl_div',
  'hellinger',
  'anderson',
  'domain_classifier',
])
const kind = z.enum(['num', 'cat', 'text'])

/** Per-column overrides. */
export const columnDriftOptionsSchema = z.strictObject({
  test: testName.optional(),
  threshold: z.number().positive().optional(),
  kind: kind.optional(),
})

/**
 * How drift is computed. Everything is optional: by default every shared column is tested with
 * Evidently's automatic choice and thresholds, and the dataset drifts when half the columns do.
 */
export const driftOptionsSchema = z.strictObject({
  /** Columns to test (default: every column of the reference). */
  columns: z.array(z.string()).optional(),
  /** Columns never tested (ids, timestamps, the target). */
  exclude: z.array(z.string()).optional(),
  /** One test for every column, or per kind. */
  test: testName.optional(),
  numericTest: testName.optional(),
  categoricalTest: testName.optional(),
  textTest: testName.optional(),
  /** Threshold for every column, or per kind (default: the test's own). */
  threshold: z.number().positive().optional(),
  numericThreshold: z.number().positive().optional(),
  categoricalThreshold: z.number().positive().optional(),
  textThreshold: z.number().positive().optional(),
  perColumn: z.record(z.string(), columnDriftOptionsSchema).optional(),
  /** Share of drifted columns at or above which the dataset counts as drifted (default 0.5). */
  driftShare: z.number().min(0).max(1).optional(),
  /** Reference rows at or below which p-value tests are chosen (default 1,000). */
  smallReferenceRows: z.number().int().positive().optional(),
  /** Seed of the domain classifier. */
  seed: z.number().int().optional(),
  /** Add binned distributions to the results, for reports (default true). */
  distributions: z.boolean().optional(),
})

export type DriftOptions = z.infer<typeof driftOptionsSchema>
export type ColumnDriftOptions = z.infer<typeof columnDriftOptionsSchema>

/** The default dataset-drift share. */
export const DEFAULT_DRIFT_SHARE = 0.5
/** Evidently's boundary between small and large references. */
export const SMALL_REFERENCE_ROWS = 1000

/** The override that applies to a column of `kind`, if any. */
export function overrideFor(
  options: DriftOptions,
  column: string,
  k: ColumnKind,
): { test?: StatTestName; threshold?: number } {
  const per = options.perColumn?.[column]
  const kindTest =
    k === 'num' ? options.numericTest : k === 'cat' ? options.categoricalTest : options.textTest
  const kindThreshold =
    k === 'num'
      ? options.numericThreshold
      : k === 'cat'
        ? options.categoricalThreshold
        : options.textThreshold
  const test = per?.test ?? kindTest ?? options.test
  const threshold = per?.threshold ?? kindThreshold ?? options.threshold
  return { ...(test ? { test } : {}), ...(threshold !== undefined ? { threshold } : {}) }
}
