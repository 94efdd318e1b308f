import { readFileSync } from 'node:fs'

let cached: string | undefined

/** This Cairn's version, from package.json (the same relative path from src/ and dist/). */
export function cairnVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    cached = pkg.version
  }
  return cached
}
