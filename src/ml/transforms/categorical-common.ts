import { CairnError } from '../../core/index.js'

/** Output-name suffixes for one-hot's special columns. */
export const INFREQUENT = '__infrequent__'
export const MISSING = '__missing__'
export const UNKNOWN = '__unknown__'

/** The error for a category never seen at fit time. */
export function unknownCategoryError(kind: string, column: string, value: string): CairnError {
  return new CairnError(
    'CAIRN_UNKNOWN_CATEGORY',
    `${kind}: column "${column}" holds "${value}", a category not seen at fit time`,
    {
      details: { column, value },
      hint: 'Set handleUnknown to "ignore" (or "encode-as-unknown" / "use-encoded-value") to accept new categories',
    },
  )
}

/** The error for a missing category value where the encoder rejects them. */
export function missingCategoryError(kind: string, column: string, row: number): CairnError {
  return new CairnError('CAIRN_NON_FINITE_VALUE', `${kind}: column "${column}" is missing at row ${row}`, {
    details: { column, row },
    hint: 'Impute it first (simpleImputer({ strategy: "most-frequent" })) or set handleMissing: "category"',
  })
}

/** Category labels sorted by code point (scikit-learn's order). */
export function lexical(labels: Iterable<string>): string[] {
  return [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}
