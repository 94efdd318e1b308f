import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acquireMutex, readOwner, tryAcquireMutex } from './file-mutex.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-mutex-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('file mutex', () => {
  it('excludes a second holder in the same process until released', async () => {
    const file = join(dir, 'a.lock')
    const first = tryAcquireMutex(file, 'first')
    expect(first).toBeDefined()
    expect(tryAcquireMutex(file)).toBeUndefined()
    expect(readOwner(file)?.purpose).toBe('first')
    let waited = false
    const second = acquireMutex(file, { onWait: () => (waited = true) })
    await new Promise((r) => setTimeout(r, 30))
    first?.release()
    const held = await second
    expect(waited).toBe(true)
    held.release()
  })

  it('is released by the operating system when the holder is killed', async () => {
    const file = join(dir, 'b.lock')
    const script = `const S = require(${JSON.stringify(require.resolve('better-sqlite3'))}); const db = new S(${JSON.stringify(file)}, { timeout: 0 }); db.exec('BEGIN EXCLUSIVE'); console.log('held'); setInterval(() => {}, 1000)`
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    expect(tryAcquireMutex(file)).toBeUndefined()
    child.kill('SIGKILL')
    const held = await acquireMutex(file, { timeoutMs: 5000 })
    held.release()
  })

  it('gives up with CAIRN_LOCK_TIMEOUT', async () => {
    const file = join(dir, 'c.lock')
    const first = tryAcquireMutex(file, 'busy test')
    await expect(acquireMutex(file, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'CAIRN_LOCK_TIMEOUT' })
    first?.release()
  })
})
