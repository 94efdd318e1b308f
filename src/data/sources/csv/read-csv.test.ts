import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataEngine } from '../../engine/duckdb-engine.js'
import { defineSchema } from '../../schema/schema.js'
import { tempDir, writeText } from '../../testing/temp-data.js'
import { ingestSource } from '../ingest-source.js'

const dir = tempDir()
let engine: DataEngine
const opts = () => ({ cacheDir: join(dir, 'cache') })

beforeAll(async () => {
  engine = await DataEngine.create({ threads: 2 })
})
afterAll(async () => {
  await engine.close()
})

describe('CSV ingest: malformed rows', () => {
  it('counts every kind of malformed row and names its physical line, even after multi-line fields and blank lines', async () => {
    const path = writeText(
      dir,
      'bad.csv',
      [
        'id,name,score', // 1
        '1,ann,2.5', // 2
        '', // 3 blank
        '2,bob', // 4 too few fields
        '3,"multi', // 5 a quoted field spanning lines 5-6
        'line",4.0',
        'x,cy,1.0', // 7 wrong type for id
        '4,"dee"q,1.5', // 8 bad quoting
        '5,eve,1.0,extra', // 9 too many fields
        '6,fay,nan?', // 10 wrong type for score
        '7,gus,3.5', // 11
      ].join('\n') + '\n',
    )
    const table = await ingestSource(engine, path, {
      ...opts(),
      schema: defineSchema({ columns: { id: 'integer', name: 'string', score: 'number' } }),
    })
    expect(table.rowCount).toBe(3)
    expect(table.malformed.count).toBe(5)
    expect(table.malformed.rows.map((r) => [r.line, r.kind, r.column ?? null])).toEqual([
      [4, 'field_count', null],
      [7, 'type', 'id'],
      [8, 'quoting', 'name'],
      [9, 'field_count', null],
      [10, 'type', 'score'],
    ])
    expect(table.malformed.byKind).toEqual({ field_count: 2, type: 2, quoting: 1 })
    expect(table.malformed.rows[1]?.text).toBe('x,cy,1.0')
    const where = await table.locator?.locate([0, 1, 2])
    expect([...(where?.values() ?? [])].map((l) => l.line)).toEqual([2, 5, 11])
    expect(await table.toRows()).toEqual([
      { id: 1, name: 'ann', score: 2.5 },
      { id: 3, name: 'multi\nline', score: 4 },
      { id: 7, name: 'gus', score: 3.5 },
    ])
    await table.drop()
  })

  it("stops at the first malformed row with onMalformed: 'fail', naming file, line and column", async () => {
    const path = writeText(dir, 'bad-fail.csv', 'a,b\n1,2\n2,3\nq,3\n4,5\n')
    await expect(
      ingestSource(engine, path, {
        ...opts(),
        onMalformed: 'fail',
        schema: defineSchema({ columns: { a: 'integer', b: 'integer' } }),
      }),
    ).rejects.toMatchObject({
      code: 'CAIRN_MALFORMED_ROWS',
      message: expect.stringContaining('bad-fail.csv:4, column "a"'),
    })
  })
})

describe('CSV ingest: clear errors', () => {
  it('refuses an encoding error with the file and line', async () => {
    const path = join(dir, 'latin.csv')
    writeText(dir, 'latin.csv', '')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(
      path,
      Buffer.concat([Buffer.from('a,b\n1,ok\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    )
    await expect(ingestSource(engine, path, opts())).rejects.toMatchObject({
      code: 'CAIRN_ENCODING_ERROR',
      message: expect.stringMatching(/latin\.csv:3: /),
    })
    const ok = await ingestSource(engine, { kind: 'file', path, csv: { encoding: 'latin-1' } }, opts())
    expect((await ok.toRows())[1]).toEqual({ a: 2, b: 'café' })
    await ok.drop()
  })

  it('refuses an empty file, a header-only file and a missing file', async () => {
    await expect(ingestSource(engine, writeText(dir, 'empty.csv', ''), opts())).rejects.toMatchObject({
      code: 'CAIRN_SOURCE_EMPTY',
      message: expect.stringContaining('empty.csv is empty'),
    })
    await expect(ingestSource(engine, writeText(dir, 'header.csv', 'a,b\n'), opts())).rejects.toMatchObject({
      code: 'CAIRN_SOURCE_EMPTY',
    })
    await expect(ingestSource(engine, join(dir, 'nope.csv'), opts())).rejects.toMatchObject({
      code: 'CAIRN_SOURCE_NOT_FOUND',
      message: expect.stringContaining('nope.csv'),
    })
  })

  it('names the file, line and columns when a declared column is missing', async () => {
    const path = writeText(dir, 'cols.csv', 'a,b\n1,2\n')
    await expect(
      ingestSource(engine, path, {
        ...opts(),
        schema: defineSchema({ columns: { a: 'integer', price: 'number' } }),
      }),
    ).rejects.toMatchObject({
      code: 'CAIRN_COLUMN_NOT_FOUND',
      message: expect.stringMatching(/cols\.csv:1: column "price"/),
      details: { columns: ['a', 'b'], missing: ['price'] },
    })
  })

  it('refuses a declared type most values cannot be cast to, naming file, line and column', async () => {
    const path = writeText(dir, 'cast.csv', 'id,when\n1,yesterday\n2,tomorrow\n3,2026-01-01\n')
    await expect(
      ingestSource(engine, path, {
        ...opts(),
        schema: defineSchema({ columns: { id: 'integer', when: 'datetime' } }),
      }),
    ).rejects.toMatchObject({
      code: 'CAIRN_TYPE_CAST_FAILED',
      message: expect.stringMatching(/cast\.csv:2: column "when" cannot be read as datetime/),
    })
  })
})

describe('CSV ingest: dialects and inference', () => {
  it('detects tabs, "comma space", missing headers and custom null markers', async () => {
    const tsv = await ingestSource(engine, writeText(dir, 't.tsv', 'a\tb\n1\tx\n2\ty\n'), opts())
    expect(await tsv.toRows()).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ])
    const adultLike = await ingestSource(
      engine,
      {
        kind: 'file',
        path: writeText(dir, 'a.data', 'age, job, pay\n39, State-gov, 77516\n50, ?, 83311\n'),
        csv: { nullValues: ['?'] },
      },
      opts(),
    )
    expect(await adultLike.toRows()).toEqual([
      { age: 39, job: 'State-gov', pay: 77516 },
      { age: 50, job: null, pay: 83311 },
    ])
    const noHeader = await ingestSource(engine, writeText(dir, 'nh.csv', '1,2.5,a\n2,3.5,b\n'), opts())
    expect(noHeader.columnNames).toEqual(['column0', 'column1', 'column2'])
    expect(noHeader.schema.columns.map((c) => c.type)).toEqual(['integer', 'number', 'category'])
  })

  it('infers number, integer, boolean, datetime, category, text and id roles', async () => {
    const lines = ['user_id,price,qty,ok,at,color,note']
    for (let i = 0; i < 50; i++) {
      lines.push(
        `u${i},${(i * 1.5).toFixed(2)},${i % 7},${i % 2 ? 'true' : 'false'},2026-01-${String((i % 28) + 1).padStart(2, '0')} 10:00:00,${['red', 'green', 'blue'][i % 3]},"a long free text note number ${i}, with commas and many words in it"`,
      )
    }
    const t = await ingestSource(engine, writeText(dir, 'types.csv', `${lines.join('\n')}\n`), opts())
    expect(t.schema.columns.map((c) => [c.name, c.type, c.role])).toEqual([
      ['user_id', 'string', 'id'],
      ['price', 'number', 'feature'],
      ['qty', 'integer', 'feature'],
      ['ok', 'boolean', 'feature'],
      ['at', 'datetime', 'feature'],
      ['color', 'category', 'feature'],
      ['note', 'text', 'feature'],
    ])
    await t.drop()
  })

  it('reads a glob of dt= partitions as one table with a dt column, and filters a partition range', async () => {
    for (const day of ['2026-11-20', '2026-11-21', '2026-11-22']) {
      mkdirSync(join(dir, 'events', `dt=${day}`), { recursive: true })
      writeText(join(dir, 'events', `dt=${day}`), 'part-0.csv', `user,amount\na,${day.slice(-2)}\nb,1\n`)
    }
    const all = await ingestSource(engine, join(dir, 'events'), opts())
    expect(all.rowCount).toBe(6)
    expect(all.column('dt')?.type).toBe('datetime')
    const some = await ingestSource(
      engine,
      {
        kind: 'file',
        path: join(dir, 'events/*/*.csv'),
        partitions: { from: '2026-11-21', to: '2026-11-22' },
      },
      opts(),
    )
    const rows = await some.toRows()
    expect(rows.map((r) => [(r.dt as Date).toISOString().slice(0, 10), r.amount])).toEqual([
      ['2026-11-21', 21],
      ['2026-11-21', 1],
      ['2026-11-22', 22],
      ['2026-11-22', 1],
    ])
    const where = await some.locator?.locate([2])
    expect(where?.get(2)).toMatchObject({
      line: 2,
      row: 1,
      file: expect.stringContaining('dt=2026-11-22/part-0.csv'),
    })
  })

  it('reads gzip-compressed CSV, with lines for malformed and good rows', async () => {
    const { gzipSync } = await import('node:zlib')
    const { writeFileSync } = await import('node:fs')
    const path = join(dir, 'z.csv.gz')
    writeFileSync(path, gzipSync('k;v\na;1\nb;2;3\nc;3\n'))
    const t = await ingestSource(engine, path, opts())
    expect(await t.toRows()).toEqual([
      { k: 'a', v: 1 },
      { k: 'c', v: 3 },
    ])
    expect(t.malformed.rows.map((r) => [r.line, r.kind])).toEqual([[3, 'field_count']])
    expect((await t.locator?.locate([1]))?.get(1)?.line).toBe(4)
  })
})
