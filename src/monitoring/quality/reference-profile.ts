import type { ColumnType, DatasetProfile, Frame, FrameColumn } from '../../data/index.js'
import { isNumericColumn } from '../../data/index.js'

/** Categories kept per column; beyond this a column is high-cardinality and new values are not checked. */
export const MAX_PROFILE_CATEGORIES = 10_000

/** String columns with more distinct values than this and than half their rows are free text, not categories. */
const MAX_DISCRETE_FOR_STRINGS = 20

/** What data quality needs to know about one reference column. */
export interface ReferenceColumnProfile {
  name: string
  type: ColumnType
  rows: number
  missing: number
  missingShare: number
  /** Finite numeric range (null when not numeric or no values). */
  min: number | null
  max: number | null
  /** Every category / string / boolean value seen, or null when there are more than MAX_PROFILE_CATEGORIES. */
  categories: string[] | null
  distinct: number
  /** Whether missing values are allowed (from a schema; default true). */
  nullable: boolean
}

/** The reference that live data is checked against. */
export interface ReferenceProfile {
  rowCount: number
  columns: ReferenceColumnProfile[]
}

/** A schema's shape as monitoring reads it (the data layer's DatasetSchema fits). */
export interface SchemaLike {
  columns: readonly { name: string; type: ColumnType; nullable?: boolean; categories?: readonly string[] }[]
}

function columnProfile(c: FrameColumn): ReferenceColumnProfile {
  const rows = c.type === 'category' ? c.codes.length : c.values.length
  let missing = 0
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  let categories: string[] | null = null
  let distinct = 0
  if (c.type === 'category') {
    const used = new Uint8Array(c.categories.length)
    for (const code of c.codes) {
      if (code < 0) missing++
      else used[code] = 1
    }
    categories = c.categories.filter((_, i) => used[i] === 1)
    distinct = categories.length
  } else if (c.type === 'string' || c.type === 'text') {
    const seen = new Set<string>()
    for (const v of c.values) {
      if (v === null) missing++
      else if (seen.size <= MAX_PROFILE_CATEGORIES) seen.add(v)
    }
    distinct = seen.size
    const present = rows - missing
    const freeText = distinct > MAX_DISCRETE_FOR_STRINGS && distinct > present * 0.5
    categories = c.type === 'string' && seen.size <= MAX_PROFILE_CATEGORIES && !freeText ? [...seen] : null
  } else if (isNumericColumn(c)) {
    const seen = c.type === 'boolean' ? new Set<string>() : undefined
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i] as number
      if (Number.isNaN(v)) {
        missing++
        continue
      }
      if (v < min) min = v
      if (v > max) max = v
      seen?.add(v !== 0 ? 'true' : 'false')
    }
    if (seen) {
      categories = [...seen]
      distinct = seen.size
    }
  }
  const numeric = c.type === 'number' || c.type === 'integer' || c.type === 'datetime'
  const hasRange = numeric && Number.isFinite(min) && Number.isFinite(max)
  return {
    name: c.name,
    type: c.type,
    rows,
    missing,
    missingShare: rows === 0 ? 0 : missing / rows,
    min: hasRange ? min : null,
    max: hasRange ? max : null,
    categories,
    distinct,
    nullable: true,
  }
}

/**
 * Profile a reference frame for data-quality checks: per column its type, missing share, finite
 * numeric range and full set of categories. A schema, when given, adds nullability and the allowed
 * categories it declares.
 */
export function profileReference(reference: Frame, schema?: SchemaLike): ReferenceProfile {
  const columns = reference.columns.map(columnProfile)
  if (schema) {
    for (const s of schema.columns) {
      const p = columns.find((c) => c.name === s.name)
      if (!p) continue
      if (s.nullable === false) p.nullable = false
      if (s.categories && s.categories.length > 0) p.categories = [...s.categories]
    }
  }
  return { rowCount: reference.rowCount, columns }
}

/**
 * A quality reference from a stored data-layer profile. Numeric and datetime ranges and missing
 * shares carry over; categories are known only when the profile kept every value (no "other"),
 * otherwise the new-category check is skipped for that column.
 */
export function referenceProfileFromDatasetProfile(
  profile: DatasetProfile,
  schema?: SchemaLike,
): ReferenceProfile {
  const columns = profile.columns.map((p): ReferenceColumnProfile => {
    const rows = p.count + p.missing
    const base = {
      name: p.name,
      type: p.type,
      rows,
      missing: p.missing,
      missingShare: p.missingFraction,
      distinct: p.distinct,
      nullable: true,
    }
    if (p.kind === 'numeric' || p.kind === 'datetime')
      return { ...base, min: p.min, max: p.max, categories: null }
    if (p.kind === 'categorical') {
      return {
        ...base,
        min: null,
        max: null,
        categories: p.otherCount === 0 ? p.topK.map((t) => t.value) : null,
      }
    }
    return { ...base, min: null, max: null, categories: null }
  })
  const out = { rowCount: profile.rowCount, columns }
  if (schema) {
    for (const s of schema.columns) {
      const c = columns.find((x) => x.name === s.name)
      if (!c) continue
      if (s.nullable === false) c.nullable = false
      if (s.categories && s.categories.length > 0) c.categories = [...s.categories]
    }
  }
  return out
}
