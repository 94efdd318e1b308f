import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'

/** The content hash algorithm Cairn uses everywhere (hex digests). */
export const HASH_ALGORITHM = 'sha256'

/** Hex sha256 of a buffer or string. */
export function hashBytes(data: Uint8Array | string): string {
  return createHash(HASH_ALGORITHM).update(data).digest('hex')
}

/** Hex sha256 of a file's content, streamed. */
export async function hashFile(path: string): Promise<{ hash: string; size: number }> {
  const h = createHash(HASH_ALGORITHM)
  let size = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    h.update(chunk as Buffer)
    size += (chunk as Buffer).length
  }
  return { hash: h.digest('hex'), size }
}

/**
 * JSON with object keys sorted at every level, so equal values give equal text.
 * `undefined` properties are dropped; non-finite numbers become strings.
 */
export function stableStringify(value: unknown, indent?: number): string {
  return JSON.stringify(normalizeForHash(value), null, indent)
}

function normalizeForHash(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
    if (typeof value === 'bigint') return value.toString()
    return value
  }
  if (Array.isArray(value)) return value.map(normalizeForHash)
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>)
  if (value instanceof Date) return value.toISOString()
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key]
    if (v !== undefined) out[key] = normalizeForHash(v)
  }
  return out
}

/** Hex sha256 of a value's stable JSON form. */
export function hashObject(value: unknown): string {
  return hashBytes(stableStringify(value))
}
