import { CairnError } from '../../../core/index.js'
import type { ArtifactStore } from '../../../store/index.js'
import { normalizeArtifactPath } from '../../../store/index.js'

/** What the UI shows for one artifact. */
export type ArtifactPreview =
  | { kind: 'text'; path: string; size: number; text: string; truncated: boolean; language?: string }
  | { kind: 'json'; path: string; size: number; json: unknown }
  | { kind: 'csv'; path: string; size: number; header: string[]; rows: string[][]; truncated: boolean }
  | { kind: 'image'; path: string; size: number; contentType: string }
  | { kind: 'model'; path: string; size: number; manifest: unknown; files: { path: string; size?: number }[] }
  | { kind: 'binary'; path: string; size: number }

/** Bytes read for a text or CSV preview. */
const PREVIEW_BYTES = 256 * 1024
/** JSON files up to this size are parsed whole. */
const JSON_BYTES = 2 * 1024 * 1024
const CSV_ROWS = 100

const IMAGES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  webp: 'image/webp',
}
const TEXT = new Set([
  'txt',
  'log',
  'md',
  'yaml',
  'yml',
  'toml',
  'ini',
  'cfg',
  'py',
  'ts',
  'js',
  'sh',
  'sql',
  'html',
  'xml',
  'lock',
  'dvc',
  'env',
  'r',
  'ipynb',
])

/** The first `limit` bytes of an artifact (the stream is closed after). */
async function readHead(store: ArtifactStore, path: string, limit: number): Promise<Buffer> {
  const stream = await store.getStream(path)
  const chunks: Buffer[] = []
  let have = 0
  try {
    for await (const chunk of stream) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array)
      chunks.push(b)
      have += b.length
      if (have >= limit) break
    }
  } finally {
    stream.destroy()
  }
  return Buffer.concat(chunks).subarray(0, limit)
}

/** A bundle's manifest: a JSON object with a family and a signature. */
function looksLikeManifest(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'family' in v && 'signature' in v
}

/** Split CSV text into rows (RFC 4180 quotes), at most `max` rows; the last partial line is dropped. */
export function parseCsvHead(text: string, max: number, complete: boolean): string[][] {
  const delimiter = text.slice(0, text.indexOf('\n') >>> 0).includes('\t') ? '\t' : ','
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  let i = 0
  while (i < text.length && rows.length < max) {
    const c = text[i]!
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i++
        } else quoted = false
      } else cell += c
    } else if (c === '"' && cell === '') quoted = true
    else if (c === delimiter) {
      row.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += c
    i++
  }
  if (complete && rows.length < max && (cell !== '' || row.length > 0)) {
    row.push(cell)
    rows.push(row)
  }
  return rows
}

/**
 * A preview of an artifact or folder: a model bundle's manifest, parsed JSON, the head of a CSV,
 * text, or just the size for binaries and images (the UI loads images from the download route).
 */
export async function previewArtifact(store: ArtifactStore, rawPath: string): Promise<ArtifactPreview> {
  const path = normalizeArtifactPath(rawPath, true)
  const st = path ? await store.stat(path) : undefined
  if (!st) {
    const entries = await store.list(path)
    const manifest = entries.find((e) => !e.isDir && e.path.split('/').pop() === 'manifest.json')
    if (manifest) {
      const json = await parseJson(store, manifest.path)
      if (looksLikeManifest(json))
        return {
          kind: 'model',
          path,
          size: entries.reduce((n, e) => n + (e.size ?? 0), 0),
          manifest: json,
          files: entries.map((e) => ({ path: e.path, ...(e.size !== undefined ? { size: e.size } : {}) })),
        }
    }
    if (entries.length > 0)
      throw new CairnError('CAIRN_INVALID_ARGUMENT', `"${path}" is a folder`, {
        details: { path },
        hint: 'Preview one of the files in it',
      })
    throw new CairnError('CAIRN_ARTIFACT_NOT_FOUND', `Artifact "${path}" not found`, {
      details: { path },
      hint: 'List the artifacts of the run to see which exist',
    })
  }
  const size = st.size
  const name = path.split('/').pop() ?? path
  const ext = name.includes('.') ? (name.split('.').pop() ?? '').toLowerCase() : ''
  const image = IMAGES[ext]
  if (image) return { kind: 'image', path, size, contentType: image }
  if (ext === 'json' && size <= JSON_BYTES) {
    const json = await parseJson(store, path).catch(() => undefined)
    if (json !== undefined) {
      if (name === 'manifest.json' && looksLikeManifest(json)) {
        const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
        const files = await store.list(dir)
        return {
          kind: 'model',
          path,
          size,
          manifest: json,
          files: files.map((e) => ({ path: e.path, ...(e.size !== undefined ? { size: e.size } : {}) })),
        }
      }
      return { kind: 'json', path, size, json }
    }
  }
  const head = await readHead(store, path, PREVIEW_BYTES)
  const truncated = size > head.length
  if (ext === 'csv' || ext === 'tsv') {
    const text = head.toString('utf8')
    const rows = parseCsvHead(text, CSV_ROWS + 1, !truncated)
    const [header = [], ...body] = rows
    return { kind: 'csv', path, size, header, rows: body, truncated: truncated || rows.length > CSV_ROWS }
  }
  if (TEXT.has(ext) || ext === 'json' || isProbablyText(head)) {
    let text = head.toString('utf8')
    if (truncated) text = text.replace(/\uFFFD$/, '')
    return { kind: 'text', path, size, text, truncated, ...(ext ? { language: ext } : {}) }
  }
  return { kind: 'binary', path, size }
}

async function parseJson(store: ArtifactStore, path: string): Promise<unknown> {
  return JSON.parse((await store.get(path)).toString('utf8'))
}

/** No NUL bytes and few control characters in the first bytes. */
function isProbablyText(b: Buffer): boolean {
  const n = Math.min(b.length, 4096)
  let control = 0
  for (let i = 0; i < n; i++) {
    const c = b[i]!
    if (c === 0) return false
    if (c < 9 || (c > 13 && c < 32)) control++
  }
  return control <= n * 0.02
}
