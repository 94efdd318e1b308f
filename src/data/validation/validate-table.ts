import { CairnError, getLogger } from '../../core/index.js'
import { quoteIdent, sqlString } from '../engine/sql.js'
import type { DatasetSchema } from '../schema/schema.js'
import type { MalformedReport } from '../sources/malformed.js'
import { DataTable } from '../table/data-table.js'
import type { RowLocation } from '../table/row-locator.js'
import {
  type CompiledExpectation,
  compileExpectation,
  type ReferenceResolver,
} from './compile-expectation.js'
import {
  type Expectation,
  type ExpectationKind,
  type ExpectationSuite,
  expectationLabel,
  type ValidationPolicy,
} from './expectation.js'

/** One failing row shown in a report. */
export interface FailingRow {
  /** 1-based position in the validated table. */
  row: number
  /** Where it came from, for ingested files. */
  file?: string
  line?: number
  values: Record<string, unknown>
}

/** The outcome of one expectation. */
export interface ExpectationResult {
  name: string
  kind: ExpectationKind
  column?: string
  policy: ValidationPolicy
  /** `passed`, or what the policy did about the failure. */
  status: 'passed' | 'failed' | 'warned' | 'quarantined'
  /** Rows that fail (row-level expectations). */
  failingCount: number
  /** Rows the expectation applies to (non-missing values for most). */
  elementCount: number
  failingFraction: number
  /** The aggregate seen, for table-level expectations. */
  observed?: unknown
  expected: string
  /** The first failing rows, with their file lines when known. */
  sample: FailingRow[]
  /** Set when the expectation could not run (e.g. an unknown column). */
  error?: string
}

/** A validation report: JSON for machines, `formatValidationReport` for people. */
export interface ValidationReport {
  /** False when an expectation with policy `fail` failed. */
  success: boolean
  suite?: string
  policy: ValidationPolicy
  /** What was validated (a source or `name@version`). */
  target?: string
  /** Rows validated (the readable rows). */
  rowCount: number
  /** Rows kept (all of them unless rows were quarantined). */
  goodRowCount: number
  /** Rows set aside by `quarantine` expectations. */
  quarantinedRowCount: number
  /** Rows the source had that could not be read at all (listed with lines). */
  malformed: MalformedReport
  results: ExpectationResult[]
  startedAt: number
  durationMs: number
}

/** Settings for a validation run. */
export interface ValidateOptions {
  /** Overrides the suite's policy. */
  policy?: ValidationPolicy
  /** Failing rows shown per expectation (default 10). */
  sampleSize?: number
  /** Add the schema's own rules: `nullable: false` → not_null, `categories` → in_set (default true). */
  schemaExpectations?: boolean
  /** Looks up datasets named by `references` expectations. */
  resolveReference?: ReferenceResolver
  /** The clock for `fresh` (default now). */
  now?: number
  /** Throw CAIRN_EXPECTATIONS_FAILED when the report fails (default true). */
  throwOnFailure?: boolean
  /** Names the target in the report. */
  target?: string
}

/** A report plus the rows to go on with and the rows set aside. */
export interface ValidationOutcome {
  report: ValidationReport
  /** The rows that passed every quarantine expectation (the input itself when none was set aside). */
  good: DataTable
  /** Rows set aside, with `_cairn_failed` (labels), `_cairn_row` and, for files, `_cairn_file`/`_cairn_line`. */
  quarantined?: DataTable
}

const QUARANTINE_LINE_LIMIT = 100_000

/** The expectations a schema implies: not-null columns and declared categories. */
export function schemaExpectations(schema: DatasetSchema): Expectation[] {
  const out: Expectation[] = []
  for (const c of schema.columns) {
    if (!c.nullable) out.push({ kind: 'not_null', column: c.name, name: `schema: not_null(${c.name})` })
    if (c.type === 'category' && c.categories)
      out.push({ kind: 'in_set', column: c.name, values: c.categories, name: `schema: in_set(${c.name})` })
  }
  return out
}

/**
 * Validate a table against a suite. Row-level expectations are compiled into one DuckDB query
 * that counts every expectation's failing rows in a single scan; table-level ones (row count,
 * mean, median, freshness) into one aggregate query. For failures, the first failing rows are
 * fetched with their file lines. Policies: `fail` makes the report fail (and throws
 * CAIRN_EXPECTATIONS_FAILED unless `throwOnFailure: false`), `warn` logs, `quarantine` moves
 * failing rows into a table of their own and goes on with the good ones.
 */
export async function validateTable(
  table: DataTable,
  suite: ExpectationSuite,
  options: ValidateOptions = {},
): Promise<ValidationOutcome> {
  const startedAt = Date.now()
  const engine = table.engine
  const suitePolicy = options.policy ?? suite.policy
  const expectations = [
    ...(options.schemaExpectations === false ? [] : schemaExpectations(table.schema)),
    ...suite.expectations,
  ]
  const sampleSize = options.sampleSize ?? 10
  const compiled: { e: Expectation; c?: CompiledExpectation; error?: string }[] = []
  for (const e of expectations) {
    try {
      compiled.push({
        e,
        c: await compileExpectation(e, table.schema, table.relation, options.resolveReference, options.now),
      })
    } catch (err) {
      if (!(err instanceof CairnError)) throw err
      compiled.push({ e, error: err.message })
    }
  }
  const rowLevel = compiled.filter((x) => x.c?.level === 'row')
  const tableLevel = compiled.filter((x) => x.c?.level === 'table')
  const counts = new Map<number, { failing: number; elements: number }>()
  // one scan evaluates every row-level expectation into a flags table (row-aligned with the
  // input), which then gives the counts, the samples and the quarantine split
  const flags = rowLevel.length > 0 ? engine.tempName('flags') : undefined
  if (flags) {
    const inner = rowLevel
      .map((x, i) => {
        const c = x.c as Extract<CompiledExpectation, { level: 'row' }>
        return `${c.failing} AS f${i}, coalesce(${c.denominator}, false) AS d${i}`
      })
      .join(', ')
    await engine.run(
      `CREATE TABLE ${quoteIdent(flags)} AS SELECT rowid AS __rid, ${inner} FROM ${table.relation}`,
      'Validating',
    )
    const outer = rowLevel
      .map((_, i) => `count(*) FILTER (WHERE f${i}) AS f${i}, count(*) FILTER (WHERE d${i}) AS d${i}`)
      .join(', ')
    const r = (await engine.row(`SELECT ${outer} FROM ${quoteIdent(flags)}`, 'Validating')) ?? {}
    for (let i = 0; i < rowLevel.length; i++) {
      counts.set(i, { failing: Number(r[`f${i}`] ?? 0), elements: Number(r[`d${i}`] ?? 0) })
    }
  }
  const observed = new Map<number, unknown>()
  if (tableLevel.length > 0) {
    const select = tableLevel
      .map((x, i) => `${(x.c as Extract<CompiledExpectation, { level: 'table' }>).aggregate} AS a${i}`)
      .join(', ')
    const r = (await engine.row(`SELECT ${select} FROM ${table.relation}`, 'Validating')) ?? {}
    for (let i = 0; i < tableLevel.length; i++) observed.set(i, r[`a${i}`])
  }

  const policyOf = (e: Expectation): ValidationPolicy => e.policy ?? suitePolicy
  const results: ExpectationResult[] = []
  const failingRowLevel: { index: number; result: ExpectationResult; quarantine: boolean }[] = []
  for (const x of compiled) {
    const policy = policyOf(x.e)
    const base = {
      name: expectationLabel(x.e),
      kind: x.e.kind,
      ...(columnOf(x.e) ? { column: columnOf(x.e) as string } : {}),
      policy,
      sample: [] as FailingRow[],
    }
    if (!x.c) {
      results.push({
        ...base,
        status: failStatus(policy, false),
        failingCount: 0,
        elementCount: 0,
        failingFraction: 0,
        expected: '',
        error: x.error as string,
      })
      continue
    }
    if (x.c.level === 'schema') {
      results.push({
        ...base,
        status: x.c.passed ? 'passed' : failStatus(policy, false),
        failingCount: x.c.passed ? 0 : 1,
        elementCount: 1,
        failingFraction: x.c.passed ? 0 : 1,
        observed: x.c.observed,
        expected: x.c.expected,
      })
      continue
    }
    if (x.c.level === 'table') {
      const i = tableLevel.indexOf(x)
      const v = observed.get(i)
      const passed = x.c.test(v)
      results.push({
        ...base,
        status: passed ? 'passed' : failStatus(policy, false),
        failingCount: passed ? 0 : 1,
        elementCount: 1,
        failingFraction: passed ? 0 : 1,
        observed: v instanceof Date ? v.toISOString() : v,
        expected: x.c.expected,
      })
      continue
    }
    const i = rowLevel.indexOf(x)
    const { failing, elements } = counts.get(i) ?? { failing: 0, elements: 0 }
    const fraction = elements > 0 ? failing / elements : 0
    const mostly = x.e.mostly ?? 1
    const passed = failing === 0 || 1 - fraction >= mostly
    const result: ExpectationResult = {
      ...base,
      status: passed ? 'passed' : failStatus(policy, true),
      failingCount: failing,
      elementCount: elements,
      failingFraction: fraction,
      expected: x.c.expected,
    }
    results.push(result)
    if (failing > 0)
      failingRowLevel.push({ index: i, result, quarantine: !passed && policy === 'quarantine' })
  }

  let good = table
  let quarantined: DataTable | undefined
  let quarantinedCount = 0
  if (flags && failingRowLevel.length > 0) {
    try {
      await fillSamples(table, flags, failingRowLevel, sampleSize)
      const q = failingRowLevel
        .map((f) => (f.quarantine ? `f.f${f.index}` : undefined))
        .filter((x): x is string => !!x)
      if (q.length > 0) {
        const anyBad = q.join(' OR ')
        const goodName = engine.tempName('good')
        const badName = engine.tempName('quarantine')
        const cols = table.schema.columns.map((c) => `t.${quoteIdent(c.name)}`).join(', ')
        await engine.run(
          `CREATE TABLE ${quoteIdent(goodName)} AS SELECT ${cols} FROM ${table.relation} AS t POSITIONAL JOIN ${quoteIdent(flags)} AS f WHERE NOT (${anyBad})`,
          'Quarantining rows',
        )
        const labels = failingRowLevel
          .map((f) =>
            f.quarantine ? `CASE WHEN f.f${f.index} THEN ${sqlString(f.result.name)} END` : undefined,
          )
          .filter((x): x is string => !!x)
        await engine.run(
          `CREATE TABLE ${quoteIdent(badName)} AS SELECT ${cols}, array_to_string(list_filter([${labels.join(', ')}], x -> x IS NOT NULL), '; ') AS _cairn_failed, CAST(f.__rid + 1 AS BIGINT) AS _cairn_row FROM ${table.relation} AS t POSITIONAL JOIN ${quoteIdent(flags)} AS f WHERE ${anyBad}`,
          'Quarantining rows',
        )
        quarantinedCount = Number(await engine.value(`SELECT count(*) FROM ${quoteIdent(badName)}`))
        const extra = await addLines(table, badName, quarantinedCount)
        const goodCount = table.rowCount - quarantinedCount
        good = table.derive(goodName, {
          schema: table.schema,
          rowCount: goodCount,
          lineage: {
            ...table.lineage,
            transform: {
              ...(table.lineage.transform ?? { kind: 'ingest' }),
              params: { ...table.lineage.transform?.params, quarantined: quarantinedCount },
            },
          },
          malformed: table.malformed,
        })
        quarantined = new DataTable(engine, badName, {
          schema: {
            columns: [
              ...table.schema.columns,
              { name: '_cairn_failed', type: 'string', nullable: false, role: 'ignore' },
              { name: '_cairn_row', type: 'integer', nullable: false, role: 'ignore' },
              ...extra,
            ],
          },
          rowCount: quarantinedCount,
          lineage: {
            ...table.lineage,
            transform: { kind: 'quarantine', description: `rows failing ${q.length} expectation(s)` },
          },
        })
      }
    } finally {
      await engine.drop(flags)
    }
  }
  if (flags) await engine.drop(flags)

  const success = !results.some((r) => r.status === 'failed')
  const report: ValidationReport = {
    success,
    ...(suite.name ? { suite: suite.name } : {}),
    policy: suitePolicy,
    ...(options.target
      ? { target: options.target }
      : table.lineage.source
        ? { target: table.lineage.source.uri }
        : {}),
    rowCount: table.rowCount,
    goodRowCount: table.rowCount - quarantinedCount,
    quarantinedRowCount: quarantinedCount,
    malformed: table.malformed,
    results,
    startedAt,
    durationMs: Date.now() - startedAt,
  }
  const warned = results.filter((r) => r.status === 'warned')
  if (warned.length > 0) {
    getLogger('data').warn(
      { expectations: warned.map((w) => w.name), target: report.target },
      'expectations failed (policy warn)',
    )
  }
  if (!success && options.throwOnFailure !== false) {
    if (good !== table) await good.drop()
    if (quarantined) await quarantined.drop()
    const failed = results.filter((r) => r.status === 'failed')
    throw new CairnError(
      'CAIRN_EXPECTATIONS_FAILED',
      `${failed.length} expectation${failed.length === 1 ? '' : 's'} failed: ${failed
        .map(
          (f) =>
            `${f.name} (${f.error ?? (f.kind === 'row_count_between' || f.observed !== undefined ? `observed ${JSON.stringify(f.observed)}` : `${f.failingCount} rows${f.sample[0]?.line ? `, first at line ${f.sample[0].line}` : ''}`)})`,
        )
        .join('; ')}`,
      {
        details: { report },
        hint: 'Fix the data, relax the expectation (mostly), or use policy warn/quarantine.',
      },
    )
  }
  return { report, good, ...(quarantined ? { quarantined } : {}) }
}

function failStatus(policy: ValidationPolicy, rowLevel: boolean): ExpectationResult['status'] {
  if (policy === 'warn') return 'warned'
  if (policy === 'quarantine' && rowLevel) return 'quarantined'
  return 'failed'
}

function columnOf(e: Expectation): string | undefined {
  if ('column' in e && e.column !== undefined) return Array.isArray(e.column) ? e.column.join(', ') : e.column
  if (e.kind === 'column_pair') return `${e.left}, ${e.right}`
  return undefined
}

async function fillSamples(
  table: DataTable,
  flags: string,
  failing: { index: number; result: ExpectationResult }[],
  sampleSize: number,
): Promise<void> {
  if (sampleSize <= 0) return
  const engine = table.engine
  const per = await Promise.all(
    failing.map((x) =>
      engine.rows(
        `SELECT f.__rid AS __rid, t.* FROM ${table.relation} AS t POSITIONAL JOIN ${quoteIdent(flags)} AS f WHERE f.f${x.index} LIMIT ${sampleSize}`,
      ),
    ),
  )
  const rowids = [...new Set(per.flat().map((r) => Number(r.__rid)))]
  const where: Map<number, RowLocation> = table.locator ? await table.locator.locate(rowids) : new Map()
  failing.forEach((f, k) => {
    f.result.sample = (per[k] ?? []).map((r) => {
      const rid = Number(r.__rid)
      const { __rid: _, ...values } = r
      const loc = where.get(rid)
      return {
        row: rid + 1,
        ...(loc ? { file: loc.file } : {}),
        ...(loc?.line !== undefined ? { line: loc.line } : {}),
        values,
      }
    })
  })
}

async function addLines(
  table: DataTable,
  badName: string,
  count: number,
): Promise<{ name: string; type: 'string' | 'integer'; nullable: boolean; role: 'ignore' }[]> {
  if (!table.locator || count === 0 || count > QUARANTINE_LINE_LIMIT) return []
  const engine = table.engine
  const rows = await engine.rows<{ r: number }>(`SELECT _cairn_row - 1 AS r FROM ${quoteIdent(badName)}`)
  const rowids = rows.map((x) => Number(x.r))
  const located = await table.locator.locate(rowids)
  const linesName = engine.tempName('lines')
  await engine.run(`CREATE TABLE ${quoteIdent(linesName)} (_cairn_file VARCHAR, _cairn_line BIGINT)`)
  try {
    for (let i = 0; i < rowids.length; i += 1000) {
      const part = rowids
        .slice(i, i + 1000)
        .map((r) => {
          const loc = located.get(r)
          return `(${sqlString(loc?.file ?? '')}, ${loc?.line ?? 'NULL'})`
        })
        .join(', ')
      await engine.run(`INSERT INTO ${quoteIdent(linesName)} VALUES ${part}`)
    }
    const tmp = engine.tempName('quarantine')
    await engine.run(
      `CREATE TABLE ${quoteIdent(tmp)} AS SELECT * FROM ${quoteIdent(badName)} POSITIONAL JOIN ${quoteIdent(linesName)}`,
    )
    await engine.drop(badName)
    await engine.run(`ALTER TABLE ${quoteIdent(tmp)} RENAME TO ${quoteIdent(badName)}`)
  } finally {
    await engine.drop(linesName)
  }
  return [
    { name: '_cairn_file', type: 'string', nullable: true, role: 'ignore' },
    { name: '_cairn_line', type: 'integer', nullable: true, role: 'ignore' },
  ]
}
