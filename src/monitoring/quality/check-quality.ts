import { z } from 'zod'
import type { Frame, FrameColumn } from '../../data/index.js'
import { isNumericColumn } from '../../data/index.js'
import type { ReferenceColumnProfile, ReferenceProfile } from './reference-profile.js'

/** The data-quality checks. */
export type QualityCheckName =
  | 'missing_column'
  | 'unexpected_column'
  | 'column_type'
  | 'missing_share'
  | 'not_null'
  | 'out_of_range'
  | 'new_categories'
  | 'volume'

/** pass / fail; `warn` is reported but not counted as a failure; `skipped` could not be checked. */
export type QualityStatus = 'pass' | 'fail' | 'warn' | 'skipped'

/** One data-quality check on one column (or the whole window). */
export interface QualityCheck {
  check: QualityCheckName
  column: string | null
  status: QualityStatus
  /** What was measured (a share, a count, a type name). */
  observed: number | string | null
  /** The condition that had to hold, in words (e.g. "≤ 0.055"). */
  expected: string
  message: string
  /** Up to 10 offending values (new categories, out-of-range extremes). */
  examples?: string[]
}

/** All checks of one window. */
export interface QualityReport {
  checks: QualityCheck[]
  failures: number
  warnings: number
  rowCount: number
}

export const qualityOptionsSchema = z.strictObject({
  /** Columns to check (default: every reference column). */
  columns: z.array(z.string()).optional(),
  exclude: z.array(z.string()).optional(),
  /** Missing share may grow to reference × (1 + relative) + absolute (defaults 0.1 and 0.01). */
  missingShare: z
    .strictObject({ relative: z.number().min(0), absolute: z.number().min(0) })
    .partial()
    .optional(),
  /** Largest share of values outside the reference range (default 0.01). */
  maxOutOfRangeShare: z.number().min(0).max(1).optional(),
  /** Largest share of rows with categories the reference never had (default 0). */
  maxNewCategoryShare: z.number().min(0).max(1).optional(),
  /** Row-count check: expected rows per window (default: the mean of previous windows) and allowed change. */
  volume: z
    .strictObject({
      expectedRows: z.number().positive().optional(),
      maxChange: z.number().positive().optional(),
    })
    .optional(),
  /** Columns in the current data that the reference lacks: 'warn' (default), 'fail' or 'ignore'. */
  unexpectedColumns: z.enum(['warn', 'fail', 'ignore']).optional(),
  /** Per-column bounds that replace the reference's. */
  perColumn: z
    .record(
      z.string(),
      z.strictObject({
        min: z.number().optional(),
        max: z.number().optional(),
        allowedValues: z.array(z.string()).optional(),
        maxMissingShare: z.number().min(0).max(1).optional(),
      }),
    )
    .optional(),
})

export type QualityOptions = z.infer<typeof qualityOptionsSchema>

const KIND: Record<string, 'numeric' | 'categorical' | 'text' | 'datetime'> = {
  number: 'numeric',
  integer: 'numeric',
  boolean: 'categorical',
  category: 'categorical',
  string: 'categorical',
  text: 'text',
  datetime: 'datetime',
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : Number(x.toPrecision(4)).toString())

function missingCount(c: FrameColumn): number {
  let m = 0
  if (c.type === 'category') {
    for (const code of c.codes) if (code < 0) m++
  } else if (c.type === 'string' || c.type === 'text') {
    for (const v of c.values) if (v === null) m++
  } else {
    const values = c.values
    for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) m++
  }
  return m
}

function columnChecks(
  ref: ReferenceColumnProfile,
  cur: FrameColumn,
  rows: number,
  options: QualityOptions,
): QualityCheck[] {
  const out: QualityCheck[] = []
  const name = ref.name
  const per = options.perColumn?.[name]
  const refKind = KIND[ref.type]
  const curKind = KIND[cur.type]
  if (refKind !== curKind) {
    out.push({
      check: 'column_type',
      column: name,
      status: 'fail',
      observed: cur.type,
      expected: `${ref.type}`,
      message: `Column "${name}" is ${cur.type} but the reference has ${ref.type}`,
    })
    return out
  }
  const missing = missingCount(cur)
  const share = rows === 0 ? 0 : missing / rows
  if (!ref.nullable) {
    out.push({
      check: 'not_null',
      column: name,
      status: missing === 0 ? 'pass' : 'fail',
      observed: missing,
      expected: '= 0',
      message:
        missing === 0
          ? `Column "${name}" has no missing values`
          : `Column "${name}" must not be missing but has ${missing} missing values`,
    })
  }
  const rel = options.missingShare?.relative ?? 0.1
  const abs = options.missingShare?.absolute ?? 0.01
  const limit = per?.maxMissingShare ?? Math.min(1, ref.missingShare * (1 + rel) + abs)
  if (rows > 0) {
    out.push({
      check: 'missing_share',
      column: name,
      status: share <= limit ? 'pass' : 'fail',
      observed: share,
      expected: `≤ ${fmt(limit)}`,
      message:
        share === 1
          ? `Column "${name}" is entirely missing (${rows} rows)`
          : `Column "${name}" has ${fmt(share * 100)}% missing values (reference ${fmt(ref.missingShare * 100)}%)`,
    })
  }
  if (refKind === 'numeric' && isNumericColumn(cur)) {
    const lo = per?.min ?? ref.min
    const hi = per?.max ?? ref.max
    if (lo === null || hi === null) {
      out.push({
        check: 'out_of_range',
        column: name,
        status: 'skipped',
        observed: null,
        expected: 'a reference range',
        message: `Column "${name}" has no reference range (no finite reference values)`,
      })
    } else {
      let outside = 0
      let present = 0
      const offending = new Set<string>()
      const values = cur.values
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as number
        if (Number.isNaN(v)) continue
        present++
        if (v < lo || v > hi) {
          outside++
          if (offending.size < 10) offending.add(String(v))
        }
      }
      const maxShare = options.maxOutOfRangeShare ?? 0.01
      const s = present === 0 ? 0 : outside / present
      out.push({
        check: 'out_of_range',
        column: name,
        status: present === 0 ? 'skipped' : s <= maxShare ? 'pass' : 'fail',
        observed: present === 0 ? null : s,
        expected: `≤ ${fmt(maxShare)} outside [${fmt(lo)}, ${fmt(hi)}]`,
        message:
          present === 0
            ? `Column "${name}" has no values to range-check`
            : `${outside} of ${present} values of "${name}" (${fmt(s * 100)}%) are outside [${fmt(lo)}, ${fmt(hi)}]`,
        ...(outside > 0 ? { examples: [...offending] } : {}),
      })
    }
  }
  if (refKind === 'categorical') {
    const allowed = per?.allowedValues ?? ref.categories
    if (!allowed) {
      out.push({
        check: 'new_categories',
        column: name,
        status: 'skipped',
        observed: null,
        expected: 'known categories',
        message: `Column "${name}" has too many distinct reference values to check for new ones`,
      })
    } else {
      const known = new Set(allowed)
      const counts = new Map<string, number>()
      let present = 0
      const add = (v: string) => {
        present++
        if (!known.has(v)) counts.set(v, (counts.get(v) ?? 0) + 1)
      }
      if (cur.type === 'category') {
        for (const code of cur.codes) if (code >= 0) add(cur.categories[code] as string)
      } else if (cur.type === 'string' || cur.type === 'text') {
        for (const v of cur.values) if (v !== null) add(v)
      } else if (isNumericColumn(cur)) {
        const values = cur.values
        for (let i = 0; i < values.length; i++) {
          const v = values[i] as number
          if (!Number.isNaN(v)) add(cur.type === 'boolean' ? (v !== 0 ? 'true' : 'false') : String(v))
        }
      }
      let newRows = 0
      for (const c of counts.values()) newRows += c
      const s = present === 0 ? 0 : newRows / present
      const maxShare = options.maxNewCategoryShare ?? 0
      const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)
      out.push({
        check: 'new_categories',
        column: name,
        status: present === 0 ? 'skipped' : s <= maxShare ? 'pass' : 'fail',
        observed: present === 0 ? null : s,
        expected: `≤ ${fmt(maxShare)} of rows with unseen values`,
        message:
          counts.size === 0
            ? `Column "${name}" has no values outside the reference's ${known.size}`
            : `Column "${name}" has ${counts.size} new value${counts.size === 1 ? '' : 's'} in ${newRows} rows: ${top.map(([v]) => JSON.stringify(v)).join(', ')}`,
        ...(top.length > 0 ? { examples: top.map(([v]) => v) } : {}),
      })
    }
  }
  return out
}

/**
 * Check a window of live data against the reference profile: missing or unexpected columns, type
 * changes, not-null violations, growth of the missing share, values outside the reference range,
 * categories the reference never had, and the row count against the expected volume
 * (`expectedRows`, e.g. the mean of previous windows). Every check reports what it measured and
 * the condition it applied. An empty window has only the volume check, which fails only when
 * the options ask for a volume (see emptyWindowVolume).
 */
export function checkQuality(
  reference: ReferenceProfile,
  current: Frame,
  options: QualityOptions = {},
  context: { expectedRows?: number } = {},
): QualityReport {
  const exclude = new Set(options.exclude ?? [])
  const wanted = options.columns ? new Set(options.columns) : undefined
  const refColumns = reference.columns.filter((c) => !exclude.has(c.name) && (!wanted || wanted.has(c.name)))
  const checks: QualityCheck[] = []
  const rows = current.rowCount
  // an empty window is "no data": there is nothing to measure per column (a source may not even
  // know the columns without rows), only the volume
  for (const ref of rows === 0 ? [] : refColumns) {
    const cur = current.columns.find((c) => c.name === ref.name)
    if (!cur) {
      checks.push({
        check: 'missing_column',
        column: ref.name,
        status: 'fail',
        observed: null,
        expected: 'present',
        message: `Column "${ref.name}" is missing from the current data`,
      })
      continue
    }
    checks.push(...columnChecks(ref, cur, rows, options))
  }
  const policy = options.unexpectedColumns ?? 'warn'
  if (policy !== 'ignore' && rows > 0) {
    const known = new Set(reference.columns.map((c) => c.name))
    for (const c of current.columns) {
      if (known.has(c.name) || exclude.has(c.name)) continue
      checks.push({
        check: 'unexpected_column',
        column: c.name,
        status: policy,
        observed: c.type,
        expected: 'a reference column',
        message: `Column "${c.name}" is not in the reference`,
      })
    }
  }
  const expectedRows = options.volume?.expectedRows ?? context.expectedRows
  const maxChange = options.volume?.maxChange ?? 0.5
  if (rows === 0) {
    checks.push(emptyWindowVolume(expectedRows, maxChange, options.volume !== undefined))
  } else if (expectedRows === undefined || expectedRows <= 0) {
    checks.push({
      check: 'volume',
      column: null,
      status: 'skipped',
      observed: rows,
      expected: 'an expected row count (set volume.expectedRows, or wait for earlier windows)',
      message: `${rows} rows; no expected volume yet`,
    })
  } else {
    const change = rows / expectedRows - 1
    checks.push({
      check: 'volume',
      column: null,
      status: Math.abs(change) <= maxChange ? 'pass' : 'fail',
      observed: rows,
      expected: `${fmt(expectedRows * (1 - maxChange))}–${fmt(expectedRows * (1 + maxChange))} rows`,
      message: `${rows} rows, ${change >= 0 ? '+' : ''}${fmt(change * 100)}% against the expected ${fmt(expectedRows)}`,
    })
  }
  return {
    checks,
    failures: checks.filter((c) => c.status === 'fail').length,
    warnings: checks.filter((c) => c.status === 'warn').length,
    rowCount: rows,
  }
}

/**
 * The volume check of an empty window: "no data". It fails only when the monitor asks for a
 * volume (`quality.volume`) and zero rows is outside it; otherwise it is a warning (with an
 * expectation from earlier windows) or skipped, and `no_data` alert rules are the way to alert.
 */
function emptyWindowVolume(
  expectedRows: number | undefined,
  maxChange: number,
  asked: boolean,
): QualityCheck {
  if (expectedRows === undefined || expectedRows <= 0) {
    return {
      check: 'volume',
      column: null,
      status: 'skipped',
      observed: 0,
      expected: 'an expected row count (set volume.expectedRows, or wait for earlier windows)',
      message: 'No data: the window is empty',
    }
  }
  const status: QualityStatus = !asked ? 'warn' : maxChange >= 1 ? 'pass' : 'fail'
  return {
    check: 'volume',
    column: null,
    status,
    observed: 0,
    expected: `${fmt(Math.max(0, expectedRows * (1 - maxChange)))}–${fmt(expectedRows * (1 + maxChange))} rows`,
    message: `No data: the window is empty (expected about ${fmt(expectedRows)} rows)`,
  }
}
