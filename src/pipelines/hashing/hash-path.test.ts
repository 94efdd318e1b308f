import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashBytes } from '../../core/index.js'
import { HashCache } from './hash-cache.js'
import { hashPath } from './hash-path.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-hash-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('hashPath', () => {
  it('hashes files by content and folders by their files', async () => {
    await mkdir(join(dir, 'folder/sub'), { recursive: true })
    await writeFile(join(dir, 'folder/a.txt'), 'a')
    await writeFile(join(dir, 'folder/sub/b.txt'), 'bb')
    const cache = await HashCache.open()
    const file = await hashPath(join(dir, 'folder/a.txt'), cache)
    expect(file).toEqual({ hash: hashBytes('a'), size: 1, isDir: false })
    const folder = await hashPath(join(dir, 'folder'), cache)
    expect(folder?.isDir).toBe(true)
    expect(folder?.size).toBe(3)
    expect(folder?.files?.map((f) => f.path)).toEqual(['a.txt', 'sub/b.txt'])
    await writeFile(join(dir, 'folder/sub/b.txt'), 'bc')
    expect((await hashPath(join(dir, 'folder'), cache))?.hash).not.toBe(folder?.hash)
    expect(await hashPath(join(dir, 'missing'), cache)).toBeUndefined()
  })

  it('reuses a stored hash while size, mtime and inode are unchanged (a stat, not a read)', async () => {
    const file = join(dir, 'big.bin')
    await writeFile(file, 'original')
    await utimes(file, 1_700_000_000, 1_700_000_000)
    const cachePath = join(dir, 'hashes.json')
    const cache = await HashCache.open(cachePath)
    const h1 = await hashPath(file, cache)
    await cache.save()
    // same size, same mtime: the content is not read again, so the stored hash comes back
    await writeFile(file, 'ORIGINAL')
    await utimes(file, 1_700_000_000, 1_700_000_000)
    const reopened = await HashCache.open(cachePath)
    expect((await hashPath(file, reopened))?.hash).toBe(h1?.hash)
    // a new mtime makes it read the file
    await utimes(file, 1_700_000_005, 1_700_000_005)
    expect((await hashPath(file, reopened))?.hash).toBe(hashBytes('ORIGINAL'))
  })
})
