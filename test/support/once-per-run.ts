import { mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'

const POLL_MS = 250

/**
 * Do `make(dir)` once per test run, whichever test file (worker process) asks first; the others
 * wait for it and get the same answer. `dir` is an empty folder that lives until the run ends
 * (global setup removes it). The answer must be JSON. Without the run's scratch folder (another
 * config), `make` runs here, in a private folder.
 */
export async function oncePerRun<T>(
  name: string,
  make: (dir: string) => Promise<T>,
  options: { timeoutMs?: number } = {},
): Promise<T> {
  const scratch = inject('scratch') as string | undefined
  if (!scratch) return make(await mkdtemp(join(tmpdir(), `cairn-${name}-`)))
  const base = join(scratch, name)
  const answer = join(scratch, `${name}.json`)
  let mine = true
  try {
    await mkdir(base)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    mine = false
  }
  if (mine) {
    const dir = join(base, 'out')
    await mkdir(dir)
    let result: { ok: true; value: T } | { ok: false; error: string }
    try {
      result = { ok: true, value: await make(dir) }
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }
    }
    await writeFile(`${answer}.tmp`, JSON.stringify(result))
    await rename(`${answer}.tmp`, answer)
    if (!result.ok) throw new Error(result.error)
    return result.value
  }
  const deadline = Date.now() + (options.timeoutMs ?? 600_000)
  for (;;) {
    const text = await readFile(answer, 'utf8').catch(() => undefined)
    if (text !== undefined) {
      const result = JSON.parse(text) as { ok: true; value: T } | { ok: false; error: string }
      if (!result.ok) throw new Error(`${name} failed in another test file:\n${result.error}`)
      return result.value
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${name} (made by another test file)`)
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
}
