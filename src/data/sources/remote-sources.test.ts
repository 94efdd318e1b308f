import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createBucket,
  createPostgresDatabase,
  testS3Client,
  testS3Credentials,
  useService,
} from '../../../test/support/use-service.js'
import { DataEngine } from '../engine/duckdb-engine.js'
import { tempDir, writeText } from '../testing/temp-data.js'
import { ingestSource } from './ingest-source.js'

const dir = tempDir()
let engine: DataEngine
beforeAll(async () => {
  engine = await DataEngine.create({ threads: 2 })
})
afterAll(async () => {
  await engine.close()
})

describe('HTTP(S) sources against a local server', () => {
  let server: Server
  let base: string
  let body = 'a,b\n1,x\n2,y\n'
  const hits: string[] = []
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.url} ${req.headers['if-none-match'] ? 'conditional' : 'plain'}`)
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`
      if (req.url === '/data.csv') {
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304).end()
          return
        }
        res
          .writeHead(200, { 'content-type': 'text/csv', etag, 'content-length': Buffer.byteLength(body) })
          .end(body)
      } else if (req.url === '/broken.csv') {
        res.writeHead(200, { 'content-length': '1000' })
        res.write('a,b\n1,')
        setTimeout(() => res.destroy(), 20)
      } else res.writeHead(404).end('not here')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  it('downloads into the cache, revalidates with ETags, and re-downloads when the file changed', async () => {
    const cacheDir = join(dir, 'http-cache')
    const first = await ingestSource(engine, `${base}/data.csv`, { cacheDir })
    expect(await first.toRows()).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ])
    expect(first.lineage.source).toMatchObject({ kind: 'url', uri: `${base}/data.csv` })
    const again = await ingestSource(engine, `${base}/data.csv`, { cacheDir })
    expect(again.rowCount).toBe(2)
    expect(hits.slice(-2)).toEqual(['/data.csv plain', '/data.csv conditional'])
    body = 'a,b\n1,x\n2,y\n3,z\n'
    const changed = await ingestSource(engine, `${base}/data.csv`, { cacheDir })
    expect(changed.rowCount).toBe(3)
  })

  it('works offline from the cache, or from a local override, and fails clearly otherwise', async () => {
    const cacheDir = join(dir, 'http-cache')
    const before = hits.length
    const offline = await ingestSource(
      engine,
      { kind: 'file', path: `${base}/data.csv`, offline: true },
      { cacheDir },
    )
    expect(offline.rowCount).toBe(3)
    expect(hits.length).toBe(before)
    await expect(
      ingestSource(engine, { kind: 'file', path: `${base}/other.csv`, offline: true }, { cacheDir }),
    ).rejects.toMatchObject({ code: 'CAIRN_SOURCE_NOT_FOUND', message: expect.stringContaining('offline') })
    const local = writeText(dir, 'override.csv', 'a,b\n9,z\n')
    const overridden = await ingestSource(
      engine,
      { kind: 'file', path: `${base}/data.csv`, localPath: local },
      { cacheDir },
    )
    expect(await overridden.toRows()).toEqual([{ a: 9, b: 'z' }])
    expect(hits.length).toBe(before)
    await expect(ingestSource(engine, `${base}/missing.csv`, { cacheDir })).rejects.toMatchObject({
      code: 'CAIRN_SOURCE_NOT_FOUND',
      message: expect.stringContaining('HTTP 404'),
    })
    await expect(ingestSource(engine, `${base}/broken.csv`, { cacheDir })).rejects.toMatchObject({
      code: 'CAIRN_SOURCE_UNREADABLE',
    })
    await expect(
      ingestSource(engine, { kind: 'file', path: `${base}/broken.csv`, offline: true }, { cacheDir }),
    ).rejects.toMatchObject({ code: 'CAIRN_SOURCE_NOT_FOUND' })
  })
})

const postgres = useService('postgres')
describe.skipIf(postgres.skip)('PostgreSQL sources', () => {
  it('reads a table or query through a server-side cursor, with types from the column metadata', async () => {
    const url = await createPostgresDatabase(postgres.require())
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query(
      `CREATE TABLE sales (id bigint, region text, amount numeric(10,2), happened timestamptz, day date, ok boolean)`,
    )
    await client.query(
      `INSERT INTO sales SELECT g, 'r' || (g % 4), g * 1.25, timestamptz '2026-11-22 10:00:00+00' + g * interval '1 hour', date '2026-11-01' + (g % 20), g % 3 = 0 FROM generate_series(1, 23456) g`,
    )
    await client.end()
    const t = await ingestSource(
      engine,
      { kind: 'postgres', url, table: 'public.sales' },
      { cacheDir: join(dir, 'c') },
    )
    expect(t.rowCount).toBe(23456)
    expect(t.schema.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'],
      ['region', 'category'],
      ['amount', 'number'],
      ['happened', 'datetime'],
      ['day', 'datetime'],
      ['ok', 'boolean'],
    ])
    expect((await t.toRows({ limit: 1 }))[0]).toEqual({
      id: 1,
      region: 'r1',
      amount: 1.25,
      happened: new Date('2026-11-22T11:00:00Z'),
      day: new Date('2026-11-02T00:00:00Z'),
      ok: false,
    })
    const q = await ingestSource(
      engine,
      { kind: 'postgres', url, query: 'SELECT region, count(*) AS n FROM sales GROUP BY 1' },
      { cacheDir: join(dir, 'c') },
    )
    expect(q.rowCount).toBe(4)
    await expect(
      ingestSource(engine, { kind: 'postgres', url, table: 'nope' }, { cacheDir: join(dir, 'c') }),
    ).rejects.toMatchObject({ code: 'CAIRN_SOURCE_NOT_FOUND' })
  })
})

const s3 = useService('s3')
describe.skipIf(s3.skip)('S3 sources through the artifact store client', () => {
  it('reads one object, a dt= partitioned prefix and a glob, caching downloads', async () => {
    const endpoint = s3.require()
    const bucket = await createBucket(endpoint)
    const client = testS3Client(endpoint)
    const put = (Key: string, Body: string) =>
      client.send(new PutObjectCommand({ Bucket: bucket, Key, Body }))
    await put('raw/one.csv', 'k,v\na,1\nb,2\n')
    await put('events/dt=2026-11-21/part.csv', 'k,v\na,1\n')
    await put('events/dt=2026-11-22/part.csv', 'k,v\nb,2\nc,3\n')
    await put('events/_SUCCESS', '')
    client.destroy()
    const o = { cacheDir: join(dir, 's3-cache'), s3: { endpoint, client: testS3Credentials } }
    const one = await ingestSource(engine, `s3://${bucket}/raw/one.csv`, o)
    expect(one.rowCount).toBe(2)
    expect(one.lineage.source).toMatchObject({ kind: 's3', uri: `s3://${bucket}/raw/one.csv` })
    const events = await ingestSource(engine, `s3://${bucket}/events/`, o)
    expect(events.rowCount).toBe(3)
    expect(events.column('dt')?.type).toBe('datetime')
    const glob = await ingestSource(
      engine,
      { kind: 'file', path: `s3://${bucket}/events/*/*.csv`, partitions: { from: '2026-11-22' } },
      o,
    )
    expect(await glob.toRows()).toEqual([
      { k: 'b', v: 2, dt: new Date('2026-11-22T00:00:00Z') },
      { k: 'c', v: 3, dt: new Date('2026-11-22T00:00:00Z') },
    ])
    await expect(ingestSource(engine, `s3://${bucket}/raw/none.csv`, o)).rejects.toMatchObject({
      code: 'CAIRN_SOURCE_NOT_FOUND',
    })
  })
})
