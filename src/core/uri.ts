import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CairnError } from './errors.js'

/** A parsed store location. */
export type StoreLocation =
  | { scheme: 'sqlite'; path: string }
  | { scheme: 'postgresql'; url: string }
  | { scheme: 'file'; path: string }
  | { scheme: 's3'; bucket: string; prefix: string }
  | { scheme: 'redis'; url: string }
  | { scheme: 'http'; url: string }

/**
 * Parse a store URI. SQLite follows SQLAlchemy/MLflow: `sqlite:///rel.db` is relative to `base`,
 * `sqlite:////abs/path.db` is absolute, `sqlite::memory:` is in memory. `file:///abs` and bare
 * paths are files; `s3://bucket/prefix`, `postgresql://…`, `redis://…`, `http(s)://…` as usual.
 */
export function parseStoreUri(uri: string, base = process.cwd()): StoreLocation {
  if (uri === 'sqlite::memory:' || uri === 'sqlite:///:memory:') return { scheme: 'sqlite', path: ':memory:' }
  if (uri.startsWith('sqlite://')) {
    const rest = uri.slice('sqlite://'.length)
    if (!rest.startsWith('/'))
      throw invalid(uri, 'expected sqlite:///relative.db or sqlite:////absolute/path.db')
    const p = rest.slice(1)
    if (p === '') throw invalid(uri, 'the database path is empty')
    return { scheme: 'sqlite', path: isAbsolute(p) ? p : resolve(base, p) }
  }
  if (uri.startsWith('postgresql://') || uri.startsWith('postgres://'))
    return { scheme: 'postgresql', url: uri }
  if (uri.startsWith('redis://') || uri.startsWith('rediss://')) return { scheme: 'redis', url: uri }
  if (uri.startsWith('http://') || uri.startsWith('https://'))
    return { scheme: 'http', url: uri.replace(/\/+$/, '') }
  if (uri.startsWith('s3://')) {
    const rest = uri.slice('s3://'.length)
    const slash = rest.indexOf('/')
    const bucket = slash === -1 ? rest : rest.slice(0, slash)
    const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '')
    if (!bucket) throw invalid(uri, 'the bucket name is missing')
    return { scheme: 's3', bucket, prefix }
  }
  if (uri.startsWith('file:')) return { scheme: 'file', path: fileURLToPath(uri) }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) throw invalid(uri, 'unknown scheme')
  return { scheme: 'file', path: resolve(base, uri) }
}

function invalid(uri: string, why: string): CairnError {
  return new CairnError('CAIRN_UNSUPPORTED_URI', `Cannot use store URI "${uri}": ${why}`, {
    hint: 'Use sqlite:///path.db, postgresql://user@host/db, file:///abs/path, s3://bucket/prefix, redis://host:6379 or http://host:port',
  })
}
