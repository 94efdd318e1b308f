import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { describeArtifactStoreContract } from '../artifact-store.contract.js'
import { openArtifactStore } from '../open.js'
import { LocalArtifactStore } from './local-artifact-store.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'cairn-local-art-'))
  dirs.push(d)
  return d
}

describeArtifactStoreContract('local files', async () => new LocalArtifactStore(fresh()))

describe('local artifact store', () => {
  it('opens from file:// URIs and plain paths', () => {
    const d = fresh()
    expect(openArtifactStore(`file://${d}`).uri).toBe(`file://${d}`)
    expect(openArtifactStore(d)).toBeInstanceOf(LocalArtifactStore)
  })

  it('leaves the old object whole when the writer is killed mid-write', async () => {
    const root = fresh()
    const store = new LocalArtifactStore(root)
    await store.put('model/weights.bin', 'old weights')
    const script = `
      import { Readable } from 'node:stream'
      import { LocalArtifactStore } from ${JSON.stringify(new URL('./local-artifact-store.ts', import.meta.url).pathname)}
      const store = new LocalArtifactStore(${JSON.stringify(root)})
      async function* slow() { for (;;) { yield Buffer.alloc(1 << 16, 7); process.stdout.write('.'); await new Promise(r => setTimeout(r, 5)) } }
      await store.putStream('model/weights.bin', Readable.from(slow()))
    `
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((resolve) => {
      let seen = 0
      child.stdout.on('data', (d: Buffer) => {
        seen += d.length
        if (seen > 20) resolve()
      })
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.on('exit', r))
    expect((await store.get('model/weights.bin')).toString()).toBe('old weights')
    expect((await store.list('model')).map((e) => e.path)).toEqual(['model/weights.bin'])
    const leftovers = readdirSync(join(root, 'model')).filter((f) => f.endsWith('.tmp'))
    expect(leftovers.length).toBeLessThanOrEqual(1)
  })
})
