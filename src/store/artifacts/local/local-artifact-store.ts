import { createReadStream } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { CairnError, moveIntoPlace, tempPathFor, writeFileAtomic } from '../../../core/index.js'
import { joinArtifactPath, normalizeArtifactPath } from '../artifact-path.js'
import type { ArtifactEntry, ArtifactStore, ListOptions } from '../artifact-store.js'

/** Artifacts as files under a local folder; writes go to a temp file and are renamed into place. */
export class LocalArtifactStore implements ArtifactStore {
  readonly uri: string

  constructor(readonly root: string) {
    this.uri = pathToFileURL(root).href
  }

  uriFor(path: string): string {
    return pathToFileURL(this.#abs(path, true)).href
  }

  #abs(path: string, allowRoot = false): string {
    const rel = normalizeArtifactPath(path, allowRoot)
    return rel === '' ? this.root : join(this.root, ...rel.split('/'))
  }

  async put(path: string, data: Uint8Array | string): Promise<void> {
    await writeFileAtomic(this.#abs(path), data)
  }

  async putStream(path: string, data: Readable): Promise<void> {
    await writeFileAtomic(this.#abs(path), data)
  }

  async putFile(path: string, localPath: string): Promise<void> {
    const target = this.#abs(path)
    await mkdir(dirname(target), { recursive: true })
    const tmp = tempPathFor(target)
    try {
      await copyFile(localPath, tmp)
      await moveIntoPlace(tmp, target)
    } catch (err) {
      await rm(tmp, { force: true })
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new CairnError('CAIRN_NOT_FOUND', `Local file ${localPath} does not exist`, { cause: err })
      }
      throw err
    }
  }

  async putDir(prefix: string, localDir: string): Promise<number> {
    const files = await listLocalFiles(localDir)
    for (const f of files) await this.putFile(joinArtifactPath(prefix, f), join(localDir, ...f.split('/')))
    return files.length
  }

  async get(path: string): Promise<Buffer> {
    const abs = this.#abs(path)
    try {
      return await readFile(abs)
    } catch (err) {
      throw this.#notFound(path, err)
    }
  }

  async getStream(path: string): Promise<Readable> {
    const abs = this.#abs(path)
    const st = await stat(abs).catch(() => undefined)
    if (!st?.isFile()) throw this.#notFound(path)
    return createReadStream(abs)
  }

  async getToFile(path: string, localPath: string): Promise<void> {
    await writeFileAtomic(localPath, await this.getStream(path))
  }

  async getDir(prefix: string, localDir: string): Promise<number> {
    const entries = await this.list(prefix, { recursive: true })
    const base = normalizeArtifactPath(prefix, true)
    for (const e of entries) {
      const rel = base === '' ? e.path : e.path.slice(base.length + 1)
      await this.getToFile(e.path, join(localDir, ...rel.split('/')))
    }
    return entries.length
  }

  async stat(path: string): Promise<{ size: number; modifiedTime: number } | undefined> {
    const st = await stat(this.#abs(path)).catch(() => undefined)
    return st?.isFile() ? { size: st.size, modifiedTime: st.mtimeMs } : undefined
  }

  async exists(path: string): Promise<boolean> {
    return (await this.stat(path)) !== undefined
  }

  async list(prefix = '', options: ListOptions = {}): Promise<ArtifactEntry[]> {
    const base = normalizeArtifactPath(prefix, true)
    const abs = this.#abs(base, true)
    const st = await stat(abs).catch(() => undefined)
    if (!st?.isDirectory()) return []
    if (options.recursive) {
      const files = await listLocalFiles(abs)
      const out: ArtifactEntry[] = []
      for (const f of files) {
        const s = await stat(join(abs, ...f.split('/')))
        out.push({ path: joinArtifactPath(base, f), isDir: false, size: s.size })
      }
      return out
    }
    const out: ArtifactEntry[] = []
    for (const d of await readdir(abs, { withFileTypes: true })) {
      if (d.name.endsWith('.tmp') && d.name.startsWith('.')) continue
      const p = joinArtifactPath(base, d.name)
      if (d.isDirectory()) out.push({ path: p, isDir: true })
      else if (d.isFile()) out.push({ path: p, isDir: false, size: (await stat(join(abs, d.name))).size })
    }
    return out.sort((a, b) => a.path.localeCompare(b.path))
  }

  async delete(path: string): Promise<void> {
    await rm(this.#abs(path), { recursive: true, force: true })
  }

  async close(): Promise<void> {}

  #notFound(path: string, cause?: unknown): CairnError {
    return new CairnError('CAIRN_ARTIFACT_NOT_FOUND', `Artifact "${path}" not found in ${this.uri}`, {
      cause,
      details: { path },
    })
  }
}

async function listLocalFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries
    .filter((e) => e.isFile() && !(e.name.startsWith('.') && e.name.endsWith('.tmp')))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort()
}
