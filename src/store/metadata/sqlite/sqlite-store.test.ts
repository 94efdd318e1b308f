import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { describeMetadataStoreContract } from '../metadata-store.contract.js'
import { openMetadataStore } from '../open.js'
import { openSqliteStore } from './open-sqlite.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describeMetadataStoreContract('sqlite', {
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-sqlite-'))
    dirs.push(dir)
    const uri = `sqlite:///${join(dir, 'nested', 'cairn.db')}`
    return { store: await openMetadataStore(uri), reopen: () => openMetadataStore(uri) }
  },
})

describe('sqlite specifics', () => {
  it('uses WAL and a busy timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-sqlite-'))
    dirs.push(dir)
    const store = await openSqliteStore(join(dir, 'a.db'))
    const { sql } = await import('kysely')
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db)
    expect(mode.rows[0]?.journal_mode).toBe('wal')
    await store.close()
  })

  it('fails with CAIRN_STORE_UNAVAILABLE on a path it cannot create', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-sqlite-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'file'), 'not a folder')
    await expect(openMetadataStore(`sqlite:///${join(dir, 'file', 'x.db')}`)).rejects.toMatchObject({
      code: 'CAIRN_STORE_UNAVAILABLE',
    })
  })

  it('rejects URIs that are not metadata stores', async () => {
    await expect(openMetadataStore('s3://bucket/x')).rejects.toMatchObject({ code: 'CAIRN_UNSUPPORTED_URI' })
  })
})
