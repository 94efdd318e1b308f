import { describe, expect, it } from 'vitest'
import { isSortedAscending, radixSortInPlace, sortFinite } from './sort.js'

describe('sortFinite', () => {
  it('drops NaN and infinities and sorts small arrays', () => {
    const r = sortFinite([3, Number.NaN, -1, Number.POSITIVE_INFINITY, 2, -0, 0, Number.NEGATIVE_INFINITY])
    expect(Array.from(r.values)).toEqual([-1, -0, 0, 2, 3])
    expect(r.dropped).toBe(3)
  })

  it('radix-sorts large arrays exactly like the built-in sort', () => {
    const n = 50_000
    const x = new Float64Array(n)
    let s = 7
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0
      const u = s / 2 ** 32
      x[i] = i % 7 === 0 ? Math.floor(u * 10) - 5 : (u - 0.5) * 10 ** ((i % 9) - 4)
    }
    const expected = x.slice().sort()
    const r = sortFinite(x)
    expect(r.dropped).toBe(0)
    expect(isSortedAscending(r.values)).toBe(true)
    expect(r.values).toEqual(expected)
  })

  it('sorts a subarray view in place without touching the rest of the buffer', () => {
    const base = new Float64Array(5000).map((_, i) => (i * 7919) % 5000)
    const view = base.subarray(1000, 4000)
    const expected = view.slice().sort()
    radixSortInPlace(view)
    expect(view).toEqual(expected)
    expect(base[0]).toBe(0)
    expect(base[4999]).toBe((4999 * 7919) % 5000)
  })
})
