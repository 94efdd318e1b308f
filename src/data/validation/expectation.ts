import { CairnValidationError, type ValidationIssue } from '../../core/index.js'

/** What happens when an expectation fails. */
export type ValidationPolicy = 'fail' | 'warn' | 'quarantine'

interface Common {
  /** A label for reports (default: kind and column). */
  name?: string
  /** Overrides the suite's policy for this expectation. */
  policy?: ValidationPolicy
  /**
   * Great Expectations' `mostly`: the expectation passes when at least this fraction of the
   * (non-missing) values meet it. Default 1.
   */
  mostly?: number
}

type Scalar = string | number | boolean

/** One check on a dataset, as Great Expectations users know them. */
export type Expectation = Common &
  (
    | { kind: 'not_null'; column: string }
    | { kind: 'unique'; column: string | string[] }
    | {
        kind: 'between'
        column: string
        min?: number | string
        max?: number | string
        strictMin?: boolean
        strictMax?: boolean
      }
    | { kind: 'in_set'; column: string; values: Scalar[] }
    | { kind: 'not_in_set'; column: string; values: Scalar[] }
    | { kind: 'match_regex'; column: string; pattern: string }
    | { kind: 'not_match_regex'; column: string; pattern: string }
    | { kind: 'length_between'; column: string; min?: number; max?: number }
    | { kind: 'row_count_between'; min?: number; max?: number }
    | { kind: 'mean_between'; column: string; min?: number; max?: number }
    | { kind: 'median_between'; column: string; min?: number; max?: number }
    | { kind: 'std_between'; column: string; min?: number; max?: number }
    | { kind: 'column_pair'; left: string; op: '<' | '<=' | '=' | '!=' | '>' | '>='; right: string }
    | { kind: 'fresh'; column: string; maxAge: string | number }
    | { kind: 'no_duplicate_rows'; columns?: string[] }
    | { kind: 'references'; column: string; dataset: string; refColumn?: string }
    | { kind: 'column_exists'; column: string }
  )

/** The kinds of expectation. */
export type ExpectationKind = Expectation['kind']

/** A named set of expectations with a default policy. */
export interface ExpectationSuite {
  name?: string
  policy: ValidationPolicy
  expectations: Expectation[]
}

/** Kinds checked row by row (their failing rows can be quarantined). */
export const ROW_LEVEL_KINDS: readonly ExpectationKind[] = [
  'not_null',
  'unique',
  'between',
  'in_set',
  'not_in_set',
  'match_regex',
  'not_match_regex',
  'length_between',
  'column_pair',
  'no_duplicate_rows',
  'references',
]

/** Great Expectations names → ours, with GE's argument names. */
const GE_ALIASES: Record<string, { kind: ExpectationKind; args?: Record<string, string>; op?: string }> = {
  expect_column_values_to_not_be_null: { kind: 'not_null' },
  expect_column_values_to_be_unique: { kind: 'unique' },
  expect_compound_columns_to_be_unique: { kind: 'unique', args: { column_list: 'column' } },
  expect_column_values_to_be_between: {
    kind: 'between',
    args: { min_value: 'min', max_value: 'max', strict_min: 'strictMin', strict_max: 'strictMax' },
  },
  expect_column_values_to_be_in_set: { kind: 'in_set', args: { value_set: 'values' } },
  expect_column_values_to_not_be_in_set: { kind: 'not_in_set', args: { value_set: 'values' } },
  expect_column_values_to_match_regex: { kind: 'match_regex', args: { regex: 'pattern' } },
  expect_column_values_to_not_match_regex: { kind: 'not_match_regex', args: { regex: 'pattern' } },
  expect_column_value_lengths_to_be_between: {
    kind: 'length_between',
    args: { min_value: 'min', max_value: 'max' },
  },
  expect_table_row_count_to_be_between: {
    kind: 'row_count_between',
    args: { min_value: 'min', max_value: 'max' },
  },
  expect_column_mean_to_be_between: { kind: 'mean_between', args: { min_value: 'min', max_value: 'max' } },
  expect_column_median_to_be_between: {
    kind: 'median_between',
    args: { min_value: 'min', max_value: 'max' },
  },
  expect_column_stdev_to_be_between: { kind: 'std_between', args: { min_value: 'min', max_value: 'max' } },
  expect_column_pair_values_a_to_be_greater_than_b: {
    kind: 'column_pair',
    args: { column_A: 'left', column_B: 'right', column_a: 'left', column_b: 'right' },
    op: '>',
  },
  expect_column_pair_values_to_be_equal: {
    kind: 'column_pair',
    args: { column_A: 'left', column_B: 'right', column_a: 'left', column_b: 'right' },
    op: '=',
  },
  expect_column_to_exist: { kind: 'column_exists' },
  expect_table_rows_to_be_unique: { kind: 'no_duplicate_rows' },
}

const KINDS = new Set<string>([
  ...ROW_LEVEL_KINDS,
  'row_count_between',
  'mean_between',
  'median_between',
  'std_between',
  'fresh',
  'column_exists',
])

const REQUIRED: Partial<Record<ExpectationKind, string[]>> = {
  not_null: ['column'],
  unique: ['column'],
  between: ['column'],
  in_set: ['column', 'values'],
  not_in_set: ['column', 'values'],
  match_regex: ['column', 'pattern'],
  not_match_regex: ['column', 'pattern'],
  length_between: ['column'],
  mean_between: ['column'],
  median_between: ['column'],
  std_between: ['column'],
  column_pair: ['left', 'op', 'right'],
  fresh: ['column', 'maxAge'],
  references: ['column', 'dataset'],
  column_exists: ['column'],
}

const POLICIES = new Set(['fail', 'warn', 'quarantine'])
const OPS = new Set(['<', '<=', '=', '!=', '>', '>='])

/**
 * Read one expectation written as `{kind: 'between', column, min, max}`, as
 * `{between: {column, min, max}}`, or under its Great Expectations name and arguments
 * (`{expect_column_values_to_be_between: {column, min_value, max_value}}`).
 */
function normalizeExpectation(
  raw: unknown,
  path: string,
  issues: ValidationIssue[],
): Expectation | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({ code: 'CAIRN_VALIDATION_FAILED', path, message: 'an expectation must be an object' })
    return undefined
  }
  let obj = { ...(raw as Record<string, unknown>) }
  if (typeof obj.kind !== 'string' && typeof obj.expectation_type === 'string') {
    obj = { ...((obj.kwargs as Record<string, unknown>) ?? {}), kind: obj.expectation_type }
  }
  if (typeof obj.kind !== 'string') {
    const keys = Object.keys(obj)
    const only = keys.length === 1 ? keys[0] : undefined
    if (only && (KINDS.has(only) || only in GE_ALIASES)) {
      const inner = obj[only]
      obj = { ...(inner && typeof inner === 'object' ? (inner as Record<string, unknown>) : {}), kind: only }
    }
  }
  let kind = obj.kind
  if (typeof kind === 'string' && kind in GE_ALIASES) {
    const alias = GE_ALIASES[kind] as (typeof GE_ALIASES)[string]
    const mapped: Record<string, unknown> = { kind: alias.kind }
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'kind') continue
      mapped[alias.args?.[k] ?? k] = v
    }
    if (alias.op) mapped.op = alias.op === '>' && mapped.or_equal === true ? '>=' : alias.op
    delete mapped.or_equal
    obj = mapped
    kind = alias.kind
  }
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    issues.push({
      code: 'CAIRN_VALIDATION_FAILED',
      path: `${path}.kind`,
      message: `unknown expectation ${JSON.stringify(kind)}; known: ${[...KINDS].join(', ')} (or their Great Expectations names)`,
    })
    return undefined
  }
  for (const req of REQUIRED[kind as ExpectationKind] ?? []) {
    if (obj[req] === undefined)
      issues.push({
        code: 'CAIRN_VALIDATION_FAILED',
        path: `${path}.${req}`,
        message: `${kind} needs "${req}"`,
      })
  }
  if (obj.policy !== undefined && !POLICIES.has(String(obj.policy))) {
    issues.push({
      code: 'CAIRN_VALIDATION_FAILED',
      path: `${path}.policy`,
      message: 'policy is fail, warn or quarantine',
    })
  }
  if (obj.mostly !== undefined && (typeof obj.mostly !== 'number' || obj.mostly < 0 || obj.mostly > 1)) {
    issues.push({
      code: 'CAIRN_VALIDATION_FAILED',
      path: `${path}.mostly`,
      message: 'mostly is a fraction between 0 and 1',
    })
  }
  if (kind === 'column_pair' && !OPS.has(String(obj.op))) {
    issues.push({
      code: 'CAIRN_VALIDATION_FAILED',
      path: `${path}.op`,
      message: `op is one of ${[...OPS].join(' ')}`,
    })
  }
  if (
    (kind === 'in_set' || kind === 'not_in_set') &&
    obj.values !== undefined &&
    !Array.isArray(obj.values)
  ) {
    issues.push({ code: 'CAIRN_VALIDATION_FAILED', path: `${path}.values`, message: 'values is a list' })
  }
  if ((kind === 'match_regex' || kind === 'not_match_regex') && typeof obj.pattern === 'string') {
    try {
      new RegExp(obj.pattern)
    } catch (err) {
      issues.push({
        code: 'CAIRN_VALIDATION_FAILED',
        path: `${path}.pattern`,
        message: (err as Error).message,
      })
    }
  }
  if (kind === 'fresh' && obj.maxAge !== undefined && parseDuration(obj.maxAge) === undefined) {
    issues.push({
      code: 'CAIRN_VALIDATION_FAILED',
      path: `${path}.maxAge`,
      message: 'maxAge is milliseconds or a duration like 36h, 2d, 15m',
    })
  }
  return obj as unknown as Expectation
}

/**
 * Check and normalise a suite (from YAML, JSON or code): `{policy, expectations: [...]}` or just a
 * list. Every problem is reported at once.
 */
export function parseSuite(input: unknown, source = 'expectations'): ExpectationSuite {
  const issues: ValidationIssue[] = []
  const obj = Array.isArray(input) ? { expectations: input } : ((input ?? {}) as Record<string, unknown>)
  const policy = (obj.policy ?? 'fail') as ValidationPolicy
  if (!POLICIES.has(policy))
    issues.push({
      code: 'CAIRN_VALIDATION_FAILED',
      path: 'policy',
      message: 'policy is fail, warn or quarantine',
    })
  const list = obj.expectations
  if (!Array.isArray(list)) {
    issues.push({
      code: 'CAIRN_VALIDATION_FAILED',
      path: 'expectations',
      message: 'expectations must be a list',
    })
  }
  const expectations = (Array.isArray(list) ? list : [])
    .map((e, i) => normalizeExpectation(e, `expectations[${i}]`, issues))
    .filter((e): e is Expectation => e !== undefined)
  if (issues.length > 0) {
    throw new CairnValidationError(`${source} is not a valid expectation suite`, issues, {
      hint: 'Each expectation is {kind, column, …}, {kind: {…}}, or a Great Expectations name with its arguments.',
    })
  }
  return { ...(typeof obj.name === 'string' ? { name: obj.name } : {}), policy, expectations }
}

/** Declare a suite in TypeScript (checked like a YAML one). */
export function defineSuite(suite: {
  name?: string
  policy?: ValidationPolicy
  expectations: Expectation[]
}): ExpectationSuite {
  return parseSuite(suite, suite.name ?? 'defineSuite()')
}

/** Milliseconds in a duration given as a number (ms) or text like `36h`, `2d`, `15m`, `30s`. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value
  if (typeof value !== 'string') return undefined
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(value)
  if (!m) return undefined
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'ms']
  return Number(m[1]) * unit
}

/** A short label: `between(age)`, `column_pair(start < end)`. */
export function expectationLabel(e: Expectation): string {
  if (e.name) return e.name
  switch (e.kind) {
    case 'column_pair':
      return `column_pair(${e.left} ${e.op} ${e.right})`
    case 'row_count_between':
      return 'row_count_between'
    case 'no_duplicate_rows':
      return `no_duplicate_rows${e.columns ? `(${e.columns.join(', ')})` : ''}`
    case 'unique':
      return `unique(${Array.isArray(e.column) ? e.column.join(', ') : e.column})`
    default:
      return `${e.kind}(${e.column})`
  }
}
