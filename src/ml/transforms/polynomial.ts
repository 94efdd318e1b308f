import { z } from 'zod'
import { CairnError } from '../../core/index.js'
import type { Frame, FrameColumn } from '../../data/index.js'
import type { InputSpec } from '../bundle/index.js'
import {
  inputSpecOf,
  numberColumn,
  numericValuesOf,
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

interface PolyState {
  inputs: InputSpec[]
  /** Each output term as the input indices it multiplies (empty = the bias column). */
  terms: number[][]
}

/** Terms in scikit-learn's order: by degree, then combinations with replacement in input order. */
function termsFor(p: number, degree: number, interactionOnly: boolean, includeBias: boolean): number[][] {
  const out: number[][] = includeBias ? [[]] : []
  const rec = (start: number, left: number, acc: number[]) => {
    if (left === 0) {
      out.push([...acc])
      return
    }
    for (let j = start; j < p; j++) {
      acc.push(j)
      rec(interactionOnly ? j + 1 : j, left - 1, acc)
      acc.pop()
    }
  }
  for (let d = 1; d <= degree; d++) rec(0, d, [])
  return out
}

function termName(names: readonly string[], term: readonly number[]): string {
  if (term.length === 0) return '1'
  const parts: string[] = []
  let i = 0
  while (i < term.length) {
    let j = i
    while (j < term.length && term[j] === term[i]) j++
    const name = names[term[i] as number] as string
    parts.push(j - i > 1 ? `${name}^${j - i}` : name)
    i = j
  }
  return parts.join('*')
}

class FittedPolynomial implements FittedTransform {
  readonly kind = 'polynomial-features'
  readonly outputs: OutputColumn[]

  constructor(
    readonly params: Readonly<Record<string, unknown>>,
    readonly state: PolyState,
  ) {
    const names = state.inputs.map((s) => s.name)
    this.outputs = state.terms.map((t) => ({ name: termName(names, t), type: 'number' }))
  }

  get inputs(): InputSpec[] {
    return this.state.inputs
  }

  transform(frame: Frame): Frame {
    const cols = requireInputs(frame, this.inputs, this.kind).map((c) => numericValuesOf(c, this.kind))
    const n = frame.rowCount
    const out = this.state.terms.map((t, k) => {
      const v = new Float64Array(n).fill(1)
      for (const j of t) {
        const x = cols[j] as Float64Array
        for (let i = 0; i < n; i++) v[i] = (v[i] as number) * (x[i] as number)
      }
      return numberColumn((this.outputs[k] as OutputColumn).name, v)
    })
    return replaceColumns(
      frame,
      this.inputs.map((s) => s.name),
      out,
    )
  }

  compileRow(layout: RowLayout): RowStep {
    const inSlots = Int32Array.from(this.inputs.map((s) => layout.numberSlot(s.name)))
    const outSlots = Int32Array.from(this.outputs.map((o) => layout.numberSlot(o.name)))
    const terms = this.state.terms.map((t) => Int32Array.from(t))
    const x = new Float64Array(inSlots.length)
    return (num) => {
      for (let j = 0; j < inSlots.length; j++) x[j] = num[inSlots[j] as number] as number
      for (let k = 0; k < terms.length; k++) {
        const t = terms[k] as Int32Array
        let v = 1
        for (let q = 0; q < t.length; q++) v *= x[t[q] as number] as number
        num[outSlots[k] as number] = v
      }
    }
  }

  missingPolicy(): MissingPolicy {
    return 'passes'
  }

  sources(output: string): readonly string[] {
    const k = this.outputs.findIndex((o) => o.name === output)
    if (k < 0) return []
    return [...new Set((this.state.terms[k] as number[]).map((j) => (this.inputs[j] as InputSpec).name))]
  }

  save(): TransformParts {
    return { kind: this.kind, params: { ...this.params }, state: this.state, tensors: {} }
  }
}

/**
 * Polynomial and interaction features: for inputs a, b and degree 2, the columns a, b, a^2, a*b,
 * b^2 (only a, b, a*b with `interactionOnly`), in scikit-learn's order.
 */
export const polynomialFeatures = defineTransform({
  kind: 'polynomial-features',
  schema: z
    .object({
      columns: columnsParam,
      degree: z.number().int().min(1).max(5).default(2),
      interactionOnly: z.boolean().default(false),
      includeBias: z.boolean().default(false),
    })
    .strict(),
  fit(params, frame) {
    const kind = 'polynomial-features'
    const names = resolveColumns(frame, params.columns ?? 'numeric', kind)
    const cols = names.map((n) => frame.columns.find((x) => x.name === n) as FrameColumn)
    for (const c of cols) numericValuesOf(c, kind)
    const terms = termsFor(names.length, params.degree, params.interactionOnly, params.includeBias)
    if (terms.length > 10_000) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `${kind}: ${names.length} columns at degree ${params.degree} make ${terms.length} features`,
        { hint: 'Select fewer columns, lower the degree, or use interactionOnly' },
      )
    }
    return new FittedPolynomial(params, { inputs: cols.map((c) => inputSpecOf(c, true)), terms })
  },
  load: (parts) => new FittedPolynomial(parts.params, parts.state as PolyState),
})
