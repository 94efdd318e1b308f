import { extname } from 'node:path'
import { CairnError } from '../../core/index.js'
import type { FileFormat, PartitionRange } from './source-spec.js'

const FORMAT_BY_EXT: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.tab': 'csv',
  '.txt': 'csv',
  '.data': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.json': 'json',
  '.jsonl': 'ndjson',
  '.ndjson': 'ndjson',
}

/** The format a file name implies (`.csv.gz` counts as `.csv`), or undefined. */
export function formatFromName(name: string): FileFormat | undefined {
  const base = name.toLowerCase().replace(/\.(gz|zst)$/, '')
  return FORMAT_BY_EXT[extname(base)]
}

/** True when a path has glob characters. */
export function hasGlob(path: string): boolean {
  return /[*?[{]/.test(path)
}

/** The part of a glob before its first wildcard segment (`data/2026/*.csv` → `data/2026/`). */
export function globBase(pattern: string): string {
  const parts = pattern.split('/')
  const i = parts.findIndex((p) => hasGlob(p))
  return i < 0 ? pattern : parts.slice(0, i).join('/') + (i > 0 ? '/' : '')
}

/** A glob as a RegExp over `/`-separated paths: `*`, `?`, `**`, `[abc]`, `{a,b}`. */
export function globToRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        const slash = pattern[i + 2] === '/'
        re += slash ? '(?:.*/)?' : '.*'
        i += slash ? 2 : 1
      } else re += '[^/]*'
    } else if (ch === '?') re += '[^/]'
    else if (ch === '[') {
      const end = pattern.indexOf(']', i)
      if (end < 0) re += '\\['
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^')}]`
        i = end
      }
    } else if (ch === '{') {
      const end = pattern.indexOf('}', i)
      if (end < 0) re += '\\{'
      else {
        re += `(?:${pattern
          .slice(i + 1, end)
          .split(',')
          .map((s) => s.replace(/[.+^$()|\\]/g, '\\$&'))
          .join('|')})`
        i = end
      }
    } else re += ch.replace(/[.+^$()|\\/]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** `key=value` folder segments of a relative path (`dt=2026-11-22/part-0.csv` → `{dt: '2026-11-22'}`). */
export function partitionOf(relativePath: string): Record<string, string> {
  const out: Record<string, string> = {}
  const segments = relativePath.split('/')
  for (const seg of segments.slice(0, -1)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(seg)
    if (m) out[m[1] as string] = decodeURIComponent(m[2] as string)
  }
  return out
}

/** True when a file's partition falls in the range (string comparison: ISO dates sort). */
export function inPartitionRange(
  partition: Record<string, string>,
  range: PartitionRange | undefined,
): boolean {
  if (!range) return true
  const key = range.key ?? 'dt'
  const v = partition[key]
  if (v === undefined) return false
  if (range.from !== undefined && v < range.from) return false
  if (range.to !== undefined && v > range.to) return false
  return true
}

/** The one format of a set of files, or an error naming the mix. */
export function commonFormat(
  files: readonly { displayPath: string }[],
  given: FileFormat | undefined,
  what: string,
): FileFormat {
  if (given) return given
  const formats = new Set(files.map((f) => formatFromName(f.displayPath)))
  if (formats.size === 1) {
    const only = [...formats][0]
    if (only) return only
  }
  if (formats.size > 1) {
    throw new CairnError(
      'CAIRN_SOURCE_UNREADABLE',
      `${what} mixes file formats (${[...formats].join(', ')})`,
      {
        hint: 'Narrow the glob to one format, or read the formats separately.',
      },
    )
  }
  throw new CairnError('CAIRN_SOURCE_UNREADABLE', `Cannot tell the format of ${what} from its name`, {
    hint: "Say it: { format: 'csv' | 'parquet' | 'json' | 'ndjson' } (or --format).",
  })
}

/** True for files a folder read skips (hidden files, `_SUCCESS` markers, checksums). */
export function isIgnoredFile(name: string): boolean {
  const base = name.split('/').pop() ?? name
  return base.startsWith('.') || base.startsWith('_') || base.endsWith('.crc')
}
