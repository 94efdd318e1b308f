import type { Frame, FrameColumn } from '../../data/index.js'
import { countDistinctUnionSorted, histogramSorted, linspace, sturgesEdges } from '../stats/index.js'
import {
  alignCounts,
  type ColumnSample,
  defaultKind,
  numericAsCategorical,
  prepareColumn,
  sampleSize,
} from './column-sample.js'
import { DEFAULT_DRIFT_SHARE, type DriftOptions, overrideFor, SMALL_REFERENCE_ROWS } from './drift-options.js'
import { type StatTest, statTests } from './stat-tests.js'
import type {
  ColumnDistribution,
  ColumnDriftResult,
  ColumnDriftStatus,
  ColumnKind,
  DriftReport,
  StatTestName,
} from './types.js'

/** A reference prepared once (columns sorted / counted) and reused for every window. */
export interface PreparedReference {
  rowCount: number
  columns: Map<string, { column: FrameColumn; kind: ColumnKind | null; sample: ColumnSample | null }>
  order: string[]
}

/** Prepare the columns of a reference frame that drift will test. */
export function prepareReference(reference: Frame, options: DriftOptions = {}): PreparedReference {
  const exclude = new Set(options.exclude ?? [])
  const order = (options.columns ?? reference.columns.map((c) => c.name)).filter((n) => !exclude.has(n))
  const columns: PreparedReference['columns'] = new Map()
  for (const name of order) {
    const column = reference.columns.find((c) => c.name === name)
    if (!column) continue
    const kind = options.perColumn?.[name]?.kind ?? defaultKind(column)
    columns.set(name, { column, kind, sample: kind ? prepareColumn(column, kind) : null })
  }
  return { rowCount: reference.rowCount, columns, order }
}

/**
 * Evidently's automatic test: for references of at most 1,000 rows, KS for numbers with more than
 * five distinct values, chi-square for more than two values, the z-test for two; for larger
 * references, normalised Wasserstein for such numbers and Jensen-Shannon otherwise; the domain
 * classifier for text (AUC > 0.55 above 1,000 reference rows, else against a random classifier's
 * 95th percentile). Distinct values are counted over both samples.
 */
export function autoTest(
  reference: ColumnSample,
  current: ColumnSample,
  smallRows = SMALL_REFERENCE_ROWS,
): { test: StatTestName; threshold: number; reason: string } {
  const refRows = sampleSize(reference)
  const small = refRows <= smallRows
  const size = small ? `reference ≤ ${smallRows} rows` : `reference > ${smallRows} rows`
  if (reference.kind === 'text') {
    return small
      ? { test: 'domain_classifier', threshold: 0.05, reason: `auto: text, ${size}` }
      : { test: 'domain_classifier', threshold: 0.55, reason: `auto: text, ${size}` }
  }
  const nValues = distinctValues(reference, current, 100)
  const many = nValues > 100 ? '> 100' : String(nValues)
  if (reference.kind === 'num' && nValues > 5) {
    return small
      ? { test: 'ks', threshold: 0.05, reason: `auto: numeric, ${many} distinct values, ${size}` }
      : { test: 'wasserstein', threshold: 0.1, reason: `auto: numeric, ${many} distinct values, ${size}` }
  }
  const what = reference.kind === 'num' ? 'numeric' : 'categorical'
  const reason = `auto: ${what}, ${nValues} distinct value${nValues === 1 ? '' : 's'}, ${size}`
  if (!small) return { test: 'jensenshannon', threshold: 0.1, reason }
  return nValues > 2 ? { test: 'chisquare', threshold: 0.05, reason } : { test: 'z', threshold: 0.05, reason }
}

/** Distinct values over both samples; numeric counting stops past `cap`. */
function distinctValues(reference: ColumnSample, current: ColumnSample, cap: number): number {
  if (reference.kind === 'num' && current.kind === 'num') {
    return countDistinctUnionSorted(reference.sorted, current.sorted, cap)
  }
  if (reference.kind === 'cat' && current.kind === 'cat') {
    const keys = new Set(reference.counts.keys())
    for (const k of current.counts.keys()) keys.add(k)
    return keys.size
  }
  return Number.NaN
}

/** The single distinct value of a sample, if it has exactly one. */
function onlyValue(s: ColumnSample): string | undefined {
  if (s.kind === 'num') return s.distinct === 1 ? String(s.sorted[0]) : undefined
  if (s.kind === 'cat') return s.counts.size === 1 ? [...s.counts.keys()][0] : undefined
  return undefined
}

const DISPLAY_BINS = 40
const DISPLAY_CATEGORIES = 30

/** Binned shares for plots: Sturges bins (at most 40) over the pooled range, or the top categories. */
export function displayDistribution(
  reference: ColumnSample,
  current: ColumnSample,
): ColumnDistribution | undefined {
  if (reference.kind === 'text' || current.kind === 'text') return undefined
  if (reference.kind === 'num' && current.kind === 'num' && reference.distinct > 20) {
    const r = reference.sorted
    const c = current.sorted
    const min = Math.min(r[0] as number, c[0] as number)
    const max = Math.max(r[r.length - 1] as number, c[c.length - 1] as number)
    let edges = sturgesEdges(min, max, r.length + c.length)
    if (edges.length - 1 > DISPLAY_BINS) edges = linspace(min, max, DISPLAY_BINS + 1)
    const rs = histogramSorted(r, edges)
    const cs = histogramSorted(c, edges)
    return {
      edges: Array.from(edges),
      reference: Array.from(rs, (v) => v / r.length),
      current: Array.from(cs, (v) => v / c.length),
    }
  }
  const rc = reference.kind === 'num' ? numericAsCategorical(reference) : reference
  const cc = current.kind === 'num' ? numericAsCategorical(current) : current
  if (rc.kind !== 'cat' || cc.kind !== 'cat') return undefined
  const a = alignCounts(rc, cc)
  const nr = rc.total - rc.missing || 1
  const nc = cc.total - cc.missing || 1
  let idx = a.labels.map((_, i) => i)
  if (reference.kind === 'num') idx.sort((x, y) => Number(a.labels[x]) - Number(a.labels[y]))
  else
    idx.sort(
      (x, y) =>
        (a.reference[y] as number) +
        (a.current[y] as number) -
        (a.reference[x] as number) -
        (a.current[x] as number),
    )
  idx = idx.slice(0, DISPLAY_CATEGORIES)
  return {
    labels: idx.map((i) => a.labels[i] as string),
    reference: idx.map((i) => (a.reference[i] as number) / nr),
    current: idx.map((i) => (a.current[i] as number) / nc),
  }
}

function counts(s: ColumnSample | null, column: FrameColumn | undefined) {
  if (s) {
    return {
      count: sampleSize(s),
      missing: s.missing,
      nonFinite: s.kind === 'num' ? s.nonFinite : undefined,
    }
  }
  const total = column ? (column.type === 'category' ? column.codes.length : column.values.length) : 0
  return { count: total, missing: 0, nonFinite: undefined }
}

function notEvaluated(
  column: string,
  kind: ColumnKind | null,
  status: Exclude<ColumnDriftStatus, 'ok'>,
  message: string,
  ref: ReturnType<typeof counts>,
  cur: ReturnType<typeof counts>,
  test: StatTest | null = null,
  notes: string[] = [],
): ColumnDriftResult {
  return {
    column,
    kind,
    status,
    test: test?.name ?? null,
    testLabel: test?.label ?? null,
    scoreKind: test?.scoreKind ?? null,
    score: null,
    statistic: null,
    threshold: null,
    drifted: null,
    notes,
    message,
    referenceCount: ref.count,
    currentCount: cur.count,
    referenceMissing: ref.missing,
    currentMissing: cur.missing,
  }
}

const NUMERIC_TYPES = new Set(['number', 'integer', 'boolean', 'datetime'])

/** Test one column of the current data against its prepared reference. */
export function columnDrift(
  name: string,
  reference: PreparedReference,
  current: Frame,
  options: DriftOptions = {},
): ColumnDriftResult {
  const entry = reference.columns.get(name)
  const curColumn = current.columns.find((c) => c.name === name)
  const none = { count: 0, missing: 0, nonFinite: undefined }
  if (!entry) {
    return notEvaluated(
      name,
      null,
      'missing_in_reference',
      `Column "${name}" is not in the reference data`,
      none,
      counts(null, curColumn),
    )
  }
  const { kind, sample: ref, column: refColumn } = entry
  const refCounts = counts(ref, refColumn)
  if (!curColumn) {
    return notEvaluated(
      name,
      kind,
      'missing_in_current',
      `Column "${name}" is missing from the current data`,
      refCounts,
      none,
    )
  }
  if (!kind || !ref) {
    return notEvaluated(
      name,
      kind,
      'unsupported_type',
      `Column "${name}" has type ${refColumn.type}, which drift tests do not cover`,
      refCounts,
      counts(null, curColumn),
    )
  }
  if (kind === 'num' && !NUMERIC_TYPES.has(curColumn.type)) {
    return notEvaluated(
      name,
      kind,
      'type_mismatch',
      `Column "${name}" is ${refColumn.type} in the reference but ${curColumn.type} in the current data`,
      refCounts,
      counts(null, curColumn),
    )
  }
  const cur = prepareColumn(curColumn, kind)
  if (!cur) {
    return notEvaluated(
      name,
      kind,
      'type_mismatch',
      `Column "${name}" is ${refColumn.type} in the reference but ${curColumn.type} in the current data`,
      refCounts,
      counts(null, curColumn),
    )
  }
  const curCounts = counts(cur, curColumn)
  const notes: string[] = []
  if (curColumn.type !== refColumn.type)
    notes.push(`type ${refColumn.type} in reference, ${curColumn.type} in current`)
  if (refCounts.count === 0) {
    return notEvaluated(
      name,
      kind,
      'empty_reference',
      `Column "${name}" has no usable values in the reference (all ${ref.total} missing)`,
      refCounts,
      curCounts,
      null,
      notes,
    )
  }
  if (curCounts.count === 0) {
    const message =
      cur.total === 0
        ? `No current rows to test column "${name}"`
        : `Column "${name}" has no usable values in the current data (all ${cur.total} missing)`
    return notEvaluated(name, kind, 'empty_current', message, refCounts, curCounts, null, notes)
  }
  const override = overrideFor(options, name, kind)
  const auto = autoTest(ref, cur, options.smallReferenceRows)
  const testName = override.test ?? auto.test
  const test = statTests[testName]
  notes.unshift(override.test ? `test chosen by configuration` : auto.reason)
  if (!test.kinds.includes(kind)) {
    return notEvaluated(
      name,
      kind,
      'test_not_applicable',
      `Test "${testName}" does not apply to ${kind} column "${name}" (it takes ${test.kinds.join(', ')})`,
      refCounts,
      curCounts,
      test,
      notes,
    )
  }
  const threshold = override.threshold ?? (override.test ? test.defaultThreshold : auto.threshold)
  const base = {
    column: name,
    kind,
    test: test.name,
    testLabel: test.label,
    scoreKind: test.scoreKind,
    threshold,
    referenceCount: refCounts.count,
    currentCount: curCounts.count,
    referenceMissing: refCounts.missing,
    currentMissing: curCounts.missing,
    ...(refCounts.nonFinite !== undefined ? { referenceNonFinite: refCounts.nonFinite } : {}),
    ...(curCounts.nonFinite !== undefined ? { currentNonFinite: curCounts.nonFinite } : {}),
  }
  const distribution = options.distributions === false ? undefined : displayDistribution(ref, cur)
  const refOnly = onlyValue(ref)
  if (refOnly !== undefined && refOnly === onlyValue(cur)) {
    notes.push(`single value (${refOnly}) in both reference and current`)
    return {
      ...base,
      status: 'ok',
      score: test.scoreKind === 'p_value' ? 1 : test.scoreKind === 'auc' ? 0.5 : 0,
      statistic: null,
      drifted: false,
      notes,
      ...(distribution ? { distribution } : {}),
    }
  }
  let outcome: ReturnType<StatTest['run']>
  try {
    outcome = test.run(ref, cur, threshold, options.seed ?? 42)
  } catch (err) {
    return notEvaluated(
      name,
      kind,
      'test_failed',
      `Test "${test.name}" failed on column "${name}": ${String(err)}`,
      refCounts,
      curCounts,
      test,
      notes,
    )
  }
  if (Number.isNaN(outcome.score)) {
    return notEvaluated(
      name,
      kind,
      'test_failed',
      `Test "${test.name}" could not be computed on column "${name}" (too few or too uniform values)`,
      refCounts,
      curCounts,
      test,
      notes,
    )
  }
  return {
    ...base,
    status: 'ok',
    score: outcome.score,
    statistic: outcome.statistic,
    drifted: outcome.drifted,
    notes: [...notes, ...(outcome.notes ?? [])],
    ...(distribution ? { distribution } : {}),
  }
}

/**
 * Compare current data with a reference, column by column, and decide dataset drift (the share of
 * drifted columns among those that could be tested ≥ `driftShare`). Columns that cannot be tested
 * are reported with a status and never count as "no drift"; when none can be tested the dataset
 * verdict is null.
 */
export function computeDrift(
  reference: Frame | PreparedReference,
  current: Frame,
  options: DriftOptions = {},
): DriftReport {
  const prepared = 'order' in reference ? reference : prepareReference(reference, options)
  const names = options.columns ?? prepared.order
  const exclude = new Set(options.exclude ?? [])
  const columns = names.filter((n) => !exclude.has(n)).map((n) => columnDrift(n, prepared, current, options))
  return summarizeDrift(columns, prepared.rowCount, current.rowCount, options)
}

/** Aggregate column results into a dataset verdict. */
export function summarizeDrift(
  columns: ColumnDriftResult[],
  referenceRows: number,
  currentRows: number,
  options: DriftOptions = {},
): DriftReport {
  const evaluated = columns.filter((c) => c.status === 'ok').length
  const drifted = columns.filter((c) => c.drifted === true).length
  const threshold = options.driftShare ?? DEFAULT_DRIFT_SHARE
  const driftShare = evaluated === 0 ? null : drifted / evaluated
  return {
    columns,
    evaluated,
    drifted,
    driftShare,
    driftShareThreshold: threshold,
    datasetDrift: driftShare === null ? null : driftShare >= threshold,
    problems: columns
      .filter((c) => c.status !== 'ok')
      .map((c) => ({ column: c.column, status: c.status, message: c.message ?? c.status })),
    referenceRows,
    currentRows,
  }
}
