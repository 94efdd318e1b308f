import { CairnError } from '../core/index.js'

/** Encode a search position as an opaque page token. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url')
}

/** Decode a page token (undefined → 0); CAIRN_INVALID_PAGE_TOKEN when it was not made by Cairn. */
export function decodePageToken(token: string | undefined | null): number {
  if (token === undefined || token === null || token === '') return 0
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown }
    if (typeof parsed.offset === 'number' && Number.isSafeInteger(parsed.offset) && parsed.offset >= 0)
      return parsed.offset
  } catch {}
  throw new CairnError('CAIRN_INVALID_PAGE_TOKEN', `Invalid page token "${token.slice(0, 40)}"`, {
    hint: 'Pass back the nextPageToken of the previous page unchanged, or omit it to start over',
  })
}

/** Check `maxResults` against a default and a ceiling. */
export function checkMaxResults(maxResults: number | undefined, fallback: number, max: number): number {
  if (maxResults === undefined || maxResults === null) return fallback
  if (!Number.isSafeInteger(maxResults) || maxResults < 1 || maxResults > max)
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `maxResults must be an integer from 1 to ${max}, got ${maxResults}`,
      {
        details: { maxResults },
      },
    )
  return maxResults
}
