import { randomBytes } from 'node:crypto'
import { constants, createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/** A temp path beside `target` (same folder, so a rename is atomic on one filesystem). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
}

async function fsyncPath(path: string, flags = constants.O_RDONLY): Promise<void> {
  const fh = await open(path, flags)
  try {
    await fh.sync()
  } catch {
    // some filesystems refuse fsync on directories; durability is then best effort
  } finally {
    await fh.close()
  }
}

/**
 * Write a file atomically: data goes to a temp file beside the target, is fsynced, then renamed
 * over the target. Readers see the old content or the new, never a part.
 */
export async function writeFileAtomic(target: string, data: Uint8Array | string | Readable): Promise<void> {
  await mkdir(dirname(target), { recursive: true })
  const tmp = tempPathFor(target)
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) {
      const fh = await open(tmp, 'w')
      try {
        await fh.writeFile(data)
        await fh.sync()
      } finally {
        await fh.close()
      }
    } else {
      await pipeline(data, createWriteStream(tmp))
      await fsyncPath(tmp)
    }
    await rename(tmp, target)
    await fsyncPath(dirname(target))
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/** Move a finished temp file or folder into place atomically, replacing what was there. */
export async function moveIntoPlace(source: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true })
  const existing = await stat(target).catch(() => null)
  if (existing?.isDirectory()) {
    const old = tempPathFor(target)
    await rename(target, old)
    await rename(source, target)
    await rm(old, { recursive: true, force: true })
  } else {
    await rename(source, target)
  }
}

/** True when a path exists. */
export async function pathExists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null
}
