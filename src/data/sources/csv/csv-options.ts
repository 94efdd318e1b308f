/** How to read a CSV/TSV file. Anything left out is detected from the file. */
export interface CsvOptions {
  /** Field separator: `,`, `\t`, `;`, `|` or a multi-character one such as `, `. */
  delimiter?: string
  /** Whether the first line names the columns. */
  header?: boolean
  /** Quote character (default `"`); `''` for none. */
  quote?: string
  /** Escape character inside quotes (default: the quote, i.e. `""`). */
  escape?: string
  /** Strings read as missing (default `''`, `NA`, `N/A`, `NULL`, `null`, `NaN`, `nan`, `#N/A`). */
  nullValues?: string[]
  /** Text encoding (default `utf-8`). */
  encoding?: 'utf-8' | 'latin-1' | 'utf-16'
  /** Lines to skip before the header. */
  skipRows?: number
  /** Lines starting with this character are comments. */
  comment?: string
  /** strptime format for date columns, e.g. `%d/%m/%Y`. */
  dateFormat?: string
  /** strptime format for datetime columns, e.g. `%d/%m/%Y %H:%M:%S`. */
  timestampFormat?: string
  /** Column names to use (for files without a header, or to rename). */
  columnNames?: string[]
}

/** A fully resolved CSV dialect. */
export interface CsvDialect {
  delimiter: string
  header: boolean
  quote: string
  escape: string
  nullValues: string[]
  encoding: 'utf-8' | 'latin-1' | 'utf-16'
  skipRows: number
  comment: string
}

/** Values read as missing unless the caller says otherwise (pandas users expect these). */
export const DEFAULT_NULL_VALUES = ['', 'NA', 'N/A', 'NULL', 'null', 'NaN', 'nan', '#N/A']
