import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataEngine } from '../engine/duckdb-engine.js'
import { sqlString } from '../engine/sql.js'
import { frameFromRows } from '../frame/frame-ops.js'
import { defineSchema } from '../schema/schema.js'
import { tempDir, writeText } from '../testing/temp-data.js'
import { ingestSource } from './ingest-source.js'

const dir = tempDir()
let engine: DataEngine
const opts = () => ({ cacheDir: join(dir, 'cache') })

beforeAll(async () => {
  engine = await DataEngine.create({ threads: 2 })
})
afterAll(async () => {
  await engine.close()
})

describe('file formats', () => {
  it('reads Parquet, enforcing declared types and naming the file row of a value that does not cast', async () => {
    const path = join(dir, 'p.parquet')
    await engine.run(
      `COPY (SELECT i AS id, 'v' || i AS code, i * 0.5 AS x FROM range(5) t(i)) TO ${sqlString(path)} (FORMAT parquet)`,
    )
    const t = await ingestSource(engine, path, opts())
    expect(t.schema.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'],
      ['code', 'category'],
      ['x', 'number'],
    ])
    expect(t.rowCount).toBe(5)
    await expect(
      ingestSource(engine, path, { ...opts(), schema: defineSchema({ columns: { code: 'integer' } }) }),
    ).rejects.toMatchObject({
      code: 'CAIRN_TYPE_CAST_FAILED',
      message: expect.stringMatching(/p\.parquet row 1, column "code": "v0"/),
    })
    await expect(
      ingestSource(engine, path, { ...opts(), schema: defineSchema({ columns: { nope: 'number' } }) }),
    ).rejects.toMatchObject({
      code: 'CAIRN_COLUMN_NOT_FOUND',
    })
  })

  it('reads JSON arrays and NDJSON (nested values as JSON text), and names the line of malformed NDJSON', async () => {
    const arr = await ingestSource(
      engine,
      writeText(dir, 'a.json', '[{"a":1,"b":{"c":2}},{"a":2,"b":{"c":3}}]'),
      opts(),
    )
    expect(await arr.toRows()).toEqual([
      { a: 1, b: '{"c":2}' },
      { a: 2, b: '{"c":3}' },
    ])
    const nd = await ingestSource(
      engine,
      writeText(dir, 'n.jsonl', '{"a":1,"s":"x"}\n{"a":2,"s":"y"}\n'),
      opts(),
    )
    expect(nd.rowCount).toBe(2)
    expect((await nd.locator?.locate([1]))?.get(1)).toMatchObject({ line: 2 })
    await expect(
      ingestSource(engine, writeText(dir, 'bad.ndjson', '{"a":1}\n{"a":2\n{"a":3}\n'), opts()),
    ).rejects.toMatchObject({
      code: 'CAIRN_SOURCE_UNREADABLE',
      message: expect.stringMatching(/bad\.ndjson:\d+: malformed JSON/),
    })
  })

  it('reads a SQLite table or query through better-sqlite3, with declared column types', async () => {
    const path = join(dir, 'shop.db')
    const db = new Database(path)
    db.exec(
      `CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total REAL, paid BOOLEAN, at DATETIME)`,
    )
    const insert = db.prepare('INSERT INTO orders (customer, total, paid, at) VALUES (?, ?, ?, ?)')
    db.transaction(() => {
      for (let i = 0; i < 25_000; i++) {
        insert.run(`c${i % 10}`, i * 1.5, i % 2, `2026-11-${String((i % 28) + 1).padStart(2, '0')} 12:00:00`)
      }
    })()
    db.close()
    const t = await ingestSource(engine, { kind: 'sqlite', path, table: 'orders' }, opts())
    expect(t.rowCount).toBe(25_000)
    expect(t.schema.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'],
      ['customer', 'category'],
      ['total', 'number'],
      ['paid', 'boolean'],
      ['at', 'datetime'],
    ])
    expect((await t.toRows({ limit: 1 }))[0]).toEqual({
      id: 1,
      customer: 'c0',
      total: 0,
      paid: false,
      at: new Date('2026-11-01T12:00:00Z'),
    })
    expect(t.lineage.source).toMatchObject({ kind: 'sqlite', uri: `sqlite:${path}#orders` })
    const q = await ingestSource(
      engine,
      { kind: 'sqlite', path, query: 'SELECT customer, sum(total) AS s FROM orders GROUP BY 1' },
      opts(),
    )
    expect(q.rowCount).toBe(10)
    await expect(ingestSource(engine, { kind: 'sqlite', path, table: 'nope' }, opts())).rejects.toMatchObject(
      {
        code: 'CAIRN_SOURCE_NOT_FOUND',
      },
    )
    await expect(
      ingestSource(engine, { kind: 'sqlite', path: join(dir, 'missing.db'), table: 'x' }, opts()),
    ).rejects.toMatchObject({
      code: 'CAIRN_SOURCE_NOT_FOUND',
    })
  })

  it('reads rows and Frames from TypeScript', async () => {
    const rows = await ingestSource(
      engine,
      {
        kind: 'rows',
        rows: [
          { a: 1, b: 'x' },
          { a: null, b: 'y' },
        ],
      },
      opts(),
    )
    expect(await rows.toRows()).toEqual([
      { a: 1, b: 'x' },
      { a: null, b: 'y' },
    ])
    const frame = frameFromRows([{ k: 'p', v: 2 }], { k: 'category' })
    const t = await ingestSource(engine, { kind: 'rows', frame }, opts())
    expect(await t.toFrame()).toEqual(frame)
    await expect(ingestSource(engine, { kind: 'rows', rows: [] }, opts())).rejects.toMatchObject({
      code: 'CAIRN_SOURCE_EMPTY',
    })
  })
})
