import { describe, expect, it } from 'vitest'
import { categoryColumn, makeFrame, numericColumn } from '../../data/index.js'
import { SYNTHETIC_COLUMNS, type SyntheticColumn, syntheticFrame } from '../test-support/synthetic.js'
import { computeDrift, prepareReference } from './compute-drift.js'

const SHIFTED: SyntheticColumn[] = ['age', 'score', 'visits', 'plan', 'is_premium', 'review']

function flagged(report: ReturnType<typeof computeDrift>): string[] {
  return report.columns.filter((c) => c.drifted).map((c) => c.column)
}

describe('computeDrift', () => {
  it('flags exactly the shifted columns with p-value tests on a small reference', () => {
    const ref = syntheticFrame(800, 1)
    const cur = syntheticFrame(700, 2, SHIFTED)
    const report = computeDrift(ref, cur)
    const tests = Object.fromEntries(report.columns.map((c) => [c.column, c.test]))
    expect(tests).toEqual({
      age: 'ks',
      income: 'ks',
      score: 'ks',
      tenure: 'ks',
      visits: 'ks',
      rating: 'chisquare',
      plan: 'chisquare',
      region: 'chisquare',
      is_premium: 'z',
      review: 'domain_classifier',
    })
    expect(report.problems).toEqual([])
    expect(flagged(report).sort()).toEqual([...SHIFTED].sort())
    expect(report.evaluated).toBe(SYNTHETIC_COLUMNS.length)
    expect(report.driftShare).toBeCloseTo(SHIFTED.length / SYNTHETIC_COLUMNS.length, 12)
    expect(report.datasetDrift).toBe(true)
  })

  it('flags exactly the shifted columns with distance tests on a large reference', () => {
    const ref = prepareReference(syntheticFrame(5000, 3))
    const shifted: SyntheticColumn[] = ['income', 'tenure', 'rating', 'region', 'review']
    const report = computeDrift(ref, syntheticFrame(4000, 4, shifted))
    const byName = new Map(report.columns.map((c) => [c.column, c]))
    expect(byName.get('age')?.test).toBe('wasserstein')
    expect(byName.get('rating')?.test).toBe('jensenshannon')
    expect(byName.get('plan')?.test).toBe('jensenshannon')
    expect(byName.get('review')?.scoreKind).toBe('auc')
    expect(flagged(report).sort()).toEqual([...shifted].sort())
    expect(report.driftShare).toBe(0.5)
    expect(report.datasetDrift).toBe(true)
    const same = computeDrift(ref, syntheticFrame(4000, 5))
    expect(flagged(same)).toEqual([])
    expect(same.datasetDrift).toBe(false)
  })

  it('honours per-column, per-kind and global overrides and the drift share', () => {
    const ref = syntheticFrame(600, 6)
    const cur = syntheticFrame(600, 7, ['age'])
    const report = computeDrift(ref, cur, {
      numericTest: 'anderson',
      categoricalTest: 'psi',
      perColumn: {
        age: { test: 'psi', threshold: 0.05 },
        review: { test: 'domain_classifier', threshold: 0.9 },
      },
      exclude: ['income'],
      driftShare: 0.1,
    })
    const byName = new Map(report.columns.map((c) => [c.column, c]))
    expect(byName.has('income')).toBe(false)
    expect(byName.get('age')).toMatchObject({ test: 'psi', threshold: 0.05, drifted: true })
    expect(byName.get('score')).toMatchObject({ test: 'anderson', threshold: 0.1, scoreKind: 'p_value' })
    expect(byName.get('plan')).toMatchObject({ test: 'psi', threshold: 0.1 })
    expect(byName.get('review')).toMatchObject({ test: 'domain_classifier', threshold: 0.9, drifted: false })
    expect(report.datasetDrift).toBe(true)
  })

  it('reports bad input per column instead of failing or claiming no drift', () => {
    const ref = makeFrame([
      numericColumn('x', [1, 2, 3, 4, 5, 6, 7, 8]),
      numericColumn('all_nan', [
        Number.NaN,
        Number.NaN,
        Number.NaN,
        Number.NaN,
        Number.NaN,
        Number.NaN,
        Number.NaN,
        Number.NaN,
      ]),
      numericColumn('const', [5, 5, 5, 5, 5, 5, 5, 5]),
      numericColumn('const_moved', [5, 5, 5, 5, 5, 5, 5, 5]),
      numericColumn('typed', [1, 2, 3, 4, 5, 6, 7, 8]),
      numericColumn('gone', [1, 2, 3, 4, 5, 6, 7, 8]),
      numericColumn('when', [1, 2, 3, 4, 5, 6, 7, 8], 'datetime'),
      categoryColumn('cat', ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']),
    ])
    const cur = makeFrame([
      numericColumn('x', [Number.POSITIVE_INFINITY, 2, 3, Number.NaN, 5, 6]),
      numericColumn('all_nan', [1, 2, 3, 4, 5, 6]),
      numericColumn('const', [5, 5, 5, 5, 5, 5]),
      numericColumn('const_moved', [9, 9, 9, 9, 9, 9]),
      categoryColumn('typed', ['1', '2', '3', '4', '5', 'x']),
      numericColumn('when', [1, 2, 3, 4, 5, 6], 'datetime'),
      categoryColumn('cat', [null, null, null, null, null, null]),
    ])
    const r = computeDrift(ref, cur)
    const by = new Map(r.columns.map((c) => [c.column, c]))
    expect(by.get('x')).toMatchObject({
      status: 'ok',
      currentMissing: 1,
      currentNonFinite: 1,
      currentCount: 4,
    })
    expect(by.get('all_nan')).toMatchObject({ status: 'empty_reference', drifted: null })
    expect(by.get('const')).toMatchObject({ status: 'ok', drifted: false, score: 1 })
    expect(by.get('const_moved')).toMatchObject({ status: 'ok', drifted: true, test: 'z' })
    expect(by.get('typed')).toMatchObject({ status: 'type_mismatch', drifted: null })
    expect(by.get('gone')).toMatchObject({ status: 'missing_in_current', drifted: null })
    expect(by.get('when')).toMatchObject({ status: 'unsupported_type', drifted: null })
    expect(by.get('cat')).toMatchObject({ status: 'empty_current', drifted: null })
    expect(by.get('cat')?.message).toMatch(/all 6 missing/)
    expect(r.evaluated).toBe(3)
    expect(r.problems.map((p) => p.column).sort()).toEqual(['all_nan', 'cat', 'gone', 'typed', 'when'])

    const empty = computeDrift(ref, makeFrame([numericColumn('x', [])]))
    expect(empty.evaluated).toBe(0)
    expect(empty.datasetDrift).toBeNull()
    expect(empty.driftShare).toBeNull()
    expect(empty.columns.find((c) => c.column === 'x')).toMatchObject({
      status: 'empty_current',
      message: 'No current rows to test column "x"',
    })
  })

  it('refuses tests that do not fit the column kind', () => {
    const ref = syntheticFrame(300, 8)
    const r = computeDrift(ref, syntheticFrame(300, 9), { perColumn: { plan: { test: 'ks' } } })
    expect(r.columns.find((c) => c.column === 'plan')).toMatchObject({
      status: 'test_not_applicable',
      drifted: null,
    })
  })
})

describe('computeDriftParallel', () => {
  it('gives the same report as computeDrift, from a raw or a prepared reference', async () => {
    const { computeDriftParallel } = await import('./parallel-drift.js')
    const ref = syntheticFrame(3000, 11)
    const cur = syntheticFrame(2500, 12, ['age', 'plan'])
    const expected = computeDrift(ref, cur)
    const fromRaw = await computeDriftParallel(ref, cur, {}, { threads: 2, minRowsPerTask: 1000 })
    expect(fromRaw).toEqual(expected)
    const fromPrepared = await computeDriftParallel(
      prepareReference(ref),
      cur,
      {},
      { threads: 2, minRowsPerTask: 1000 },
    )
    expect(fromPrepared).toEqual(expected)
  })
})
