/**
 * A columnar table in memory: the shape data flows in between the data layer, models, serving and
 * monitoring. Numbers live in Float64Array (NaN = missing), categories as dictionary codes, free
 * strings as arrays.
 */

/** The logical types a column can have (the schema vocabulary). */
export type ColumnType = 'number' | 'integer' | 'boolean' | 'string' | 'category' | 'datetime' | 'text'

/** number, integer, boolean (0/1) and datetime (ms since epoch) columns; NaN is missing. */
export interface NumericColumn {
  name: string
  type: 'number' | 'integer' | 'boolean' | 'datetime'
  values: Float64Array
}

/** A dictionary-encoded column: `codes[i]` indexes `categories`, -1 is missing. */
export interface CategoryColumn {
  name: string
  type: 'category'
  codes: Int32Array
  categories: string[]
}

/** Free strings and text; `null` is missing. */
export interface StringColumn {
  name: string
  type: 'string' | 'text'
  values: (string | null)[]
}

export type FrameColumn = NumericColumn | CategoryColumn | StringColumn

/** An immutable-by-convention column-major table. */
export interface Frame {
  readonly rowCount: number
  readonly columns: readonly FrameColumn[]
}

/** True for number/integer/boolean/datetime columns. */
export function isNumericColumn(c: FrameColumn): c is NumericColumn {
  return c.type === 'number' || c.type === 'integer' || c.type === 'boolean' || c.type === 'datetime'
}
