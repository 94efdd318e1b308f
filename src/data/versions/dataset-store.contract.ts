import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ArtifactStore } from '../../store/index.js'
import type { DataService } from '../service/data-service.js'

/** What a contract run needs: a data service over one metadata store and one artifact store. */
export interface DatasetStoreFixture {
  data: DataService
  artifacts: ArtifactStore
  /** A local folder for source files. */
  dir: string
  close(): Promise<void>
}

function csv(rows: number, change?: { row: number; text: string }): string {
  const lines = ['id,city,price,label']
  for (let i = 0; i < rows; i++) {
    lines.push(
      change && change.row === i
        ? change.text
        : `${i},${['paris', 'lyon', 'nice'][i % 3]},${(100 + i * 2.5).toFixed(1)},${i % 4 === 0 ? 'yes' : 'no'}`,
    )
  }
  return `${lines.join('\n')}\n`
}

async function objectCount(artifacts: ArtifactStore): Promise<number> {
  return (await artifacts.list('datasets/objects', { recursive: true })).filter((e) => !e.isDir).length
}

/** The behaviour every metadata/artifact store pair must give versioned datasets. */
export function describeDatasetStoreContract(
  name: string,
  create: () => Promise<DatasetStoreFixture>,
  options: { skip?: boolean } = {},
): void {
  describe.skipIf(options.skip)(`dataset versions on ${name}`, () => {
    let f: DatasetStoreFixture
    beforeAll(async () => {
      f = await create()
    })
    afterAll(async () => {
      await f?.close()
    })

    it('stores identical content once: two ingests of the same rows give one version (done-when)', async () => {
      const path = join(f.dir, 'houses.csv')
      writeFileSync(path, csv(120))
      const first = await f.data.ingestDataset('houses', path)
      const objects = await objectCount(f.artifacts)
      writeFileSync(join(f.dir, 'houses-copy.csv'), csv(120))
      const second = await f.data.ingestDataset('houses', join(f.dir, 'houses-copy.csv'))
      expect(first.written.created).toBe(true)
      expect(second.written.created).toBe(false)
      expect(second.written.ref).toBe(first.written.ref)
      expect(await objectCount(f.artifacts)).toBe(objects)
      const versions = await f.data.versions('houses')
      expect(versions).toHaveLength(1)
      expect(versions[0]).toMatchObject({ seq: 1, rowCount: 120, columnCount: 4 })
      expect(versions[0]?.version).toMatch(/^[0-9a-f]{16}$/)
    })

    it('a changed row gives a new version whose lineage points at its source (done-when)', async () => {
      const path = join(f.dir, 'houses.csv')
      writeFileSync(path, csv(120, { row: 7, text: '7,lyon,999.0,no' }))
      const changed = await f.data.ingestDataset('houses', path)
      expect(changed.written.created).toBe(true)
      const v = changed.written.version
      expect(v.seq).toBe(2)
      expect(v.source).toMatchObject({ kind: 'file', uri: path, format: 'csv' })
      expect(v.source?.files?.[0]?.sha256).toMatch(/^[0-9a-f]{64}$/)
      const v1 = await f.data.show('houses@v1')
      expect(v1.source?.files?.[0]?.sha256).not.toBe(v.source?.files?.[0]?.sha256)

      // derived from a stored version: the lineage names that version
      const edited = await f.data.sql(
        `SELECT * REPLACE (CASE WHEN id = 3 THEN 1.0 ELSE price END AS price) FROM h`,
        {
          h: 'houses@v1',
        },
      )
      const derived = await f.data.write('houses', edited, { description: 'fix price of id 3' })
      expect(derived.created).toBe(true)
      expect(derived.version.parents).toEqual([`houses@${v1.version}`])
      expect(derived.version.transform).toMatchObject({ kind: 'sql' })
      const diff = await f.data.diff(`houses@${v1.version}`, derived.ref)
      expect(diff.rows).toEqual({ added: 1, removed: 1, unchanged: 119 })
      expect(diff.schema.same).toBe(true)
    })

    it('reads name@latest, name@vN, a version prefix, and says clearly what does not exist', async () => {
      const latest = await f.data.read('houses@latest')
      expect(latest.rowCount).toBe(120)
      const rows = await latest.toRows({ limit: 4 })
      expect(rows[3]).toEqual({ id: 3, city: 'paris', price: 1, label: 'no' })
      const v1 = await f.data.show('houses@v1')
      const byPrefix = await f.data.show(`houses@${v1.version.slice(0, 6)}`)
      expect(byPrefix.version).toBe(v1.version)
      const frame = await f.data.readFrame('houses@v2', ['price', 'city'])
      expect(frame.rowCount).toBe(120)
      expect(frame.columns[1]).toMatchObject({ type: 'category', categories: ['lyon', 'nice', 'paris'] })
      await expect(f.data.read('nothing@latest')).rejects.toMatchObject({ code: 'CAIRN_DATASET_NOT_FOUND' })
      await expect(f.data.read('houses@v9')).rejects.toMatchObject({
        code: 'CAIRN_DATASET_VERSION_NOT_FOUND',
      })
      await expect(f.data.read('houses@2026-11-22')).rejects.toMatchObject({ code: 'CAIRN_INVALID_ARGUMENT' })
      const stored = await f.data.profile('houses@latest')
      expect(stored.rowCount).toBe(120)
      expect(stored.columns.map((c) => c.name)).toEqual(['id', 'city', 'price', 'label'])
      await latest.drop()
    })

    it('writes partitions: each write carries the others over, reads one partition or a range', async () => {
      const day = async (d: string, n: number) =>
        f.data.write(
          'events',
          Array.from({ length: n }, (_, i) => ({ user: `u${i}`, amount: i + Number(d.slice(-2)) })),
          {
            partition: d,
          },
        )
      const a = await day('2026-11-20', 3)
      const b = await day('2026-11-21', 4)
      const c = await day('2026-11-22', 5)
      expect(c.version.partitions.map((p) => [p.key, p.rows])).toEqual([
        ['2026-11-20', 3],
        ['2026-11-21', 4],
        ['2026-11-22', 5],
      ])
      expect(c.version.rowCount).toBe(12)
      expect(c.version.parents).toEqual([b.ref])
      expect(b.version.parents).toEqual([a.ref])
      const again = await day('2026-11-22', 5)
      expect(again).toMatchObject({ created: false, ref: c.ref })

      const one = await f.data.read('events@2026-11-21')
      expect(one.rowCount).toBe(4)
      const first = (await one.toRows())[0]
      expect((first?.dt as Date | undefined)?.toISOString()).toBe('2026-11-21T00:00:00.000Z')
      const range = await f.data.read('events@2026-11-21..2026-11-22')
      expect(range.rowCount).toBe(9)
      const open = await f.data.read('events@..2026-11-20')
      expect(open.rowCount).toBe(3)
      await expect(f.data.read('events@2026-12-01')).rejects.toMatchObject({
        code: 'CAIRN_DATASET_VERSION_NOT_FOUND',
      })
      await expect(f.data.write('events', [{ other: 1 }], { partition: '2026-11-23' })).rejects.toMatchObject(
        {
          code: 'CAIRN_SCHEMA_INVALID',
        },
      )
      await expect(f.data.write('events', [{ user: 'x', amount: 1 }])).rejects.toMatchObject({
        code: 'CAIRN_CONFLICT',
      })
      const diff = await f.data.diff(a.ref, c.ref)
      expect(diff.partitions).toEqual({ added: ['2026-11-21', '2026-11-22'], removed: [], changed: [] })
    })

    it('stores splits as versions, identical bit for bit when repeated with the same seed', async () => {
      const spec = {
        kind: 'stratified' as const,
        column: 'label',
        fractions: { train: 0.75, test: 0.25 },
        seed: 11,
      }
      const one = await f.data.split('houses@v1', spec, { name: 'houses' })
      const two = await f.data.split('houses@v1', spec, { name: 'houses' })
      expect(two.versions?.train?.ref).toBe(one.versions?.train?.ref)
      expect(two.versions?.train?.created).toBe(false)
      expect(one.versions?.test?.version.rowCount).toBe(30)
      const v1 = await f.data.show('houses@v1')
      expect(one.versions?.train?.version.parents).toEqual([`houses@${v1.version}`])
      expect(one.versions?.train?.version.transform).toMatchObject({
        kind: 'split',
        params: { seed: 11, split: 'train' },
      })
    })

    it('records one version when the same content is written concurrently', async () => {
      const rows = Array.from({ length: 50 }, (_, i) => ({ k: i, v: i * i }))
      const results = await Promise.all([
        f.data.write('squares', rows),
        f.data.write('squares', rows),
        f.data.write('squares', rows),
      ])
      expect(new Set(results.map((r) => r.ref)).size).toBe(1)
      expect(results.filter((r) => r.created)).toHaveLength(1)
      expect(await f.data.versions('squares')).toHaveLength(1)
      const list = await f.data.list()
      expect(list.find((d) => d.name === 'squares')).toMatchObject({ versionCount: 1 })
    })
  })
}
