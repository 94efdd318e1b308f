import { z } from 'zod'
import { CairnError } from '../../core/index.js'
import { type Frame, type FrameColumn, isNumericColumn } from '../../data/index.js'
import type { InputSpec } from '../bundle/index.js'
import {
  asCategorical,
  inputSpecOf,
  isTextType,
  numberColumn,
  replaceColumns,
  requireInputs,
  resolveColumns,
} from './columns.js'
import { defineTransform } from './define-transform.js'
import { columnsParam } from './scalers.js'
import { meanVariance, percentileSorted, requireSomeValues, sortedFinite } from './stats.js'
import type {
  FittedTransform,
  MissingPolicy,
  OutputColumn,
  RowLayout,
  RowStep,
  TransformParts,
} from './transform.js'

interface ImputerState {
  inputs: InputSpec[]
  /** Fill value per input: a number for numeric columns, a string for text columns. */
  fill: (number | string)[]
  /** Inputs that get a `<name>__missing` indicator column. */
  indicators: string[]
}

/** Suffix of the 0/1 indicator columns `addIndicator` writes. */
export const MISSING_INDICATOR_SUFFIX = '__missing'

class FittedImputer implements FittedTransform {
  readonly kind = 'simple-imputer'
  readonly outputs: OutputColumn[]

  constructor(
    readonly params: Readonly<Record<string, unknown>>,
    readonly state: ImputerState,
  ) {
    this.outputs = state.inputs.map((s, j) => ({
      name: s.name,
      type: isTextType(s.type) ? s.type : Number.isInteger(state.fill[j]) ? s.type : 'number',
    }))
    for (const name of state.indicators)
      this.outputs.push({ name: `${name}${MISSING_INDICATOR_SUFFIX}`, type: 'number' })
  }

  get inputs(): InputSpec[] {
    return this.state.inputs
  }

  transform(frame: Frame): Frame {
    const cols = requireInputs(frame, this.inputs, this.kind)
    const out: FrameColumn[] = []
    const indicators: FrameColumn[] = []
    const wanted = new Set(this.state.indicators)
    cols.forEach((c, j) => {
      const fill = this.state.fill[j] as number | string
      const type = (this.outputs[j] as OutputColumn).type
      let missing: Float64Array | undefined
      if (wanted.has(c.name)) missing = new Float64Array(frame.rowCount)
      if (isNumericColumn(c)) {
        const v = new Float64Array(c.values)
        for (let i = 0; i < v.length; i++) {
          if (Number.isNaN(v[i] as number)) {
            v[i] = fill as number
            if (missing) missing[i] = 1
          }
        }
        out.push({ name: c.name, type: type as 'number', values: v })
      } else {
        const { codes, categories } = asCategorical(c)
        const cats = [...categories]
        let fillCode = cats.indexOf(fill as string)
        if (fillCode < 0) {
          fillCode = cats.length
          cats.push(fill as string)
        }
        const next = new Int32Array(codes.length)
        for (let i = 0; i < codes.length; i++) {
          const code = codes[i] as number
          if (code < 0) {
            next[i] = fillCode
            if (missing) missing[i] = 1
          } else next[i] = code
        }
        if (c.type === 'category') out.push({ name: c.name, type: 'category', codes: next, categories: cats })
        else out.push({ name: c.name, type: c.type, values: Array.from(next, (k) => cats[k] ?? null) })
      }
      if (missing) indicators.push(numberColumn(`${c.name}${MISSING_INDICATOR_SUFFIX}`, missing))
    })
    return replaceColumns(
      frame,
      this.inputs.map((s) => s.name),
      [...out, ...indicators],
    )
  }

  compileRow(layout: RowLayout): RowStep {
    const specs = this.inputs
    const text = specs.map((s) => isTextType(s.type))
    const slots = Int32Array.from(
      specs.map((s, j) => (text[j] ? layout.stringSlot(s.name) : layout.numberSlot(s.name))),
    )
    const fill = this.state.fill
    const wanted = new Set(this.state.indicators)
    const indicatorSlots = Int32Array.from(
      specs.map((s) => (wanted.has(s.name) ? layout.numberSlot(`${s.name}${MISSING_INDICATOR_SUFFIX}`) : -1)),
    )
    const p = specs.length
    return (num, str) => {
      for (let j = 0; j < p; j++) {
        const s = slots[j] as number
        let isMissing: boolean
        if (text[j]) {
          isMissing = str[s] === null || str[s] === undefined
          if (isMissing) str[s] = fill[j] as string
        } else {
          isMissing = Number.isNaN(num[s] as number)
          if (isMissing) num[s] = fill[j] as number
        }
        const ind = indicatorSlots[j] as number
        if (ind >= 0) num[ind] = isMissing ? 1 : 0
      }
    }
  }

  missingPolicy(): MissingPolicy {
    return 'handles'
  }

  sources(output: string): readonly string[] {
    return [
      output.endsWith(MISSING_INDICATOR_SUFFIX) ? output.slice(0, -MISSING_INDICATOR_SUFFIX.length) : output,
    ]
  }

  save(): TransformParts {
    return { kind: this.kind, params: { ...this.params }, state: this.state, tensors: {} }
  }
}

function mostFrequentText(c: FrameColumn): string | undefined {
  const { codes, categories } = asCategorical(c)
  const counts = new Float64Array(categories.length)
  for (let i = 0; i < codes.length; i++) {
    const k = codes[i] as number
    if (k >= 0) counts[k] = (counts[k] as number) + 1
  }
  let best: string | undefined
  let bestCount = 0
  categories.forEach((cat, k) => {
    const n = counts[k] as number
    if (n > bestCount || (n === bestCount && n > 0 && best !== undefined && cat < best)) {
      best = cat
      bestCount = n
    }
  })
  return best
}

function mostFrequentNumber(sorted: Float64Array): number {
  let best = Number.NaN
  let bestRun = 0
  let i = 0
  while (i < sorted.length) {
    let j = i
    while (j < sorted.length && sorted[j] === sorted[i]) j++
    if (j - i > bestRun) {
      bestRun = j - i
      best = sorted[i] as number
    }
    i = j
  }
  return best
}

/**
 * Fill missing values: with the column's mean or median (numbers), its most frequent value, or a
 * constant. `addIndicator` adds a 0/1 `<column>__missing` column for every column that had
 * missing values at fit time, so a model can still learn from missingness.
 */
export const simpleImputer = defineTransform({
  kind: 'simple-imputer',
  schema: z
    .object({
      columns: columnsParam,
      strategy: z.enum(['mean', 'median', 'most-frequent', 'constant']).default('mean'),
      /** For `constant`: the fill (default 0 for numbers, "missing" for text). */
      fillValue: z.union([z.number(), z.string()]).optional(),
      addIndicator: z.boolean().default(false),
    })
    .strict(),
  fit(params, frame, ctx) {
    const kind = 'simple-imputer'
    const numericOnly = params.strategy === 'mean' || params.strategy === 'median'
    const names = resolveColumns(frame, params.columns ?? (numericOnly ? 'numeric' : 'all'), kind)
    const inputs: InputSpec[] = []
    const fill: (number | string)[] = []
    const indicators: string[] = []
    for (const name of names) {
      const c = frame.columns.find((x) => x.name === name) as FrameColumn
      inputs.push(inputSpecOf(c, true))
      let hasMissing = false
      if (isNumericColumn(c)) {
        for (let i = 0; i < c.values.length && !hasMissing; i++)
          hasMissing = Number.isNaN(c.values[i] as number)
        if (params.strategy === 'constant') {
          if (typeof params.fillValue === 'string') {
            throw new CairnError(
              'CAIRN_INVALID_ARGUMENT',
              `${kind}: column "${name}" is numeric, but fillValue is a string`,
            )
          }
          fill.push(params.fillValue ?? 0)
        } else if (params.strategy === 'mean') {
          const { mean, count } = meanVariance(name, c.values, ctx.weights, kind)
          requireSomeValues(name, count, kind)
          fill.push(mean)
        } else {
          const sorted = sortedFinite(name, c.values, kind)
          requireSomeValues(name, sorted.length, kind)
          fill.push(params.strategy === 'median' ? percentileSorted(sorted, 50) : mostFrequentNumber(sorted))
        }
      } else {
        if (numericOnly) {
          throw new CairnError(
            'CAIRN_FEATURE_MISMATCH',
            `${kind}: strategy "${params.strategy}" needs numbers, but column "${name}" is ${c.type}`,
            {
              details: { column: name },
              hint: 'Use strategy "most-frequent" or "constant" for categorical columns',
            },
          )
        }
        const { codes } = asCategorical(c)
        hasMissing = codes.some((k) => k < 0)
        if (params.strategy === 'constant')
          fill.push(params.fillValue === undefined ? 'missing' : String(params.fillValue))
        else {
          const mode = mostFrequentText(c)
          requireSomeValues(name, mode === undefined ? 0 : 1, kind)
          fill.push(mode as string)
        }
      }
      if (params.addIndicator && hasMissing) indicators.push(name)
    }
    return new FittedImputer(params, { inputs, fill, indicators })
  },
  load: (parts) => new FittedImputer(parts.params, parts.state as ImputerState),
})
