import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataEngine } from '../engine/duckdb-engine.js'
import { ingestSource } from '../sources/ingest-source.js'
import type { DataTable } from '../table/data-table.js'
import { tempDir } from '../testing/temp-data.js'
import { allocate, SeededRandom } from './seeded-random.js'
import { splitTable } from './split-table.js'

const dir = tempDir()
let engine: DataEngine
let table: DataTable
const N = 1003

beforeAll(async () => {
  engine = await DataEngine.create({ threads: 2 })
  // classes of very different sizes: a 70%, b 25%, c 5% (and a few missing labels)
  const rows = Array.from({ length: N }, (_, i) => ({
    id: i,
    label: i % 100 < 70 ? 'a' : i % 100 < 95 ? 'b' : i % 250 === 99 ? null : 'c',
    user: `u${i % 37}`,
    at: new Date(Date.UTC(2026, 0, 1) + ((i * 7919) % N) * 3_600_000),
  }))
  table = await ingestSource(engine, { kind: 'rows', rows }, { cacheDir: dir })
})
afterAll(async () => {
  await engine.close()
})

async function ids(t: DataTable | undefined): Promise<number[]> {
  return ((await t?.toRows()) ?? []).map((r) => r.id as number)
}

describe('seeded randomness', () => {
  it('repeats the same sequence for the same seed and allocates exactly', () => {
    const a = new SeededRandom(7)
    const b = new SeededRandom(7)
    const xs = Array.from({ length: 5 }, () => a.nextUint32())
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs)
    expect(new SeededRandom(8).nextUint32()).not.toBe(xs[0])
    expect(allocate(10, [0.7, 0.15, 0.15])).toEqual([7, 2, 1])
    expect(allocate(1003, [0.8, 0.2]).reduce((s, n) => s + n, 0)).toBe(1003)
  })
})

describe('splits', () => {
  it('stratified: identical across runs with one seed, class proportions within one row per class (done-when)', async () => {
    const spec = {
      kind: 'stratified' as const,
      column: 'label',
      fractions: { train: 0.7, validation: 0.1, test: 0.2 },
      seed: 42,
    }
    const first = await splitTable(table, spec)
    const second = await splitTable(table, spec)
    for (const k of ['train', 'validation', 'test']) expect(await ids(second[k])).toEqual(await ids(first[k]))
    const other = await splitTable(table, { ...spec, seed: 43 })
    expect(await ids(other.train)).not.toEqual(await ids(first.train))

    const all = await table.toRows()
    const classes = new Map<string, number>()
    for (const r of all) classes.set(String(r.label), (classes.get(String(r.label)) ?? 0) + 1)
    for (const [k, fraction] of Object.entries(spec.fractions)) {
      const rows = await first[k]?.toRows()
      for (const [cls, total] of classes) {
        const got = rows?.filter((r) => String(r.label) === cls).length ?? 0
        expect(Math.abs(got - total * fraction)).toBeLessThanOrEqual(1)
      }
    }
    const union = [
      ...(await ids(first.train)),
      ...(await ids(first.validation)),
      ...(await ids(first.test)),
    ].sort((a, b) => a - b)
    expect(union).toEqual(Array.from({ length: N }, (_, i) => i))
    expect(first.train?.lineage.transform).toMatchObject({
      kind: 'split',
      params: { seed: 42, split: 'train', column: 'label' },
    })
  })

  it('random: exact sizes, rows keep their order, reproducible', async () => {
    const s = await splitTable(table, { kind: 'random', fractions: { train: 0.8, test: 0.2 }, seed: 1 })
    expect([s.train?.rowCount, s.test?.rowCount]).toEqual([802, 201])
    const train = await ids(s.train)
    expect(train).toEqual([...train].sort((a, b) => a - b))
    const again = await splitTable(table, { kind: 'random', fractions: { train: 0.8, test: 0.2 }, seed: 1 })
    expect(await ids(again.test)).toEqual(await ids(s.test))
  })

  it('group: no group appears in two splits', async () => {
    const s = await splitTable(table, {
      kind: 'group',
      column: 'user',
      fractions: { train: 0.75, test: 0.25 },
      seed: 3,
    })
    const users = async (t: DataTable | undefined) => new Set(((await t?.toRows()) ?? []).map((r) => r.user))
    const a = await users(s.train)
    const b = await users(s.test)
    expect([...a].filter((u) => b.has(u))).toEqual([])
    expect(a.size + b.size).toBe(37)
    expect((s.train?.rowCount ?? 0) + (s.test?.rowCount ?? 0)).toBe(N)
  })

  it('time: earliest rows train, by fractions or cutoffs', async () => {
    const s = await splitTable(table, {
      kind: 'time',
      column: 'at',
      fractions: { train: 0.6, validation: 0.2, test: 0.2 },
    })
    const max = async (t: DataTable | undefined) =>
      Math.max(...((await t?.toRows()) ?? []).map((r) => (r.at as Date).getTime()))
    const min = async (t: DataTable | undefined) =>
      Math.min(...((await t?.toRows()) ?? []).map((r) => (r.at as Date).getTime()))
    expect(await max(s.train)).toBeLessThanOrEqual(await min(s.validation))
    expect(await max(s.validation)).toBeLessThanOrEqual(await min(s.test))
    expect([s.train?.rowCount, s.validation?.rowCount, s.test?.rowCount]).toEqual([602, 201, 200])
    const c = await splitTable(table, { kind: 'time', column: 'at', cutoffs: { test: '2026-02-01' } })
    expect(await min(c.test)).toBeGreaterThanOrEqual(Date.UTC(2026, 1, 1))
    expect(await max(c.train)).toBeLessThan(Date.UTC(2026, 1, 1))
  })

  it('refuses fractions that do not sum to 1', async () => {
    await expect(
      splitTable(table, { kind: 'random', fractions: { train: 0.8, test: 0.3 }, seed: 1 }),
    ).rejects.toMatchObject({
      code: 'CAIRN_INVALID_ARGUMENT',
    })
  })
})
