import { describe, expect, it } from 'vitest'
import { categoryColumn, makeFrame, numericColumn } from '../../data/index.js'
import { checkQuality } from './check-quality.js'
import { profileReference } from './reference-profile.js'

const reference = makeFrame([
  numericColumn('age', [20, 30, 40, 50, 60, Number.NaN, 35, 45, 25, 55]),
  categoryColumn('plan', ['a', 'b', 'a', 'c', 'b', 'a', 'c', 'b', 'a', 'a']),
  numericColumn('flag', [1, 0, 1, 0, 1, 0, 1, 0, 1, 0], 'boolean'),
  numericColumn('id', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
])

const byKey = (r: ReturnType<typeof checkQuality>) =>
  new Map(r.checks.map((c) => [`${c.check}:${c.column}`, c]))

describe('checkQuality', () => {
  it('passes data that looks like the reference', () => {
    const profile = profileReference(reference)
    const r = checkQuality(profile, reference, {}, { expectedRows: 10 })
    expect(r.failures).toBe(0)
    expect(r.checks.every((c) => c.status === 'pass')).toBe(true)
  })

  it('finds missing values, out-of-range values, new categories, schema and volume problems', () => {
    const profile = profileReference(reference, {
      columns: [{ name: 'flag', type: 'boolean', nullable: false }],
    })
    const current = makeFrame([
      numericColumn('age', [22, Number.NaN, Number.NaN, 95, -3, 33]),
      categoryColumn('plan', ['a', 'z', 'z', 'y', null, 'b']),
      numericColumn('flag', [1, Number.NaN, 0, 1, 1, 0], 'boolean'),
      categoryColumn('extra', ['x', 'x', 'x', 'x', 'x', 'x']),
    ])
    const r = checkQuality(profile, current, { volume: { expectedRows: 100, maxChange: 0.5 } })
    const c = byKey(r)
    expect(c.get('missing_share:age')).toMatchObject({ status: 'fail', observed: 2 / 6 })
    expect(c.get('out_of_range:age')).toMatchObject({
      status: 'fail',
      observed: 2 / 4,
      examples: ['95', '-3'],
    })
    expect(c.get('new_categories:plan')).toMatchObject({
      status: 'fail',
      observed: 3 / 5,
      examples: ['z', 'y'],
    })
    expect(c.get('not_null:flag')).toMatchObject({ status: 'fail', observed: 1 })
    expect(c.get('new_categories:flag')).toMatchObject({ status: 'pass' })
    expect(c.get('missing_column:id')).toMatchObject({ status: 'fail' })
    expect(c.get('unexpected_column:extra')).toMatchObject({ status: 'warn' })
    expect(c.get('volume:null')).toMatchObject({ status: 'fail', observed: 6 })
    expect(c.get('missing_share:plan')).toMatchObject({ status: 'fail', observed: 1 / 6 })
    expect(r.failures).toBe(8)
    expect(r.warnings).toBe(1)
  })

  it('reports type changes, all-missing columns, empty windows and unknown volume', () => {
    const profile = profileReference(reference)
    const typed = makeFrame([
      categoryColumn('age', ['x', 'y']),
      categoryColumn('plan', [null, null]),
      numericColumn('flag', [1, 1], 'boolean'),
      numericColumn('id', [1, 2]),
    ])
    const c = byKey(checkQuality(profile, typed))
    expect(c.get('column_type:age')).toMatchObject({
      status: 'fail',
      observed: 'category',
      expected: 'number',
    })
    expect(c.get('missing_share:plan')).toMatchObject({ status: 'fail', observed: 1 })
    expect(c.get('missing_share:plan')?.message).toMatch(/entirely missing/)
    expect(c.get('volume:null')).toMatchObject({ status: 'skipped' })
  })

  it('an empty window is "no data": no column fails, the volume fails only when the monitor asks for one', () => {
    const profile = profileReference(reference)
    const withColumns = makeFrame([numericColumn('age', []), categoryColumn('plan', [])])
    const noColumns = makeFrame([])
    for (const empty of [withColumns, noColumns]) {
      // the expectation from earlier windows: reported, not a failure
      const e = checkQuality(profile, empty, {}, { expectedRows: 10 })
      expect(e).toMatchObject({ failures: 0, warnings: 1, rowCount: 0 })
      expect(e.checks).toEqual([
        {
          check: 'volume',
          column: null,
          status: 'warn',
          observed: 0,
          expected: '5–15 rows',
          message: 'No data: the window is empty (expected about 10 rows)',
        },
      ])
      // no expectation yet
      const first = checkQuality(profile, empty)
      expect(first.failures).toBe(0)
      expect(first.checks.map((c) => `${c.check}:${c.status}`)).toEqual(['volume:skipped'])
      // the monitor asks for a volume: zero rows is outside it
      const asked = checkQuality(profile, empty, { volume: { expectedRows: 200 } })
      expect(asked.failures).toBe(1)
      expect(byKey(asked).get('volume:null')).toMatchObject({ status: 'fail', observed: 0 })
      const fromHistory = checkQuality(profile, empty, { volume: { maxChange: 0.3 } }, { expectedRows: 10 })
      expect(byKey(fromHistory).get('volume:null')).toMatchObject({ status: 'fail', expected: '7–13 rows' })
      const tolerant = checkQuality(profile, empty, { volume: { maxChange: 1 } }, { expectedRows: 10 })
      expect(tolerant.failures).toBe(0)
    }
  })
})
