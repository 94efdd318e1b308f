import type { DataEngine } from '../engine/duckdb-engine.js'
import { relationToFrame } from '../engine/frame-convert.js'
import { quoteIdent } from '../engine/sql.js'
import type { ColumnType, NumericColumn } from '../frame/frame.js'
import type { DatasetSchema } from '../schema/schema.js'
import { binSql, equalWidthEdges, type Histogram } from './histogram.js'
import { exactQuantiles } from './quantiles.js'

/** Categorical columns with at most this many distinct values are counted in the histogram scan. */
const LOW_CARDINALITY = 10_000

/** The quantiles every numeric profile has. */
export const PROFILE_QUANTILES = {
  p1: 0.01,
  p5: 0.05,
  p10: 0.1,
  p25: 0.25,
  p50: 0.5,
  p75: 0.75,
  p90: 0.9,
  p95: 0.95,
  p99: 0.99,
} as const

/** p1, p5, p10, p25, p50, p75, p90, p95, p99. */
export type Quantiles = Record<keyof typeof PROFILE_QUANTILES, number | null>

interface ProfileBase {
  name: string
  type: ColumnType
  /** Non-missing values. */
  count: number
  missing: number
  missingFraction: number
  /** Distinct non-missing values (exact). */
  distinct: number
}

/**
 * number and integer columns. Statistics that do not exist (no values; std of one value) are
 * null, so profiles survive JSON.
 */
export interface NumericColumnProfile extends ProfileBase {
  kind: 'numeric'
  min: number | null
  max: number | null
  mean: number | null
  /** Sample standard deviation (n - 1). */
  std: number | null
  zeros: number
  quantiles: Quantiles
  /** Equal-width bins over min..max (see ./histogram.ts for the convention). */
  histogram: Histogram
}

/** category, string and boolean columns. */
export interface CategoricalColumnProfile extends ProfileBase {
  kind: 'categorical'
  /** The most frequent values, most frequent first (ties by value). */
  topK: { value: string; count: number }[]
  /** Non-missing values outside the top k. */
  otherCount: number
}

/** text columns: lengths in characters. */
export interface TextColumnProfile extends ProfileBase {
  kind: 'text'
  length: {
    min: number | null
    max: number | null
    mean: number | null
    std: number | null
    quantiles: Quantiles
  }
  /** Values that are empty or only whitespace. */
  blank: number
}

/** datetime columns: times as ms since the epoch (UTC). */
export interface DatetimeColumnProfile extends ProfileBase {
  kind: 'datetime'
  min: number | null
  max: number | null
  /** ISO forms of min and max. */
  minIso: string
  maxIso: string
  /** Equal-width bins over min..max in ms (see ./histogram.ts). */
  histogram: Histogram
}

/** The profile of one column. */
export type ColumnProfile =
  | NumericColumnProfile
  | CategoricalColumnProfile
  | TextColumnProfile
  | DatetimeColumnProfile

/**
 * The statistical profile of a dataset version, stored with it and used as the reference for
 * drift monitoring. Numeric and datetime columns carry histograms with fixed bin edges
 * (`edges[i] = edges[0] + i·width`; bins are [e_i, e_i+1) except the last, [e_k-1, e_k]; see
 * `histogramCounts` to bin new data into them the same way).
 */
export interface DatasetProfile {
  formatVersion: 1
  rowCount: number
  columns: ColumnProfile[]
  /** Bins per histogram and top-k size used. */
  settings: { bins: number; topK: number }
}

/** Settings for profiling. */
export interface ProfileOptions {
  /** Histogram bins for numeric and datetime columns (default 20). */
  bins?: number
  /** Most frequent values kept for categorical columns (default 10). */
  topK?: number
  /** Columns to profile (default all). */
  columns?: readonly string[]
}

/**
 * Profile a relation: one DuckDB query for counts, missing values, exact distinct counts and
 * min/max/mean/std of every column; one scan for all histograms and the value counts of
 * low-cardinality columns; exact top-k of the others by grouping; exact quantiles by
 * multi-selection on each column copied out column-wise.
 */
export async function profileRelation(
  engine: DataEngine,
  relation: string,
  schema: DatasetSchema,
  options: ProfileOptions = {},
): Promise<DatasetProfile> {
  const bins = options.bins ?? 20
  const topK = options.topK ?? 10
  const columns = schema.columns.filter((c) => !options.columns || options.columns.includes(c.name))
  const kindOf = (t: ColumnType): ColumnProfile['kind'] =>
    t === 'number' || t === 'integer'
      ? 'numeric'
      : t === 'datetime'
        ? 'datetime'
        : t === 'text'
          ? 'text'
          : 'categorical'
  const parts: string[] = ['count(*) AS n']
  columns.forEach((c, i) => {
    const id = quoteIdent(c.name)
    const kind = kindOf(c.type)
    // categorical columns get their exact distinct count from their value counts below
    parts.push(
      `count(${id}) AS c${i}`,
      kind === 'categorical' ? `approx_count_distinct(${id}) AS ad${i}` : `count(DISTINCT ${id}) AS d${i}`,
    )
    if (kind === 'numeric') {
      const x = `CAST(${id} AS DOUBLE)`
      parts.push(
        `min(${x}) AS mn${i}`,
        `max(${x}) AS mx${i}`,
        `avg(${x}) AS av${i}`,
        `stddev_samp(${x}) AS sd${i}`,
        `count(*) FILTER (WHERE ${x} = 0) AS z${i}`,
      )
    } else if (kind === 'datetime') {
      const x = `epoch_ms(CAST(${id} AS TIMESTAMP))`
      parts.push(`min(${x}) AS mn${i}`, `max(${x}) AS mx${i}`)
    } else if (kind === 'text') {
      const len = `CAST(length(${id}) AS DOUBLE)`
      parts.push(
        `min(${len}) AS mn${i}`,
        `max(${len}) AS mx${i}`,
        `avg(${len}) AS av${i}`,
        `stddev_samp(${len}) AS sd${i}`,
        `count(*) FILTER (WHERE trim(${id}) = '') AS bl${i}`,
      )
    }
  })
  const stats = (await engine.row(`SELECT ${parts.join(', ')} FROM ${relation}`, 'Profiling')) ?? {}
  const n = Number(stats.n ?? 0)
  const num = (k: string): number | null => {
    const v = stats[k] === null || stats[k] === undefined ? Number.NaN : Number(stats[k])
    return Number.isFinite(v) ? v : null
  }
  // exact quantiles: each numeric column (and text lengths) copied out of DuckDB column-wise and
  // multi-selected in place (O(n log k)); faster than DuckDB's quantile_cont over many columns
  const qValues = Object.values(PROFILE_QUANTILES)
  const quantileLists = new Map<number, number[]>()
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i] as (typeof columns)[number]
    const kind = kindOf(c.type)
    if ((kind !== 'numeric' && kind !== 'text') || Number(stats[`c${i}`] ?? 0) === 0) continue
    const id = quoteIdent(c.name)
    const expr = kind === 'numeric' ? `CAST(${id} AS DOUBLE)` : `CAST(length(${id}) AS DOUBLE)`
    const frame = await relationToFrame(
      engine,
      `(SELECT ${expr} AS v FROM ${relation} WHERE ${id} IS NOT NULL AND NOT isnan(${expr}))`,
      [{ name: 'v', type: 'number' }],
    )
    const values = (frame.columns[0] as NumericColumn).values
    quantileLists.set(i, exactQuantiles(values, qValues))
  }
  const quantiles = (i: number): Quantiles => {
    const list = quantileLists.get(i) ?? []
    const out = {} as Quantiles
    Object.keys(PROFILE_QUANTILES).forEach((name, j) => {
      const v = list[j] === undefined ? Number.NaN : Number(list[j])
      out[name as keyof Quantiles] = Number.isFinite(v) ? v : null
    })
    return out
  }

  // histograms of numbers and datetimes (fixed edges) and value counts of low-cardinality
  // categorical columns: one scan, DuckDB's histogram() aggregate per column
  const edges = new Map<number, number[]>()
  const hist: string[] = []
  const highCardinality: number[] = []
  columns.forEach((c, i) => {
    const kind = kindOf(c.type)
    const id = quoteIdent(c.name)
    if (kind === 'categorical') {
      if (Number(stats[`ad${i}`] ?? 0) <= LOW_CARDINALITY)
        hist.push(`histogram(CAST(${id} AS VARCHAR)) AS h${i}`)
      else highCardinality.push(i)
      return
    }
    if (kind !== 'numeric' && kind !== 'datetime') return
    const mn = num(`mn${i}`)
    const mx = num(`mx${i}`)
    if (mn === null || mx === null) return
    const e = equalWidthEdges(mn, mx, mn === mx ? 1 : bins)
    edges.set(i, e)
    const x =
      kind === 'numeric' ? `CAST(${id} AS DOUBLE)` : `CAST(epoch_ms(CAST(${id} AS TIMESTAMP)) AS DOUBLE)`
    hist.push(`histogram(${binSql(x, e)}) AS h${i}`)
  })
  const maps =
    hist.length > 0
      ? ((await engine.row(`SELECT ${hist.join(', ')} FROM ${relation}`, 'Profiling histograms')) ?? {})
      : {}
  const histCounts = new Map<number, number[]>()
  const tops = new Map<number, { value: string; count: number }[]>()
  const byCount = (a: { value: string; count: number }, b: { value: string; count: number }) =>
    b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)
  columns.forEach((_, i) => {
    const entries = maps[`h${i}`] as { key: unknown; value: unknown }[] | null | undefined
    if (!entries) return
    const e = edges.get(i)
    if (e) {
      const counts = new Array<number>(e.length - 1).fill(0)
      for (const { key, value } of entries) if (key !== null) counts[Number(key)] = Number(value)
      histCounts.set(i, counts)
    } else {
      const all = entries
        .filter((x) => x.key !== null)
        .map((x) => ({ value: String(x.key), count: Number(x.value) }))
      tops.set(i, all.sort(byCount).slice(0, topK))
    }
  })
  // exact distinct counts and top-k of high-cardinality columns, from one grouping each
  const distinctOf = new Map<number, number>()
  for (const [i, list] of tops) {
    const entries = maps[`h${i}`] as { key: unknown }[] | null | undefined
    distinctOf.set(i, entries ? entries.filter((x) => x.key !== null).length : list.length)
  }
  if (highCardinality.length > 0) {
    const parts = highCardinality.map((i) => {
      const id = quoteIdent((columns[i] as { name: string }).name)
      return `(WITH g AS (SELECT CAST(${id} AS VARCHAR) AS v, count(*) AS n FROM ${relation} WHERE ${id} IS NOT NULL GROUP BY 1) SELECT ${i} AS col, (SELECT count(*) FROM g) AS d, v, n FROM g ORDER BY n DESC, v LIMIT ${topK})`
    })
    const rows = await engine.rows<{ col: number; d: number; v: string; n: number }>(
      parts.join(' UNION ALL '),
      'Profiling top values',
    )
    for (const r of rows) {
      const list = tops.get(Number(r.col)) ?? []
      list.push({ value: r.v, count: Number(r.n) })
      tops.set(Number(r.col), list)
      distinctOf.set(Number(r.col), Number(r.d))
    }
    for (const i of highCardinality) tops.get(i)?.sort(byCount)
  }

  const profiles = columns.map((c, i): ColumnProfile => {
    const count = Number(stats[`c${i}`] ?? 0)
    const base: ProfileBase = {
      name: c.name,
      type: c.type,
      count,
      missing: n - count,
      missingFraction: n > 0 ? (n - count) / n : 0,
      distinct: distinctOf.get(i) ?? Number(stats[`d${i}`] ?? 0),
    }
    const kind = kindOf(c.type)
    if (kind === 'numeric') {
      const e = edges.get(i) ?? []
      return {
        ...base,
        kind,
        min: num(`mn${i}`),
        max: num(`mx${i}`),
        mean: num(`av${i}`),
        std: num(`sd${i}`),
        zeros: Number(stats[`z${i}`] ?? 0),
        quantiles: quantiles(i),
        histogram: {
          edges: e,
          counts: histCounts.get(i) ?? new Array<number>(Math.max(0, e.length - 1)).fill(0),
        },
      }
    }
    if (kind === 'datetime') {
      const e = edges.get(i) ?? []
      const mn = num(`mn${i}`)
      const mx = num(`mx${i}`)
      return {
        ...base,
        kind,
        min: mn,
        max: mx,
        minIso: mn === null ? '' : new Date(mn).toISOString(),
        maxIso: mx === null ? '' : new Date(mx).toISOString(),
        histogram: {
          edges: e,
          counts: histCounts.get(i) ?? new Array<number>(Math.max(0, e.length - 1)).fill(0),
        },
      }
    }
    if (kind === 'text') {
      return {
        ...base,
        kind,
        length: {
          min: num(`mn${i}`),
          max: num(`mx${i}`),
          mean: num(`av${i}`),
          std: num(`sd${i}`),
          quantiles: quantiles(i),
        },
        blank: Number(stats[`bl${i}`] ?? 0),
      }
    }
    const top = tops.get(i) ?? []
    return {
      ...base,
      kind: 'categorical',
      topK: top,
      otherCount: count - top.reduce((s, t) => s + t.count, 0),
    }
  })
  return { formatVersion: 1, rowCount: n, columns: profiles, settings: { bins, topK } }
}
