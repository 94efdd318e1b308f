import { readdir, stat } from 'node:fs/promises'
import { relative, resolve, sep } from 'node:path'
import { CairnError } from '../../core/index.js'
import { fetchS3Objects, type S3SourceOptions } from './fetch-s3.js'
import { fetchUrl } from './fetch-url.js'
import {
  commonFormat,
  formatFromName,
  globBase,
  globToRegExp,
  hasGlob,
  inPartitionRange,
  isIgnoredFile,
  partitionOf,
} from './file-paths.js'
import type { FileSourceSpec, ResolvedFile } from './source-spec.js'

/** Where downloads are cached and how S3 is reached. */
export interface ResolveOptions {
  cacheDir: string
  s3?: S3SourceOptions
  /** Resolve relative paths against this folder (default: the working directory). */
  base?: string
  onDownload?: (received: number, total: number | undefined) => void
}

/**
 * Turn a file spec into local files: download URLs and S3 objects into the cache, expand folders
 * and globs, read `key=value` partitions from the path and keep those in the partition range.
 * Files come sorted by path so the table's row order is stable.
 */
export async function resolveFiles(spec: FileSourceSpec, options: ResolveOptions): Promise<ResolvedFile[]> {
  const path = spec.path
  let files: ResolvedFile[]
  if (/^https?:\/\//i.test(path)) {
    const got = await fetchUrl(path, {
      cacheDir: options.cacheDir,
      ...(spec.offline !== undefined ? { offline: spec.offline } : {}),
      ...(spec.localPath !== undefined ? { localPath: spec.localPath } : {}),
      ...(options.onDownload ? { onProgress: options.onDownload } : {}),
    })
    files = [{ localPath: got.localPath, displayPath: path, format: 'csv', bytes: got.bytes, partition: {} }]
  } else if (/^s3:\/\//i.test(path)) {
    if (spec.localPath) files = [await localFile(spec.localPath, path)]
    else {
      const objects = await fetchS3Objects(path, {
        cacheDir: options.cacheDir,
        ...(options.s3 ? { s3: options.s3 } : {}),
        ...(spec.offline !== undefined ? { offline: spec.offline } : {}),
      })
      const base = path.replace(/^s3:\/\/[^/]+\/?/, '')
      const root = hasGlob(base) ? globBase(base) : base.endsWith('/') ? base : ''
      files = objects.map((o) => ({
        localPath: o.localPath,
        displayPath: o.uri,
        format: 'csv',
        bytes: o.bytes,
        partition: partitionOf(o.key.slice(root.length)),
      }))
    }
  } else {
    files = await resolveLocal(resolve(options.base ?? process.cwd(), path), path)
  }
  files = files.filter((f) => inPartitionRange(f.partition, spec.partitions))
  if (files.length === 0) {
    throw new CairnError(
      'CAIRN_SOURCE_NOT_FOUND',
      spec.partitions
        ? `No partition of ${path} falls in ${spec.partitions.from ?? '…'}..${spec.partitions.to ?? '…'}`
        : `No data files found at ${path}`,
      { details: { path, partitions: spec.partitions } },
    )
  }
  const format = commonFormat(
    files,
    spec.format ?? (files.length === 1 ? guessFormat(files[0]?.displayPath) : undefined),
    path,
  )
  files.sort((a, b) => (a.displayPath < b.displayPath ? -1 : a.displayPath > b.displayPath ? 1 : 0))
  return files.map((f) => ({ ...f, format }))
}

function guessFormat(name: string | undefined): ResolvedFile['format'] | undefined {
  return name ? formatFromName(name.replace(/[?#].*$/, '')) : undefined
}

async function localFile(absolute: string, display: string): Promise<ResolvedFile> {
  const st = await stat(absolute).catch(() => undefined)
  if (!st?.isFile()) throw notFound(display)
  return { localPath: absolute, displayPath: display, format: 'csv', bytes: st.size, partition: {} }
}

async function resolveLocal(absolute: string, display: string): Promise<ResolvedFile[]> {
  if (hasGlob(absolute)) {
    const base = globBase(absolute)
    const re = globToRegExp(absolute.split(sep).join('/'))
    const all = await walk(base.replace(/\/$/, '') || '/').catch(() => [])
    return Promise.all(
      all
        .filter((p) => re.test(p.split(sep).join('/')) && !isIgnoredFile(p))
        .map(async (p) => ({
          ...(await localFile(p, p)),
          partition: partitionOf(relative(base, p).split(sep).join('/')),
        })),
    )
  }
  const st = await stat(absolute).catch(() => undefined)
  if (!st) throw notFound(display)
  if (st.isFile()) return [await localFile(absolute, display)]
  const all = await walk(absolute)
  return Promise.all(
    all
      .filter((p) => !isIgnoredFile(relative(absolute, p)) && formatFromName(p) !== undefined)
      .map(async (p) => ({
        ...(await localFile(p, p)),
        partition: partitionOf(relative(absolute, p).split(sep).join('/')),
      })),
  )
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => resolve(e.parentPath, e.name))
}

function notFound(path: string): CairnError {
  return new CairnError('CAIRN_SOURCE_NOT_FOUND', `${path} does not exist`, {
    details: { path },
    hint: 'Check the path (relative paths start at the working directory), or quote a glob so the shell does not expand it.',
  })
}
