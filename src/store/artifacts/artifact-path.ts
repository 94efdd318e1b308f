import { CairnError } from '../../core/index.js'

/**
 * Normalise an artifact path to `a/b/c`: `\` and absolute paths, `..` segments, NUL bytes and
 * drive letters are rejected with CAIRN_INVALID_ARTIFACT_PATH; `.` and empty segments are dropped.
 * An empty path (the root) is allowed only when `allowRoot` is set.
 */
export function normalizeArtifactPath(path: string, allowRoot = false): string {
  const reject = (why: string) =>
    new CairnError('CAIRN_INVALID_ARTIFACT_PATH', `Invalid artifact path "${path}": ${why}`, {
      details: { path },
      hint: 'Use a relative path like "model/manifest.json" that stays inside the artifact root',
    })
  if (typeof path !== 'string') throw reject('not a string')
  if (path.includes('\0')) throw reject('contains a NUL byte')
  if (path.includes('\\')) throw reject('contains a backslash')
  if (path.startsWith('/')) throw reject('absolute paths are not allowed')
  if (/^[a-zA-Z]:/.test(path)) throw reject('drive letters are not allowed')
  const parts: string[] = []
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') throw reject('".." would escape the artifact root')
    parts.push(seg)
  }
  if (parts.length === 0 && !allowRoot) throw reject('the path is empty')
  return parts.join('/')
}

/** Join path parts and normalise the result. */
export function joinArtifactPath(...parts: string[]): string {
  return normalizeArtifactPath(parts.filter((p) => p !== '').join('/'), true)
}
