import { describe, expect, it } from 'vitest'
import { parseCsvHead } from '../../src/server/routes/native/artifact-preview.js'
import { alignSeries, smooth } from '../../ui/src/charts/smoothing.js'
import {
  defaultColumns,
  formatColumns,
  grammarKey,
  orderClause,
  parseColumns,
} from '../../ui/src/pages/runs/columns.js'

describe('chart data', () => {
  it('smooths like TensorBoard (debiased EMA) and keeps gaps', () => {
    expect(smooth([1, 2, 3], 0)).toEqual([1, 2, 3])
    const s = smooth([10, null, 10, 20], 0.5)
    expect(s[0]).toBeCloseTo(10, 12) // debiased: the first point is not pulled to 0
    expect(s[1]).toBeNull()
    expect(s[2]).toBeCloseTo(10, 12)
    expect(s[3]).toBeCloseTo((0.5 ** 3 * 10 + 0.5 ** 2 * 10 + 0.5 * 20) / (1 - 0.5 ** 3), 12)
  })

  it('aligns series with different x values on one sorted axis with nulls where a series has no point', () => {
    const { x, ys } = alignSeries(
      [
        [0, 2, 4],
        [1, 2, 5],
      ],
      [
        [10, 12, 14],
        [21, 22, 25],
      ],
    )
    expect(Array.from(x)).toEqual([0, 1, 2, 4, 5])
    expect(ys[0]).toEqual([10, null, 12, 14, null])
    expect(ys[1]).toEqual([null, 21, 22, null, 25])
  })
})

describe('runs table columns and order', () => {
  it('round-trips chosen columns through the URL, keys with odd characters included', () => {
    const cols = [
      { kind: 'metric' as const, key: 'val/loss' },
      { kind: 'param' as const, key: 'max_depth' },
      { kind: 'tag' as const, key: 'team,a' },
    ]
    expect(parseColumns(formatColumns(cols))).toEqual(cols)
    expect(parseColumns(null)).toBeUndefined()
    expect(parseColumns(',')).toEqual([])
  })

  it("writes keys in the filter grammar's form and orders by start time unless told", () => {
    expect(grammarKey({ kind: 'metric', key: 'rmse' })).toBe('metrics.rmse')
    expect(grammarKey({ kind: 'metric', key: 'val/loss' })).toBe('metrics.`val/loss`')
    expect(grammarKey({ kind: 'tag', key: 'mlflow.runName' })).toBe('tags.mlflow.runName')
    expect(orderClause(null)).toEqual(['attributes.start_time DESC'])
    expect(orderClause('metrics.rmse:desc')).toEqual(['metrics.rmse DESC'])
    expect(orderClause('params.model:asc')).toEqual(['params.model ASC'])
    expect(defaultColumns({ metrics: ['a', 'b'], params: ['p'] })).toEqual([
      { kind: 'metric', key: 'a' },
      { kind: 'metric', key: 'b' },
      { kind: 'param', key: 'p' },
    ])
  })
})

describe('CSV previews', () => {
  it('reads quoted cells, doubled quotes, CRLF and tabs; drops a cut-off last line', () => {
    expect(parseCsvHead('a,b\r\n"x, y","say ""hi"""\r\n1,2', 10, true)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', '2'],
    ])
    expect(parseCsvHead('a\tb\n1\t2\n3\t', 10, false)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ])
    expect(parseCsvHead('h\n1\n2\n3\n', 2, true)).toEqual([['h'], ['1']])
  })
})
