import type { ColumnProfile, DatasetProfile, Frame, FrameColumn } from '../../data/index.js'
import { histogramCounts, isNumericColumn } from '../../data/index.js'
import {
  chiSquareDrift,
  fillZeroShares,
  hellingerFromDensities,
  jensenShannonDistance,
  klDivergence,
  populationStabilityIndex,
  sharesFromCounts,
} from '../stats/index.js'
import { summarizeDrift } from './compute-drift.js'
import type { DriftOptions } from './drift-options.js'
import { statTests } from './stat-tests.js'
import type { ColumnDriftResult, ColumnKind, DriftReport, StatTestName } from './types.js'

/** The tests that work on binned counts, so they can run against a stored profile. */
export const PROFILE_TESTS: readonly StatTestName[] = [
  'jensenshannon',
  'psi',
  'kl_div',
  'hellinger',
  'chisquare',
]

function binned(
  p: ColumnProfile,
  c: FrameColumn,
): { labels?: string[]; edges?: number[]; reference: number[]; current: number[]; missing: number } | string {
  if (p.kind === 'numeric' || p.kind === 'datetime') {
    if (!isNumericColumn(c))
      return `Column "${p.name}" is ${p.type} in the profile but ${c.type} in the current data`
    const edges = p.histogram.edges
    if (edges.length < 2) return `Column "${p.name}" has no histogram in the profile (no values)`
    const h = histogramCounts(c.values, edges)
    return {
      edges,
      reference: [0, ...p.histogram.counts, 0],
      current: [h.underflow, ...h.counts, h.overflow],
      missing: h.missing,
    }
  }
  if (p.kind === 'categorical') {
    const labels = p.topK.map((t) => t.value)
    const index = new Map(labels.map((l, i) => [l, i]))
    const current = new Array<number>(labels.length + 1).fill(0)
    let missing = 0
    const add = (v: string | null) => {
      if (v === null) {
        missing++
        return
      }
      const i = index.get(v) ?? labels.length
      current[i] = (current[i] as number) + 1
    }
    if (c.type === 'category')
      for (const code of c.codes) add(code < 0 ? null : (c.categories[code] as string))
    else if (c.type === 'string' || c.type === 'text') for (const v of c.values) add(v)
    else {
      const values = c.values
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as number
        add(Number.isNaN(v) ? null : c.type === 'boolean' ? (v !== 0 ? 'true' : 'false') : String(v))
      }
    }
    return {
      labels: [...labels, '(other)'],
      reference: [...p.topK.map((t) => t.count), p.otherCount],
      current,
      missing,
    }
  }
  return `Column "${p.name}" is text; drift against a profile needs binned values (use the raw reference)`
}

/**
 * Drift of current data against a stored data-layer profile (DatasetProfile) instead of a raw
 * reference sample: numeric and datetime columns are binned into the profile's fixed histogram
 * edges (with one bin below and one above its range), categorical columns into its top values
 * plus "(other)". Only tests on binned counts apply — Jensen-Shannon (default), PSI, KL,
 * Hellinger, chi-square; asking for KS, Wasserstein, Anderson-Darling or the domain classifier
 * reports `test_not_applicable`. Bins differ from Evidently's Sturges bins, so scores are close
 * to, not equal to, those against the raw reference.
 */
export function computeDriftFromProfile(
  profile: DatasetProfile,
  current: Frame,
  options: DriftOptions = {},
): DriftReport {
  const exclude = new Set(options.exclude ?? [])
  const wanted = options.columns ? new Set(options.columns) : undefined
  const results: ColumnDriftResult[] = []
  for (const p of profile.columns) {
    if (exclude.has(p.name) || (wanted && !wanted.has(p.name))) continue
    const kind: ColumnKind = p.kind === 'categorical' ? 'cat' : p.kind === 'text' ? 'text' : 'num'
    const per = options.perColumn?.[p.name]
    const testName =
      per?.test ??
      (kind === 'num' ? options.numericTest : kind === 'cat' ? options.categoricalTest : options.textTest) ??
      options.test ??
      'jensenshannon'
    const test = statTests[testName]
    const threshold =
      per?.threshold ??
      (kind === 'num'
        ? options.numericThreshold
        : kind === 'cat'
          ? options.categoricalThreshold
          : options.textThreshold) ??
      options.threshold ??
      test.defaultThreshold
    const c = current.columns.find((x) => x.name === p.name)
    const base = {
      column: p.name,
      kind,
      test: test.name,
      testLabel: test.label,
      scoreKind: test.scoreKind,
      threshold,
      referenceCount: p.count,
      referenceMissing: p.missing,
      notes: [`against the stored profile (${profile.rowCount} rows)`],
    }
    const skip = (
      status: ColumnDriftResult['status'],
      message: string,
      cur = { count: 0, missing: 0 },
    ): ColumnDriftResult => ({
      ...base,
      status,
      score: null,
      statistic: null,
      drifted: null,
      message,
      currentCount: cur.count,
      currentMissing: cur.missing,
    })
    if (!c) {
      results.push(skip('missing_in_current', `Column "${p.name}" is missing from the current data`))
      continue
    }
    if (!PROFILE_TESTS.includes(test.name)) {
      results.push(
        skip(
          'test_not_applicable',
          `Test "${test.name}" needs the raw reference sample; a profile holds bins only`,
        ),
      )
      continue
    }
    const b = binned(p, c)
    if (typeof b === 'string') {
      results.push(skip(kind === 'text' ? 'unsupported_type' : 'type_mismatch', b))
      continue
    }
    const curCount = b.current.reduce((s, v) => s + v, 0)
    const cur = { count: curCount, missing: b.missing }
    if (p.count === 0) {
      results.push(skip('empty_reference', `Column "${p.name}" has no values in the profile`, cur))
      continue
    }
    if (curCount === 0) {
      results.push(skip('empty_current', `Column "${p.name}" has no usable values in the current data`, cur))
      continue
    }
    const r = sharesFromCounts(b.reference)
    const q = sharesFromCounts(b.current)
    let score: number
    let statistic: number | null = null
    if (test.name === 'chisquare') {
      const t = chiSquareDrift(b.reference, b.current)
      score = t.pValue
      statistic = t.statistic
    } else if (test.name === 'jensenshannon') score = jensenShannonDistance(r, q)
    else if (test.name === 'psi') score = populationStabilityIndex(fillZeroShares(r), fillZeroShares(q))
    else if (test.name === 'kl_div') score = klDivergence(fillZeroShares(r), fillZeroShares(q))
    else score = hellingerFromDensities(r, q)
    const drifted = test.scoreKind === 'p_value' ? score < threshold : score >= threshold
    results.push({
      ...base,
      status: 'ok',
      score,
      statistic,
      drifted,
      currentCount: curCount,
      currentMissing: b.missing,
      distribution: {
        ...(b.edges ? { edges: b.edges } : {}),
        ...(b.labels ? { labels: b.labels } : {}),
        reference: Array.from(b.edges ? r.subarray(1, r.length - 1) : r),
        current: Array.from(b.edges ? q.subarray(1, q.length - 1) : q),
      },
    })
  }
  return summarizeDrift(results, profile.rowCount, current.rowCount, options)
}
