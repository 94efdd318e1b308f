import { describe, expect, it } from 'vitest'
import {
  categoryColumn,
  frameFromRows,
  frameToRows,
  getColumn,
  makeFrame,
  numericColumn,
  takeRows,
} from './frame-ops.js'

describe('frame', () => {
  it('round-trips rows with inferred types and missing values', () => {
    const rows = [
      { x: 1.5, c: 'a', b: true },
      { x: null, c: 'b', b: false },
      { x: 3, c: null, b: null },
    ]
    const f = frameFromRows(rows)
    expect(f.columns.map((c) => c.type)).toEqual(['number', 'category', 'boolean'])
    expect(frameToRows(f)).toEqual(rows)
  })

  it('takes rows in order with repeats', () => {
    const f = makeFrame([numericColumn('x', [1, 2, 3]), categoryColumn('c', ['a', null, 'b'])])
    expect(frameToRows(takeRows(f, [2, 0, 2]))).toEqual([
      { x: 3, c: 'b' },
      { x: 1, c: 'a' },
      { x: 3, c: 'b' },
    ])
  })

  it('names the missing column and the bad cell', () => {
    const f = frameFromRows([{ x: 1 }])
    expect(() => getColumn(f, 'y')).toThrow(expect.objectContaining({ code: 'CAIRN_COLUMN_NOT_FOUND' }))
    expect(() => frameFromRows([{ x: 'abc' }], { x: 'number' })).toThrow(
      expect.objectContaining({ code: 'CAIRN_TYPE_CAST_FAILED', message: expect.stringContaining('"x"') }),
    )
    expect(() => makeFrame([numericColumn('a', [1]), numericColumn('b', [1, 2])])).toThrow(/expected 1/)
  })
})
