import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataEngine } from '../engine/duckdb-engine.js'
import { ingestSource } from '../sources/ingest-source.js'
import { tempDir } from '../testing/temp-data.js'
import { binIndex, equalWidthEdges, histogramCounts } from './histogram.js'
import type { CategoricalColumnProfile, NumericColumnProfile, TextColumnProfile } from './profile.js'
import { profileRelation } from './profile.js'
import { exactQuantiles } from './quantiles.js'

const dir = tempDir()
let engine: DataEngine
beforeAll(async () => {
  engine = await DataEngine.create({ threads: 2 })
})
afterAll(async () => {
  await engine.close()
})

describe('histogram convention', () => {
  it('bins left-closed, the last bin closed, with under/overflow and missing counted apart', () => {
    const edges = equalWidthEdges(0, 10, 5)
    expect(edges).toEqual([0, 2, 4, 6, 8, 10])
    expect(histogramCounts([0, 1.999, 2, 9.99, 10, -1, 11, Number.NaN], edges)).toEqual({
      counts: [2, 1, 0, 0, 2],
      underflow: 1,
      overflow: 1,
      missing: 1,
    })
    expect([binIndex(2, edges), binIndex(10, edges), binIndex(-0.1, edges), binIndex(10.1, edges)]).toEqual([
      1, 4, -1, 5,
    ])
    expect(histogramCounts([3, 3, 4], equalWidthEdges(3, 3, 1))).toMatchObject({ counts: [2], overflow: 1 })
  })
})

describe('exact quantiles', () => {
  it('match a full sort with linear interpolation, with duplicates and tiny inputs', () => {
    const qs = [0, 0.01, 0.25, 0.5, 0.9, 0.99, 1]
    const bySort = (a: Float64Array) => {
      const s = a.slice().sort()
      return qs.map((q) => {
        const p = q * (s.length - 1)
        const lo = Math.floor(p)
        const hi = Math.min(s.length - 1, lo + 1)
        return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (p - lo)
      })
    }
    let seed = 1
    const rand = () => {
      seed = (seed * 48271) % 2147483647
      return seed / 2147483647
    }
    for (let t = 0; t < 200; t++) {
      const n = 1 + Math.floor(rand() * 700)
      const a = Float64Array.from({ length: n }, () => Math.floor(rand() * (t % 2 ? 6 : 10_000)) / 7)
      expect(exactQuantiles(a.slice(), qs)).toEqual(bySort(a))
    }
    expect(exactQuantiles(new Float64Array(0), [0.5])).toEqual([Number.NaN])
  })
})

describe('profiles', () => {
  it('computes counts, missing, distinct, moments, quantiles, histograms, top-k and text lengths', async () => {
    const rows = Array.from({ length: 101 }, (_, i) => ({
      x: i === 100 ? null : i,
      c: i % 10 === 0 ? 'rare' : i % 2 === 0 ? 'even' : 'odd',
      note: i % 5 === 0 ? '   ' : 'x'.repeat(i % 7),
      at: new Date(Date.UTC(2026, 0, 1 + (i % 10))),
    }))
    const t = await ingestSource(
      engine,
      { kind: 'rows', rows },
      {
        cacheDir: dir,
        schema: { columns: [{ name: 'note', type: 'text', nullable: true, role: 'feature' }] },
      },
    )
    const p = await profileRelation(engine, t.relation, t.schema, { bins: 10, topK: 2 })
    expect(p.rowCount).toBe(101)
    const x = p.columns.find((c) => c.name === 'x') as NumericColumnProfile
    expect(x).toMatchObject({
      kind: 'numeric',
      count: 100,
      missing: 1,
      distinct: 100,
      min: 0,
      max: 99,
      mean: 49.5,
      zeros: 1,
    })
    expect(x.std).toBeCloseTo(29.011491975882016, 10)
    expect(x.quantiles.p50).toBeCloseTo(49.5, 10)
    expect(x.quantiles.p1).toBeCloseTo(0.99, 10)
    expect(x.quantiles.p99).toBeCloseTo(98.01, 10)
    expect(x.histogram.edges).toEqual(equalWidthEdges(0, 99, 10))
    expect(x.histogram.counts).toEqual(
      histogramCounts(
        Float64Array.from({ length: 100 }, (_, i) => i),
        x.histogram.edges,
      ).counts,
    )
    expect(x.histogram.counts.reduce((s, n) => s + n, 0)).toBe(100)

    const c = p.columns.find((col) => col.name === 'c') as CategoricalColumnProfile
    expect(c).toMatchObject({
      kind: 'categorical',
      distinct: 3,
      topK: [
        { value: 'odd', count: 50 },
        { value: 'even', count: 40 },
      ],
      otherCount: 11,
    })

    const note = p.columns.find((col) => col.name === 'note') as TextColumnProfile
    expect(note.kind).toBe('text')
    expect(note.blank).toBe(33) // 21 values of three spaces and 12 empty strings
    expect(note.length.max).toBe(6)

    const at = p.columns.find((col) => col.name === 'at')
    expect(at).toMatchObject({
      kind: 'datetime',
      minIso: '2026-01-01T00:00:00.000Z',
      maxIso: '2026-01-10T00:00:00.000Z',
    })
    expect(JSON.parse(JSON.stringify(p))).toEqual(p)
    await t.drop()
  })

  it('agrees with histogramCounts exactly at the edges for awkward floating-point ranges', async () => {
    const values = Array.from({ length: 997 }, (_, i) => 0.1 + i * 0.0301)
    const t = await ingestSource(
      engine,
      { kind: 'rows', rows: values.map((v) => ({ v })) },
      { cacheDir: dir },
    )
    const p = await profileRelation(engine, t.relation, t.schema, { bins: 7 })
    const v = p.columns[0] as NumericColumnProfile
    expect(v.histogram.counts).toEqual(histogramCounts(values, v.histogram.edges).counts)
    await t.drop()
  })

  it('counts distinct values and top-k exactly for high-cardinality columns', async () => {
    const rows = Array.from({ length: 15_000 }, (_, i) => ({
      u: `user-${String(i).padStart(5, '0')}`,
      k: i < 5 ? 'hot' : `v${i}`,
    }))
    const t = await ingestSource(
      engine,
      { kind: 'rows', rows },
      {
        cacheDir: dir,
        schema: { columns: [{ name: 'u', type: 'string', nullable: true, role: 'feature' }] },
      },
    )
    const p = await profileRelation(engine, t.relation, t.schema, { topK: 3 })
    const u = p.columns[0] as CategoricalColumnProfile
    const k = p.columns[1] as CategoricalColumnProfile
    expect(u.distinct).toBe(15_000)
    expect(u.topK.map((x) => x.value)).toEqual(['user-00000', 'user-00001', 'user-00002'])
    expect(k.distinct).toBe(14_996)
    expect(k.topK[0]).toEqual({ value: 'hot', count: 5 })
    expect(k.otherCount).toBe(15_000 - 5 - 2)
    await t.drop()
  })
})
