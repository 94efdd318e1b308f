import { z } from 'zod'
import type { Frame, FrameColumn } from '../../data/index.js'
import type { InputSpec } from '../bundle/index.js'
import {
  INFREQUENT,
  lexical,
  MISSING,
  missingCategoryError,
  UNKNOWN,
  unknownCategoryError,
} from './categorical-common.js'
import {
  asCategorical,
  inputSpecOf,
  numberColumn,
  replaceColumns,
  requireInputs,
  resolveColumns,
} from './columns.js'
import { defineTransform } from './define-transform.js'
import { columnsParam } from './scalers.js'
import type {
  FittedTransform,
  MissingPolicy,
  OutputColumn,
  RowLayout,
  RowStep,
  TransformParts,
} from './transform.js'

/** What one input column encodes to. */
interface ColumnCode {
  /** Categories with their own output column (after `drop`). */
  levels: string[]
  /** A category dropped to avoid collinearity (all zeros), if any. */
  dropped: string | null
  /** Seen but rare categories, sharing the `=__infrequent__` column. */
  infrequent: string[]
  /** Whether a `=__missing__` column exists. */
  missingColumn: boolean
  /** Whether an `=__unknown__` column exists. */
  unknownColumn: boolean
}

interface OneHotState {
  inputs: InputSpec[]
  codes: ColumnCode[]
}

type HandleUnknown = 'error' | 'ignore' | 'encode-as-unknown'
type HandleMissing = 'category' | 'ignore' | 'error'

const DROPPED = -1
const NOT_FOUND = -2
const IS_MISSING = -3

class FittedOneHot implements FittedTransform {
  readonly kind = 'one-hot-encoder'
  readonly outputs: OutputColumn[] = []
  /** Per input: label → output offset (or DROPPED), and the offsets of special columns. */
  private readonly lookup: {
    map: Map<string, number>
    start: number
    width: number
    missing: number
    unknown: number
  }[] = []
  private readonly sourceOf = new Map<string, string>()

  constructor(
    readonly params: Readonly<Record<string, unknown>>,
    readonly state: OneHotState,
  ) {
    state.inputs.forEach((spec, j) => {
      const code = state.codes[j] as ColumnCode
      const start = this.outputs.length
      const map = new Map<string, number>()
      const push = (label: string) => {
        const name = `${spec.name}=${label}`
        this.outputs.push({ name, type: 'number' })
        this.sourceOf.set(name, spec.name)
        return this.outputs.length - 1 - start
      }
      for (const level of code.levels) map.set(level, push(level))
      if (code.dropped !== null) map.set(code.dropped, DROPPED)
      if (code.infrequent.length > 0) {
        const at = push(INFREQUENT)
        for (const c of code.infrequent) map.set(c, at)
      }
      const missing = code.missingColumn ? push(MISSING) : NOT_FOUND
      const unknown = code.unknownColumn ? push(UNKNOWN) : NOT_FOUND
      this.lookup.push({ map, start, width: this.outputs.length - start, missing, unknown })
    })
  }

  get inputs(): InputSpec[] {
    return this.state.inputs
  }

  private get handleUnknown(): HandleUnknown {
    return this.params.handleUnknown as HandleUnknown
  }

  private get handleMissing(): HandleMissing {
    return this.params.handleMissing as HandleMissing
  }

  /** The output offset for a label (or null = missing), applying the unknown/missing policies. */
  private offsetOf(j: number, label: string | null, row: number): number {
    const l = this.lookup[j] as (typeof this.lookup)[number]
    const name = (this.inputs[j] as InputSpec).name
    if (label === null) {
      if (this.handleMissing === 'error') throw missingCategoryError(this.kind, name, row)
      return this.handleMissing === 'category' && l.missing !== NOT_FOUND ? l.missing : DROPPED
    }
    const at = l.map.get(label)
    if (at !== undefined) return at
    if (this.handleUnknown === 'error') throw unknownCategoryError(this.kind, name, label)
    return this.handleUnknown === 'encode-as-unknown' ? l.unknown : DROPPED
  }

  transform(frame: Frame): Frame {
    const cols = requireInputs(frame, this.inputs, this.kind)
    const n = frame.rowCount
    const out: FrameColumn[] = []
    cols.forEach((c, j) => {
      const l = this.lookup[j] as (typeof this.lookup)[number]
      const values = Array.from({ length: l.width }, () => new Float64Array(n))
      const { codes, categories } = asCategorical(c)
      const offsets = categories.map((label) => this.tryOffset(j, label))
      for (let i = 0; i < n; i++) {
        const code = codes[i] as number
        let at: number
        if (code < 0) at = this.offsetOf(j, null, i)
        else {
          at = offsets[code] as number
          if (at === IS_MISSING) at = this.offsetOf(j, categories[code] as string, i)
        }
        if (at >= 0) (values[at] as Float64Array)[i] = 1
      }
      values.forEach((v, k) => {
        out.push(numberColumn((this.outputs[l.start + k] as OutputColumn).name, v))
      })
    })
    return replaceColumns(
      frame,
      this.inputs.map((s) => s.name),
      out,
    )
  }

  /** Known labels map directly; unknown ones are resolved per row (so errors name the row's value). */
  private tryOffset(j: number, label: string): number {
    const at = (this.lookup[j] as (typeof this.lookup)[number]).map.get(label)
    return at === undefined ? IS_MISSING : at
  }

  compileRow(layout: RowLayout): RowStep {
    const inSlots = Int32Array.from(this.inputs.map((s) => layout.stringSlot(s.name)))
    const outSlots = Int32Array.from(this.outputs.map((o) => layout.numberSlot(o.name)))
    const starts = Int32Array.from(this.lookup.map((l) => l.start))
    const widths = Int32Array.from(this.lookup.map((l) => l.width))
    const p = inSlots.length
    return (num, str) => {
      for (let j = 0; j < p; j++) {
        const start = starts[j] as number
        const width = widths[j] as number
        for (let k = 0; k < width; k++) num[outSlots[start + k] as number] = 0
        const at = this.offsetOf(j, str[inSlots[j] as number] ?? null, 0)
        if (at >= 0) num[outSlots[start + at] as number] = 1
      }
    }
  }

  missingPolicy(): MissingPolicy {
    return this.handleMissing === 'error' ? 'rejects' : 'handles'
  }

  sources(output: string): readonly string[] {
    const s = this.sourceOf.get(output)
    return s === undefined ? [] : [s]
  }

  save(): TransformParts {
    return { kind: this.kind, params: { ...this.params }, state: this.state, tensors: {} }
  }
}

/**
 * One-hot encode categorical columns into 0/1 columns named `<column>=<category>` (categories
 * sorted). Unknown categories at predict time raise CAIRN_UNKNOWN_CATEGORY (`error`), encode as
 * all zeros (`ignore`) or set a `<column>=__unknown__` column (`encode-as-unknown`). Rare
 * categories can share a `<column>=__infrequent__` column (`minFrequency`, `maxCategories`).
 */
export const oneHotEncoder = defineTransform({
  kind: 'one-hot-encoder',
  schema: z
    .object({
      columns: columnsParam,
      handleUnknown: z.enum(['error', 'ignore', 'encode-as-unknown']).default('error'),
      /** Missing values: their own `=__missing__` column (`category`), all zeros (`ignore`), or an error. */
      handleMissing: z.enum(['category', 'ignore', 'error']).default('category'),
      /** Drop one column per feature: the first category, or only for two-category features. */
      drop: z.enum(['first', 'if-binary']).nullable().default(null),
      /** Categories seen fewer times (a count ≥ 1, or a fraction < 1 of the rows) are infrequent. */
      minFrequency: z.number().positive().nullable().default(null),
      /** Keep at most this many categories (the most frequent); the rest are infrequent. */
      maxCategories: z.number().int().min(1).nullable().default(null),
    })
    .strict(),
  fit(params, frame) {
    const kind = 'one-hot-encoder'
    const names = resolveColumns(frame, params.columns ?? 'categorical', kind)
    const inputs: InputSpec[] = []
    const codes: ColumnCode[] = []
    for (const name of names) {
      const c = frame.columns.find((x) => x.name === name) as FrameColumn
      const cat = asCategorical(c)
      const counts = new Float64Array(cat.categories.length)
      let missing = 0
      cat.codes.forEach((k, i) => {
        if (k < 0) {
          if (params.handleMissing === 'error') throw missingCategoryError(kind, name, i)
          missing++
        } else counts[k] = (counts[k] as number) + 1
      })
      const seen = lexical(cat.categories.filter((_, k) => (counts[k] as number) > 0))
      const countOf = new Map(cat.categories.map((l, k) => [l, counts[k] as number]))
      let frequent = seen
      const rare: string[] = []
      if (params.minFrequency !== null) {
        const min = params.minFrequency < 1 ? params.minFrequency * frame.rowCount : params.minFrequency
        frequent = seen.filter((l) => (countOf.get(l) as number) >= min)
        rare.push(...seen.filter((l) => (countOf.get(l) as number) < min))
      }
      if (params.maxCategories !== null && frequent.length > params.maxCategories) {
        const keepBudget = params.maxCategories - 1
        const ranked = [...frequent].sort(
          (a, b) => (countOf.get(b) as number) - (countOf.get(a) as number) || (a < b ? -1 : 1),
        )
        const keep = new Set(ranked.slice(0, Math.max(keepBudget, 1)))
        rare.push(...frequent.filter((l) => !keep.has(l)))
        frequent = frequent.filter((l) => keep.has(l))
      }
      let dropped: string | null = null
      if (
        params.drop === 'first' ||
        (params.drop === 'if-binary' && frequent.length === 2 && rare.length === 0)
      ) {
        dropped = frequent[0] ?? null
        frequent = frequent.slice(1)
      }
      inputs.push({
        ...inputSpecOf(c, params.handleMissing !== 'error'),
        ...(params.handleUnknown !== 'error' ? { acceptsUnknown: true } : {}),
      })
      codes.push({
        levels: frequent,
        dropped,
        infrequent: lexical(rare),
        missingColumn: params.handleMissing === 'category' && missing > 0,
        unknownColumn: params.handleUnknown === 'encode-as-unknown',
      })
    }
    return new FittedOneHot(params, { inputs, codes })
  },
  load: (parts) => new FittedOneHot(parts.params, parts.state as OneHotState),
})
