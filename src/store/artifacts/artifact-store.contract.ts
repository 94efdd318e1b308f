import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ArtifactStore } from './artifact-store.js'

/** The behaviour every ArtifactStore backend must have. `create` gives a fresh, empty store. */
export function describeArtifactStoreContract(
  name: string,
  create: () => Promise<ArtifactStore>,
  options: { skip?: boolean } = {},
) {
  describe.skipIf(options.skip)(`ArtifactStore contract: ${name}`, () => {
    let store: ArtifactStore
    const tmp = mkdtempSync(join(tmpdir(), 'cairn-art-'))
    beforeEach(async () => {
      store = await create()
    })
    afterEach(async () => {
      await store.close()
    })
    afterAll(() => rmSync(tmp, { recursive: true, force: true }))

    it('puts and gets bytes and text', async () => {
      await store.put('a/b.txt', 'hello')
      await store.put('a/c.bin', new Uint8Array([0, 1, 2, 255]))
      expect((await store.get('a/b.txt')).toString()).toBe('hello')
      expect([...(await store.get('a/c.bin'))]).toEqual([0, 1, 2, 255])
      expect(await store.exists('a/b.txt')).toBe(true)
      expect(await store.stat('a/b.txt')).toMatchObject({ size: 5 })
      expect(await store.stat('a/missing')).toBeUndefined()
    })

    it('replaces an object whole on overwrite', async () => {
      await store.put('x.json', '{"v":1}')
      await store.put('x.json', '{"v":2,"more":true}')
      expect(JSON.parse((await store.get('x.json')).toString())).toEqual({ v: 2, more: true })
    })

    it('streams large objects in and out', async () => {
      const size = 20 * 1024 * 1024 + 17
      const data = Buffer.alloc(size)
      for (let i = 0; i < size; i += 4096) data[i] = i % 251
      await store.putStream('big/blob', Readable.from(chunks(data, 1 << 20)))
      const st = await store.stat('big/blob')
      expect(st?.size).toBe(size)
      const back: Buffer[] = []
      for await (const c of await store.getStream('big/blob')) back.push(c as Buffer)
      expect(Buffer.concat(back).equals(data)).toBe(true)
    })

    it('copies files and folders both ways', async () => {
      const src = join(tmp, `src-${Math.random()}`)
      await mkdir(join(src, 'sub', 'deep'), { recursive: true })
      writeFileSync(join(src, 'top.txt'), 'top')
      writeFileSync(join(src, 'sub', 'deep', 'leaf.txt'), 'leaf')
      expect(await store.putDir('run/1/model', src)).toBe(2)
      await store.putFile('single.txt', join(src, 'top.txt'))
      const out = join(tmp, `out-${Math.random()}`)
      expect(await store.getDir('run/1/model', out)).toBe(2)
      expect(readFileSync(join(out, 'sub', 'deep', 'leaf.txt'), 'utf8')).toBe('leaf')
      await store.getToFile('single.txt', join(out, 'copy.txt'))
      expect(readFileSync(join(out, 'copy.txt'), 'utf8')).toBe('top')
    })

    it('lists one level or recursively', async () => {
      await store.put('r/a.txt', 'a')
      await store.put('r/d/b.txt', 'bb')
      await store.put('r/d/e/c.txt', 'ccc')
      await store.put('rx.txt', 'not under r/')
      expect(await store.list('r')).toEqual([
        { path: 'r/a.txt', isDir: false, size: 1 },
        { path: 'r/d', isDir: true },
      ])
      expect((await store.list('r', { recursive: true })).map((e) => e.path)).toEqual([
        'r/a.txt',
        'r/d/b.txt',
        'r/d/e/c.txt',
      ])
      expect((await store.list('')).map((e) => e.path)).toEqual(['r', 'rx.txt'])
      expect(await store.list('nothing/here')).toEqual([])
    })

    it('deletes an object or a whole prefix, and deleting nothing is fine', async () => {
      await store.put('d/1', '1')
      await store.put('d/2/3', '3')
      await store.put('keep', 'k')
      await store.delete('d/1')
      expect(await store.exists('d/1')).toBe(false)
      await store.delete('d')
      expect(await store.list('d', { recursive: true })).toEqual([])
      expect(await store.exists('keep')).toBe(true)
      await store.delete('never/was')
    })

    it('answers a missing object with CAIRN_ARTIFACT_NOT_FOUND', async () => {
      await expect(store.get('no/such')).rejects.toMatchObject({ code: 'CAIRN_ARTIFACT_NOT_FOUND' })
      await expect(store.getStream('no/such')).rejects.toMatchObject({ code: 'CAIRN_ARTIFACT_NOT_FOUND' })
    })

    it.each(['../escape', 'a/../../b', '/abs/path', 'a\\b', 'nul\0byte', 'C:/win', ''])(
      'rejects the path %j',
      async (bad) => {
        await expect(store.put(bad, 'x')).rejects.toMatchObject({ code: 'CAIRN_INVALID_ARTIFACT_PATH' })
        await expect(store.get(bad)).rejects.toMatchObject({ code: 'CAIRN_INVALID_ARTIFACT_PATH' })
      },
    )

    it('normalises harmless path noise', async () => {
      await store.put('./n//o/./p.txt', 'p')
      expect((await store.get('n/o/p.txt')).toString()).toBe('p')
      expect(store.uriFor('n/o/p.txt').endsWith('/n/o/p.txt')).toBe(true)
    })
  })
}

function* chunks(buf: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size)
}
