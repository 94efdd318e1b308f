import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Cairn } from './cairn.js'

/**
 * `cairn.data` caches downloads in the project (`.cairn/cache/data`, as `cairn data` does), never
 * in the user's home, unless CAIRN_DATA_CACHE says where.
 */
describe('cairn.data', () => {
  let server: Server
  let url: string
  let root: string
  let home: string
  const saved = { HOME: process.env.HOME, CAIRN_DATA_CACHE: process.env.CAIRN_DATA_CACHE }

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/flights.csv')
        res.writeHead(200, { 'content-type': 'text/csv' }).end('a,b\n1,x\n2,y\n')
      else res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flights.csv`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'cairn-sdk-data-'))
    home = await mkdtemp(join(tmpdir(), 'cairn-sdk-home-'))
    process.env.HOME = home
    delete process.env.CAIRN_DATA_CACHE
  })
  afterEach(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    await rm(root, { recursive: true, force: true })
    await rm(home, { recursive: true, force: true })
  })

  const cachedFiles = async (dir: string) =>
    existsSync(dir) ? (await readdir(dir, { recursive: true })).map(String) : []

  it("downloads into the project's .cairn/cache/data", async () => {
    const cairn = await Cairn.open({ cwd: root })
    try {
      const data = await cairn.data
      expect(await cairn.data).toBe(data)
      expect(data.cacheDir).toBe(join(root, '.cairn', 'cache', 'data'))
      const table = await data.ingest(url)
      expect(await table.toRows()).toEqual([
        { a: 1, b: 'x' },
        { a: 2, b: 'y' },
      ])
      expect((await cachedFiles(data.cacheDir)).some((f) => f.startsWith('http/'))).toBe(true)
      expect(await cachedFiles(join(home, '.cache'))).toEqual([])
    } finally {
      await cairn.close()
    }
  })

  it('caches where CAIRN_DATA_CACHE says', async () => {
    const elsewhere = join(home, 'shared-cache')
    await mkdir(elsewhere)
    process.env.CAIRN_DATA_CACHE = elsewhere
    const cairn = await Cairn.open({ cwd: root })
    try {
      const data = await cairn.data
      expect(data.cacheDir).toBe(elsewhere)
      await data.ingest(url)
      expect((await cachedFiles(elsewhere)).some((f) => f.startsWith('http/'))).toBe(true)
      expect(await cachedFiles(join(root, '.cairn', 'cache'))).toEqual([])
    } finally {
      await cairn.close()
    }
  })

  it('is not available through a server, and says so', async () => {
    const cairn = await Cairn.open({ cwd: root, trackingUri: 'http://127.0.0.1:9' })
    try {
      await expect(cairn.data).rejects.toMatchObject({ code: 'CAIRN_NOT_IMPLEMENTED' })
    } finally {
      await cairn.close()
    }
  })
})
