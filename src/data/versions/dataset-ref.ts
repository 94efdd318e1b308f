import { CairnError } from '../../core/index.js'

/** Which version(s) of a dataset a reference means. */
export type VersionSelector =
  | { kind: 'latest' }
  /** A content-hash version id or a unique prefix of it (at least 4 hex digits). */
  | { kind: 'version'; version: string }
  /** The n-th version written (`v3`). */
  | { kind: 'seq'; seq: number }
  /** One partition of the latest version (`2026-11-22`). */
  | { kind: 'partition'; partition: string }
  /** A range of partitions of the latest version (`2026-11-01..2026-11-22`, either end open). */
  | { kind: 'range'; from?: string; to?: string }

/** A parsed `name@selector`. */
export interface DatasetRef {
  name: string
  selector: VersionSelector
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,127}$/

/** Check a dataset name: letters, digits, `_ . - /`, starting with a letter or digit. */
export function assertDatasetName(name: string): void {
  if (!NAME.test(name) || name.includes('..') || name.endsWith('/')) {
    throw new CairnError('CAIRN_INVALID_ARGUMENT', `"${name}" is not a valid dataset name`, {
      hint: 'Use letters, digits, "_", ".", "-" and "/" (e.g. housing, raw/events), at most 128 characters.',
    })
  }
}

/**
 * Parse `name`, `name@latest`, `name@<version>`, `name@v3`, `name@2026-11-22` or
 * `name@2026-11-01..2026-11-22` (either end of a range may be left out).
 */
export function parseDatasetRef(ref: string): DatasetRef {
  const at = ref.lastIndexOf('@')
  const name = at < 0 ? ref : ref.slice(0, at)
  const sel = at < 0 ? 'latest' : ref.slice(at + 1)
  assertDatasetName(name)
  return { name, selector: parseSelector(sel, ref) }
}

function parseSelector(sel: string, ref: string): VersionSelector {
  if (sel === '' || sel === 'latest') return { kind: 'latest' }
  if (sel.includes('..')) {
    const [from, to] = sel.split('..')
    return { kind: 'range', ...(from ? { from } : {}), ...(to ? { to } : {}) }
  }
  if (/^v\d+$/.test(sel)) return { kind: 'seq', seq: Number(sel.slice(1)) }
  if (/^\d{4}-\d{2}-\d{2}$/.test(sel)) return { kind: 'partition', partition: sel }
  if (/^[0-9a-f]{4,64}$/.test(sel)) return { kind: 'version', version: sel }
  if (/^[A-Za-z0-9_.:-]+$/.test(sel)) return { kind: 'partition', partition: sel }
  throw new CairnError('CAIRN_INVALID_ARGUMENT', `"${ref}" is not a dataset reference`, {
    hint: 'Use name, name@latest, name@<version>, name@v3, name@2026-11-22 or name@2026-11-01..2026-11-22.',
  })
}

/** `name@version`. */
export function formatDatasetRef(name: string, version: string): string {
  return `${name}@${version}`
}
