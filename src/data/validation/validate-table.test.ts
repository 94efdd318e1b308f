import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataEngine } from '../engine/duckdb-engine.js'
import { defineSchema } from '../schema/schema.js'
import { ingestSource } from '../sources/ingest-source.js'
import type { DataTable } from '../table/data-table.js'
import { tempDir, writeText } from '../testing/temp-data.js'
import { defineSuite, parseSuite } from './expectation.js'
import { formatValidationReport } from './report-text.js'
import { validateTable } from './validate-table.js'

const dir = tempDir()
let engine: DataEngine

beforeAll(async () => {
  engine = await DataEngine.create({ threads: 2 })
})
afterAll(async () => {
  await engine.close()
})

const schema = defineSchema({
  columns: [
    { name: 'id', type: 'integer', nullable: false, role: 'id' },
    { name: 'email', type: 'string' },
    { name: 'age', type: 'integer' },
    { name: 'country', type: 'category' },
    { name: 'spend', type: 'number' },
  ],
})

/**
 * 200 data rows (lines 2..201). Deliberately bad:
 * - malformed: line 11 (missing field), 22 (bad quoting), 33 (age not an integer), 44 (extra field)
 * - failing expectations: age out of range on lines 51, 61, 71; email not matching on line 81;
 *   country outside the set on lines 91 and 101; age missing on line 111 (and out of range on 61
 *   and bad email on 61 too: one row failing two expectations)
 */
function badCsv(): { path: string; malformedLines: number[]; failing: Record<string, number[]> } {
  const lines = ['id,email,age,country,spend']
  for (let i = 1; i <= 200; i++) {
    const line = i + 1
    let age = String(20 + (i % 50))
    let email = `user${i}@example.com`
    let country = ['FR', 'DE', 'ES'][i % 3] as string
    if (line === 51 || line === 71) age = '150'
    if (line === 61) {
      age = '-3'
      email = 'not-an-email'
    }
    if (line === 81) email = 'broken@'
    if (line === 91 || line === 101) country = 'XX'
    if (line === 111) age = ''
    let text = `${i},${email},${age},${country},${(i * 1.25).toFixed(2)}`
    if (line === 11) text = `${i},${email},${age},${country}`
    if (line === 22) text = `${i},"${email}"x,${age},${country},1.0`
    if (line === 33) text = `${i},${email},thirty,${country},1.0`
    if (line === 44) text = `${text},surplus`
    lines.push(text)
  }
  return {
    path: writeText(dir, 'customers.csv', `${lines.join('\n')}\n`),
    malformedLines: [11, 22, 33, 44],
    failing: { age: [51, 61, 71], email: [61, 81], country: [91, 101], missing: [111] },
  }
}

describe('validation with a quarantine policy (done-when)', () => {
  it('sets aside exactly the failing rows, keeps the good ones, and names every failing line', async () => {
    const csv = badCsv()
    const table = await ingestSource(engine, csv.path, { cacheDir: join(dir, 'cache'), schema })
    expect(table.rowCount).toBe(196)
    expect(table.malformed.rows.map((r) => r.line)).toEqual(csv.malformedLines)

    const suite = parseSuite({
      policy: 'quarantine',
      expectations: [
        { expect_column_values_to_be_between: { column: 'age', min_value: 0, max_value: 120 } },
        { kind: 'not_null', column: 'age' },
        { kind: 'match_regex', column: 'email', pattern: '^[^@]+@[^@]+\\.[a-z]+$' },
        { in_set: { column: 'country', values: ['FR', 'DE', 'ES'] } },
        { kind: 'unique', column: 'id' },
        { kind: 'row_count_between', min: 100, max: 1000 },
      ],
    })
    const { report, good, quarantined } = await validateTable(table, suite)
    // 7 distinct failing rows: 51, 61 (two expectations), 71, 81, 91, 101, 111
    expect(report.quarantinedRowCount).toBe(7)
    expect(report.goodRowCount).toBe(189)
    expect(good.rowCount).toBe(189)
    expect(quarantined?.rowCount).toBe(7)
    expect(report.malformed.count).toBe(4)
    expect(report.success).toBe(true)

    const byName = Object.fromEntries(report.results.map((r) => [r.name, r]))
    const lines = (name: string) => byName[name]?.sample.map((s) => s.line)
    expect(byName['between(age)']?.failingCount).toBe(3)
    expect(lines('between(age)')).toEqual(csv.failing.age)
    expect(lines('match_regex(email)')).toEqual(csv.failing.email)
    expect(lines('in_set(country)')).toEqual(csv.failing.country)
    expect(lines('not_null(age)')).toEqual(csv.failing.missing)
    expect(byName['unique(id)']?.status).toBe('passed')
    expect(byName['row_count_between']).toMatchObject({ status: 'passed', observed: 196 })
    expect(byName['between(age)']?.status).toBe('quarantined')

    const set = await quarantined?.toRows()
    expect(set?.map((r) => [r._cairn_line, r._cairn_failed])).toEqual([
      [51, 'between(age)'],
      [61, 'between(age); match_regex(email)'],
      [71, 'between(age)'],
      [81, 'match_regex(email)'],
      [91, 'in_set(country)'],
      [101, 'in_set(country)'],
      [111, 'not_null(age)'],
    ])
    const goodIds = (await good.toRows()).map((r) => r.id)
    expect(goodIds).not.toContain(60)
    expect(goodIds).toHaveLength(189)

    const text = formatValidationReport(report)
    expect(text).toContain('line 51, line 61, line 71')
    expect(text).toContain('customers.csv:11')
    expect(text).toContain('customers.csv:44')
    await good.drop()
    await quarantined?.drop()
    await table.drop()
  })
})

describe('expectations', () => {
  let t: DataTable
  beforeAll(async () => {
    t = await ingestSource(
      engine,
      {
        kind: 'rows',
        rows: [
          { id: 1, start: 1, end: 5, code: 'AB-1', ts: new Date('2026-11-22T08:00:00Z'), v: 10 },
          { id: 2, start: 2, end: 2, code: 'AB-22', ts: new Date('2026-11-21T08:00:00Z'), v: 20 },
          { id: 2, start: 7, end: 3, code: 'zz', ts: new Date('2026-11-20T08:00:00Z'), v: 30 },
          { id: 4, start: 1, end: 5, code: 'AB-1', ts: new Date('2026-11-22T08:00:00Z'), v: 10 },
          { id: 1, start: 1, end: 5, code: 'AB-1', ts: new Date('2026-11-22T08:00:00Z'), v: 10 },
        ],
      },
      { cacheDir: join(dir, 'cache') },
    )
  })

  it('evaluates every kind with the counts Great Expectations would give', async () => {
    const now = Date.parse('2026-11-22T12:00:00Z')
    const { report } = await validateTable(
      t,
      defineSuite({
        policy: 'warn',
        expectations: [
          { kind: 'unique', column: 'id' },
          { kind: 'no_duplicate_rows' },
          { kind: 'column_pair', left: 'end', op: '>=', right: 'start' },
          { kind: 'length_between', column: 'code', min: 3, max: 4 },
          { kind: 'not_match_regex', column: 'code', pattern: '^z' },
          { kind: 'not_in_set', column: 'code', values: ['zz'] },
          { kind: 'mean_between', column: 'v', min: 10, max: 15 },
          { kind: 'median_between', column: 'v', min: 10, max: 10 },
          { kind: 'std_between', column: 'v', min: 0, max: 1 },
          { kind: 'fresh', column: 'ts', maxAge: '6h' },
          { kind: 'fresh', column: 'ts', maxAge: '1h', name: 'fresh within an hour' },
          { kind: 'column_exists', column: 'missing' },
          { kind: 'between', column: 'v', min: 0, max: 100, mostly: 0.5 },
          { kind: 'in_set', column: 'code', values: ['AB-1'], mostly: 0.5 },
        ],
      }),
      { now },
    )
    const got = Object.fromEntries(report.results.map((r) => [r.name, [r.status, r.failingCount]]))
    expect(got).toEqual({
      'unique(id)': ['warned', 4],
      no_duplicate_rows: ['warned', 1],
      'column_pair(end >= start)': ['warned', 1],
      'length_between(code)': ['warned', 2],
      'not_match_regex(code)': ['warned', 1],
      'not_in_set(code)': ['warned', 1],
      'mean_between(v)': ['warned', 1],
      'median_between(v)': ['passed', 0],
      'std_between(v)': ['warned', 1],
      'fresh(ts)': ['passed', 0],
      'fresh within an hour': ['warned', 1],
      'column_exists(missing)': ['warned', 1],
      'between(v)': ['passed', 0],
      'in_set(code)': ['passed', 2],
    })
    expect(report.success).toBe(true)
    expect(report.results.find((r) => r.name === 'mean_between(v)')?.observed).toBe(16)
  })

  it("fails with CAIRN_EXPECTATIONS_FAILED under policy 'fail' and reports unknown columns", async () => {
    await expect(
      validateTable(t, defineSuite({ expectations: [{ kind: 'unique', column: 'id' }] })),
    ).rejects.toMatchObject({
      code: 'CAIRN_EXPECTATIONS_FAILED',
      message: expect.stringContaining('unique(id) (4 rows'),
    })
    const { report } = await validateTable(
      t,
      defineSuite({ expectations: [{ kind: 'not_null', column: 'nope' }] }),
      {
        throwOnFailure: false,
      },
    )
    expect(report.success).toBe(false)
    expect(report.results[0]?.error).toContain('"nope"')
  })

  it('checks references against another table', async () => {
    const ref = await ingestSource(
      engine,
      { kind: 'rows', rows: [{ id: 1 }, { id: 2 }] },
      { cacheDir: join(dir, 'cache') },
    )
    const { report } = await validateTable(
      t,
      defineSuite({ policy: 'warn', expectations: [{ kind: 'references', column: 'id', dataset: 'ids' }] }),
      { resolveReference: async () => ref.relation },
    )
    expect(report.results[0]).toMatchObject({ status: 'warned', failingCount: 1 })
  })

  it('adds the rules a schema implies and rejects malformed suites with every problem listed', async () => {
    const strict = await ingestSource(
      engine,
      { kind: 'rows', rows: [{ c: 'a' }, { c: 'b' }, { c: null }] },
      {
        cacheDir: join(dir, 'cache'),
        schema: defineSchema({
          columns: [{ name: 'c', type: 'category', nullable: false, categories: ['a'] }],
        }),
      },
    )
    const { report } = await validateTable(strict, defineSuite({ policy: 'warn', expectations: [] }))
    expect(report.results.map((r) => [r.name, r.failingCount])).toEqual([
      ['schema: not_null(c)', 1],
      ['schema: in_set(c)', 1],
    ])
    expect(() =>
      parseSuite({
        policy: 'explode',
        expectations: [{ kind: 'between' }, { kind: 'match_regex', column: 'x', pattern: '(' }, { nope: {} }],
      }),
    ).toThrowError(
      expect.objectContaining({
        code: 'CAIRN_VALIDATION_FAILED',
        issues: expect.arrayContaining([
          expect.objectContaining({ path: 'policy' }),
          expect.objectContaining({ path: 'expectations[0].column' }),
          expect.objectContaining({ path: 'expectations[1].pattern' }),
          expect.objectContaining({ path: 'expectations[2].kind' }),
        ]),
      }),
    )
  })

  it('quarantines correctly when data columns share names with internal ones', async () => {
    const odd = await ingestSource(
      engine,
      {
        kind: 'rows',
        rows: [
          { f0: 1, d0: 'x' },
          { f0: -1, d0: 'y' },
          { f0: 2, d0: 'z' },
        ],
      },
      { cacheDir: join(dir, 'cache') },
    )
    const { good, quarantined } = await validateTable(
      odd,
      defineSuite({ policy: 'quarantine', expectations: [{ kind: 'between', column: 'f0', min: 0 }] }),
    )
    expect((await good.toRows()).map((r) => r.d0)).toEqual(['x', 'z'])
    expect(await quarantined?.toRows()).toEqual([
      { f0: -1, d0: 'y', _cairn_failed: 'between(f0)', _cairn_row: 2 },
    ])
  })
})
