import type { Signature } from '../../ml/index.js'

/** How an input column is stored in a log chunk. */
export const KIND = { number: 0, integer: 1, boolean: 2, datetime: 3, category: 4, string: 5 } as const

/** Per-row metadata slots in a chunk's `meta` array. */
export const META = { seq: 0, requestSeq: 1, timestamp: 2, latencyMs: 3, variant: 4, width: 5 } as const

/** Traffic variants, as stored in `meta`. */
export const VARIANTS = ['champion', 'canary', 'shadow'] as const
export type Variant = (typeof VARIANTS)[number]
export const VARIANT_CODE: Record<Variant, number> = { champion: 0, canary: 1, shadow: 2 }

/**
 * The column layout of one model version's log chunks, sent to the writer thread once. Numeric,
 * boolean, date and category inputs are stored as float64 (category = code), strings in an array.
 */
export interface LogLayout {
  id: number
  model: string
  version: string
  idPrefix: string
  names: string[]
  kinds: number[]
  /** Index of each input in `nums` (or in `strs` for strings). */
  slots: number[]
  categories: (string[] | null)[]
  numWidth: number
  strWidth: number
  classes: string[] | null
  /** 1 (the value) plus one probability per class. */
  outWidth: number
}

/** A block of log rows in flat typed arrays; the arrays are transferred to the writer and back. */
export interface LogChunk {
  layoutId: number
  capacity: number
  count: number
  nums: Float64Array
  outs: Float64Array
  meta: Float64Array
  strs: (string | null)[] | null
}

/** Build the layout for a model version's signature. */
export function logLayout(
  id: number,
  model: string,
  version: string,
  idPrefix: string,
  signature: Signature,
): LogLayout {
  const names: string[] = []
  const kinds: number[] = []
  const slots: number[] = []
  const categories: (string[] | null)[] = []
  let numWidth = 0
  let strWidth = 0
  for (const s of signature.inputs) {
    names.push(s.name)
    const kind =
      s.type === 'string' || s.type === 'text'
        ? KIND.string
        : s.type === 'category'
          ? KIND.category
          : s.type === 'boolean'
            ? KIND.boolean
            : s.type === 'datetime'
              ? KIND.datetime
              : s.type === 'integer'
                ? KIND.integer
                : KIND.number
    kinds.push(kind)
    slots.push(kind === KIND.string ? strWidth++ : numWidth++)
    categories.push(kind === KIND.category ? [...(s.categories ?? [])] : null)
  }
  const classes =
    signature.output.classes && signature.output.classes.length > 0 ? [...signature.output.classes] : null
  return {
    id,
    model,
    version,
    idPrefix,
    names,
    kinds,
    slots,
    categories,
    numWidth,
    strWidth,
    classes,
    outWidth: 1 + (classes?.length ?? 0),
  }
}

/** A fresh chunk for a layout. */
export function newChunk(layout: LogLayout, capacity: number): LogChunk {
  return {
    layoutId: layout.id,
    capacity,
    count: 0,
    nums: new Float64Array(capacity * layout.numWidth),
    outs: new Float64Array(capacity * layout.outWidth),
    meta: new Float64Array(capacity * META.width),
    strs: layout.strWidth > 0 ? new Array<string | null>(capacity * layout.strWidth).fill(null) : null,
  }
}

/**
 * The prediction id of a sequence number: the process prefix and the number in base 36, padded to
 * 7 digits so a process's ids sort in issue order (the log's primary key grows at its end).
 */
export function formatPredictionId(prefix: string, seq: number, variant = 0): string {
  const id = prefix + seq.toString(36).padStart(7, '0')
  return variant === VARIANT_CODE.shadow ? `${id}.shadow` : id
}
