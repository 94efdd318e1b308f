import { z } from 'zod'
import { CairnError } from '../../core/index.js'
import type { Frame, FrameColumn } from '../../data/index.js'
import type { InputSpec } from '../bundle/index.js'
import { lexical, missingCategoryError, unknownCategoryError } from './categorical-common.js'
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

interface OrdinalState {
  inputs: InputSpec[]
  /** Per input, the categories in code order. */
  categories: string[][]
}

class FittedOrdinal implements FittedTransform {
  readonly kind = 'ordinal-encoder'
  readonly outputs: OutputColumn[]
  private readonly maps: Map<string, number>[]

  constructor(
    readonly params: Readonly<Record<string, unknown>>,
    readonly state: OrdinalState,
  ) {
    this.outputs = state.inputs.map((s) => ({ name: s.name, type: 'number' }))
    this.maps = state.categories.map((cats) => new Map(cats.map((c, i) => [c, i])))
  }

  get inputs(): InputSpec[] {
    return this.state.inputs
  }

  private code(j: number, label: string | null, row: number): number {
    const name = (this.inputs[j] as InputSpec).name
    if (label === null) {
      if (this.params.handleMissing === 'error') throw missingCategoryError(this.kind, name, row)
      return Number.NaN
    }
    const c = (this.maps[j] as Map<string, number>).get(label)
    if (c !== undefined) return c
    if (this.params.handleUnknown === 'error') throw unknownCategoryError(this.kind, name, label)
    const u = this.params.unknownValue as number | null
    return u === null ? Number.NaN : u
  }

  transform(frame: Frame): Frame {
    const cols = requireInputs(frame, this.inputs, this.kind)
    const out = cols.map((c, j) => {
      const { codes, categories } = asCategorical(c)
      const mapped = categories.map((l) => (this.maps[j] as Map<string, number>).get(l))
      const v = new Float64Array(frame.rowCount)
      for (let i = 0; i < v.length; i++) {
        const k = codes[i] as number
        const m = k < 0 ? undefined : mapped[k]
        v[i] = m !== undefined ? m : this.code(j, k < 0 ? null : (categories[k] as string), i)
      }
      return numberColumn(c.name, v)
    })
    return replaceColumns(
      frame,
      this.inputs.map((s) => s.name),
      out,
    )
  }

  compileRow(layout: RowLayout): RowStep {
    const inSlots = Int32Array.from(this.inputs.map((s) => layout.stringSlot(s.name)))
    const outSlots = Int32Array.from(this.inputs.map((s) => layout.numberSlot(s.name)))
    const p = inSlots.length
    return (num, str) => {
      for (let j = 0; j < p; j++)
        num[outSlots[j] as number] = this.code(j, str[inSlots[j] as number] ?? null, 0)
    }
  }

  missingPolicy(): MissingPolicy {
    return this.params.handleMissing === 'error' ? 'rejects' : 'passes'
  }

  sources(output: string): readonly string[] {
    return [output]
  }

  save(): TransformParts {
    return { kind: this.kind, params: { ...this.params }, state: this.state, tensors: {} }
  }
}

/**
 * Encode categories as integers 0..k−1 (sorted, by frequency, or in an order you give per
 * column). Missing values become NaN; unknown categories are an error or `unknownValue`.
 */
export const ordinalEncoder = defineTransform({
  kind: 'ordinal-encoder',
  schema: z
    .object({
      columns: columnsParam,
      /** `lexical` (sorted), `frequency` (most frequent first), or explicit orders per column. */
      order: z
        .union([z.enum(['lexical', 'frequency']), z.record(z.string(), z.array(z.string()))])
        .default('lexical'),
      handleUnknown: z.enum(['error', 'use-encoded-value']).default('error'),
      /** Code for unknown categories with `use-encoded-value` (null = NaN). */
      unknownValue: z.number().nullable().default(-1),
      handleMissing: z.enum(['nan', 'error']).default('nan'),
    })
    .strict(),
  fit(params, frame) {
    const kind = 'ordinal-encoder'
    const names = resolveColumns(frame, params.columns ?? 'categorical', kind)
    const inputs: InputSpec[] = []
    const categories: string[][] = []
    for (const name of names) {
      const c = frame.columns.find((x) => x.name === name) as FrameColumn
      const cat = asCategorical(c)
      const counts = new Map<string, number>()
      cat.codes.forEach((k, i) => {
        if (k < 0) {
          if (params.handleMissing === 'error') throw missingCategoryError(kind, name, i)
          return
        }
        const l = cat.categories[k] as string
        counts.set(l, (counts.get(l) ?? 0) + 1)
      })
      let order: string[]
      if (typeof params.order === 'object') {
        const given = params.order[name]
        if (!given) {
          throw new CairnError(
            'CAIRN_INVALID_ARGUMENT',
            `${kind}: no category order given for column "${name}"`,
          )
        }
        const missing = [...counts.keys()].filter((l) => !given.includes(l))
        if (missing.length > 0 && params.handleUnknown === 'error')
          throw unknownCategoryError(kind, name, missing[0] as string)
        order = [...given]
      } else if (params.order === 'frequency') {
        order = [...counts.keys()].sort(
          (a, b) => (counts.get(b) as number) - (counts.get(a) as number) || (a < b ? -1 : 1),
        )
      } else order = lexical(counts.keys())
      inputs.push(inputSpecOf(c, params.handleMissing !== 'error'))
      categories.push(order)
    }
    return new FittedOrdinal(params, { inputs, categories })
  },
  load: (parts) => new FittedOrdinal(parts.params, parts.state as OrdinalState),
})
