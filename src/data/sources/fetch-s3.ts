import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { CairnError, writeFileAtomic } from '../../core/index.js'
import { S3ArtifactStore, type S3ArtifactStoreOptions } from '../../store/index.js'
import { globBase, globToRegExp, hasGlob, isIgnoredFile } from './file-paths.js'

/** S3 connection settings (endpoint, region, credentials) for `s3://` sources. */
export type S3SourceOptions = Omit<S3ArtifactStoreOptions, 'bucket' | 'prefix'>

/** One S3 object downloaded into the cache. */
export interface FetchedObject {
  key: string
  uri: string
  localPath: string
  bytes: number
}

/** Split `s3://bucket/key` into bucket and key. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri)
  if (!m) throw new CairnError('CAIRN_UNSUPPORTED_URI', `"${uri}" is not an s3://bucket/key URI`)
  return { bucket: m[1] as string, key: m[2] as string }
}

/**
 * Download the objects an `s3://` URI names — one key, every object under a prefix ending in
 * `/`, or the keys matching a glob — through the artifact store's S3 client into the cache. An
 * object already cached with the same size and modification time is not downloaded again.
 */
export async function fetchS3Objects(
  uri: string,
  options: { cacheDir: string; s3?: S3SourceOptions; offline?: boolean },
): Promise<FetchedObject[]> {
  const { bucket, key } = parseS3Uri(uri)
  const store = new S3ArtifactStore({ bucket, ...options.s3 })
  try {
    let keys: { key: string; bytes: number; modified: number }[]
    const direct = !hasGlob(key) && key !== '' && !key.endsWith('/') ? await store.stat(key) : undefined
    if (direct) keys = [{ key, bytes: direct.size, modified: direct.modifiedTime }]
    else {
      const base = hasGlob(key) ? globBase(key) : key.replace(/\/?$/, '/').replace(/^\/$/, '')
      const re = hasGlob(key) ? globToRegExp(key) : undefined
      const listed = await store.list(base.replace(/\/$/, ''), { recursive: true })
      keys = []
      for (const e of listed) {
        if (e.isDir || isIgnoredFile(e.path) || (re && !re.test(e.path))) continue
        keys.push({ key: e.path, bytes: e.size ?? 0, modified: 0 })
      }
    }
    if (keys.length === 0) {
      throw new CairnError('CAIRN_SOURCE_NOT_FOUND', `No S3 object matches ${uri}`, {
        details: { uri },
        hint: 'Check the bucket and key; a folder needs a trailing "/".',
      })
    }
    const out: FetchedObject[] = []
    for (const k of keys) {
      const localPath = join(options.cacheDir, 's3', bucket, ...k.key.split('/'))
      const metaPath = `${localPath}.cairn-meta.json`
      const cached = await readCached(localPath, metaPath)
      const remote = k.modified ? k : { ...k, ...(await statRemote(store, k.key)) }
      if (!(cached && cached.bytes === remote.bytes && cached.modified === remote.modified)) {
        if (options.offline && cached) {
          out.push({ key: k.key, uri: `s3://${bucket}/${k.key}`, localPath, bytes: cached.bytes })
          continue
        }
        await store.getToFile(k.key, localPath)
        await writeFileAtomic(metaPath, JSON.stringify({ bytes: remote.bytes, modified: remote.modified }))
      }
      out.push({ key: k.key, uri: `s3://${bucket}/${k.key}`, localPath, bytes: remote.bytes })
    }
    return out
  } catch (err) {
    if (err instanceof CairnError && err.code === 'CAIRN_ARTIFACT_NOT_FOUND') {
      throw new CairnError('CAIRN_SOURCE_NOT_FOUND', `${uri} does not exist`, {
        cause: err,
        details: { uri },
      })
    }
    throw err
  } finally {
    await store.close()
  }
}

async function statRemote(store: S3ArtifactStore, key: string): Promise<{ bytes: number; modified: number }> {
  const st = await store.stat(key)
  return { bytes: st?.size ?? 0, modified: st?.modifiedTime ?? 0 }
}

async function readCached(
  localPath: string,
  metaPath: string,
): Promise<{ bytes: number; modified: number } | undefined> {
  try {
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as { bytes: number; modified: number }
    const st = await stat(localPath)
    return st.size === meta.bytes ? meta : undefined
  } catch {
    return undefined
  }
}
