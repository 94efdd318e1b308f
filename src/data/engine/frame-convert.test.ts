import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CategoryColumn, NumericColumn } from '../frame/frame.js'
import { frameFromRows, makeFrame } from '../frame/frame-ops.js'
import { DataEngine } from './duckdb-engine.js'
import { frameToTable, relationToFrame, streamFrames } from './frame-convert.js'

let engine: DataEngine
beforeAll(async () => {
  engine = await DataEngine.create({ threads: 2 })
})
afterAll(async () => {
  await engine.close()
})

describe('DuckDB ⇄ Frame', () => {
  it('round-trips every column type with missing values', async () => {
    const frame = frameFromRows(
      [
        { n: 1.5, i: 3, b: true, d: new Date('2026-11-22T10:11:12.345Z'), c: 'x', s: 'free' },
        { n: null, i: null, b: null, d: null, c: null, s: null },
        { n: -2, i: 4, b: false, d: new Date(0), c: 'y', s: 'text' },
      ],
      { i: 'integer', s: 'string' },
    )
    await frameToTable(engine, frame, 'rt')
    expect(await engine.describe('rt')).toEqual([
      { name: 'n', type: 'DOUBLE' },
      { name: 'i', type: 'BIGINT' },
      { name: 'b', type: 'BOOLEAN' },
      { name: 'd', type: 'TIMESTAMP' },
      { name: 'c', type: 'VARCHAR' },
      { name: 's', type: 'VARCHAR' },
    ])
    const back = await relationToFrame(
      engine,
      'rt',
      frame.columns.map((c) => ({
        name: c.name,
        type: c.type,
        ...(c.type === 'category' ? { categories: c.categories } : {}),
      })),
    )
    expect(back).toEqual(frame)
  })

  it('converts a million rows column-wise, with categories coded by an ENUM', async () => {
    await engine.run(`CREATE TABLE big AS SELECT i * 0.5 AS x, 'k' || (i % 5) AS k FROM range(1000000) t(i)`)
    const f = await relationToFrame(engine, 'big', [
      { name: 'x', type: 'number' },
      { name: 'k', type: 'category' },
    ])
    const x = f.columns[0] as NumericColumn
    const k = f.columns[1] as CategoryColumn
    expect(f.rowCount).toBe(1_000_000)
    expect(x.values[999_999]).toBe(499_999.5)
    expect(k.categories).toEqual(['k0', 'k1', 'k2', 'k3', 'k4'])
    expect(Array.from(k.codes.subarray(0, 6))).toEqual([0, 1, 2, 3, 4, 0])
    await expect(
      relationToFrame(engine, 'big', [{ name: 'k', type: 'category', categories: ['k0', 'k1'] }]),
    ).rejects.toMatchObject({ code: 'CAIRN_UNKNOWN_CATEGORY' })
  })

  it('reads a table in pages of a fixed size, in order', async () => {
    const sizes: number[] = []
    let last = -1
    for await (const page of streamFrames(
      engine,
      { table: 'big', rowCount: 1_000_000 },
      [{ name: 'x', type: 'number' }],
      300_000,
    )) {
      sizes.push(page.rowCount)
      const x = (page.columns[0] as NumericColumn).values
      expect(x[0]).toBe((last + 1) * 0.5)
      last += page.rowCount
    }
    expect(sizes).toEqual([300_000, 300_000, 300_000, 100_000])
  })

  it('refuses a ragged frame before writing anything', async () => {
    const ragged = {
      rowCount: 2,
      columns: [
        { name: 'a', type: 'number' as const, values: Float64Array.of(1, 2) },
        { name: 'b', type: 'number' as const, values: Float64Array.of(1) },
      ],
    }
    expect(() => makeFrame(ragged.columns)).toThrow()
    await expect(frameToTable(engine, ragged, 'ragged')).rejects.toMatchObject({
      code: 'CAIRN_INVALID_ARGUMENT',
    })
  })
})
