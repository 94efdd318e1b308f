import { z } from 'zod'
import type { Frame } from '../../data/index.js'
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
import { meanVariance, percentileSorted, requireSomeValues, sortedFinite } from './stats.js'
import type {
  FittedTransform,
  MissingPolicy,
  OutputColumn,
  RowLayout,
  RowStep,
  TransformFitContext,
  TransformParts,
} from './transform.js'

export const columnsParam = z
  .union([z.array(z.string()).min(1), z.enum(['numeric', 'categorical', 'all'])])
  .optional()

/**
 * A per-column affine map `x · scale + offset` (optionally clipped): what the standard, min-max
 * and robust scalers fit. Missing values stay missing.
 */
export class AffineTransform implements FittedTransform {
  readonly outputs: OutputColumn[]

  constructor(
    readonly kind: string,
    readonly params: Readonly<Record<string, unknown>>,
    readonly inputs: InputSpec[],
    readonly scale: Float64Array,
    readonly offset: Float64Array,
    readonly clip: readonly [number, number] | null,
  ) {
    this.outputs = inputs.map((s) => ({ name: s.name, type: 'number' }))
  }

  transform(frame: Frame): Frame {
    const cols = requireInputs(frame, this.inputs, this.kind)
    const out = cols.map((c, j) => {
      const x = numericValuesOf(c, this.kind)
      const a = this.scale[j] as number
      const b = this.offset[j] as number
      const y = new Float64Array(x.length)
      for (let i = 0; i < x.length; i++) y[i] = this.apply((x[i] as number) * a + b)
      return numberColumn(c.name, y)
    })
    return replaceColumns(
      frame,
      this.inputs.map((s) => s.name),
      out,
    )
  }

  private apply(v: number): number {
    if (this.clip === null) return v
    return Math.min(Math.max(v, this.clip[0]), this.clip[1])
  }

  compileRow(layout: RowLayout): RowStep {
    const slots = Int32Array.from(this.inputs.map((s) => layout.numberSlot(s.name)))
    const a = this.scale
    const b = this.offset
    const lo = this.clip ? this.clip[0] : Number.NEGATIVE_INFINITY
    const hi = this.clip ? this.clip[1] : Number.POSITIVE_INFINITY
    const p = slots.length
    return (num) => {
      for (let j = 0; j < p; j++) {
        const s = slots[j] as number
        let v = (num[s] as number) * (a[j] as number) + (b[j] as number)
        if (v < lo) v = lo
        else if (v > hi) v = hi
        num[s] = v
      }
    }
  }

  missingPolicy(): MissingPolicy {
    return 'passes'
  }

  sources(output: string): readonly string[] {
    return [output]
  }

  save(): TransformParts {
    return {
      kind: this.kind,
      params: { ...this.params },
      state: { inputs: this.inputs, clip: this.clip },
      tensors: { scale: this.scale, offset: this.offset },
    }
  }
}

function loadAffine(parts: TransformParts): AffineTransform {
  const state = parts.state as { inputs: InputSpec[]; clip: [number, number] | null }
  const scale = parts.tensors.scale
  const offset = parts.tensors.offset
  if (
    !(scale instanceof Float64Array && offset instanceof Float64Array) ||
    scale.length !== state.inputs.length
  ) {
    throw new Error(`${parts.kind}: scale/offset tensors do not match its ${state.inputs.length} inputs`)
  }
  return new AffineTransform(parts.kind, parts.params, state.inputs, scale, offset, state.clip ?? null)
}

function fitAffine(
  kind: string,
  params: { columns?: readonly string[] | 'numeric' | 'categorical' | 'all' | undefined },
  frame: Frame,
  per: (column: string, values: Float64Array) => [number, number],
  clip: readonly [number, number] | null = null,
): AffineTransform {
  const names = resolveColumns(frame, params.columns ?? 'numeric', kind)
  const cols = names.map((n) => frame.columns.find((c) => c.name === n)!)
  const scale = new Float64Array(names.length)
  const offset = new Float64Array(names.length)
  cols.forEach((c, j) => {
    const [a, b] = per(c.name, numericValuesOf(c, kind))
    scale[j] = a
    offset[j] = b
  })
  return new AffineTransform(
    kind,
    params,
    cols.map((c) => inputSpecOf(c, true)),
    scale,
    offset,
    clip,
  )
}

/** A zero (or numerically zero) spread scales by 1, as scikit-learn does. */
function safeScale(s: number, reference: number): number {
  return s === 0 || !Number.isFinite(s) || s < 10 * Number.EPSILON * Math.max(1, Math.abs(reference)) ? 1 : s
}

/** Standardise: subtract the mean, divide by the standard deviation (population, weighted when the fit is). */
export const standardScaler = defineTransform({
  kind: 'standard-scaler',
  schema: z
    .object({
      columns: columnsParam,
      withMean: z.boolean().default(true),
      withStd: z.boolean().default(true),
    })
    .strict(),
  fit: (params, frame, ctx: TransformFitContext) =>
    fitAffine('standard-scaler', params, frame, (name, x) => {
      const { mean, variance, count } = meanVariance(name, x, ctx.weights, 'standard-scaler')
      requireSomeValues(name, count, 'standard-scaler')
      const a = params.withStd ? 1 / safeScale(Math.sqrt(variance), mean) : 1
      return [a, params.withMean ? -mean * a : 0]
    }),
  load: loadAffine,
})

/** Rescale each column to `featureRange` (default [0, 1]) from its training minimum and maximum. */
export const minMaxScaler = defineTransform({
  kind: 'min-max-scaler',
  schema: z
    .object({
      columns: columnsParam,
      featureRange: z
        .tuple([z.number(), z.number()])
        .refine(([a, b]) => a < b, 'featureRange must be increasing')
        .default([0, 1]),
      /** Clip values outside the training range to `featureRange` at transform time. */
      clip: z.boolean().default(false),
    })
    .strict(),
  fit: (params, frame) =>
    fitAffine(
      'min-max-scaler',
      params,
      frame,
      (name, x) => {
        const sorted = sortedFinite(name, x, 'min-max-scaler')
        requireSomeValues(name, sorted.length, 'min-max-scaler')
        const lo = sorted[0] as number
        const hi = sorted[sorted.length - 1] as number
        const [a0, b0] = params.featureRange
        const a = (b0 - a0) / safeScale(hi - lo, hi)
        return [a, a0 - lo * a]
      },
      params.clip ? params.featureRange : null,
    ),
  load: loadAffine,
})

/** Centre on the median and scale by the interquartile range: robust to outliers. */
export const robustScaler = defineTransform({
  kind: 'robust-scaler',
  schema: z
    .object({
      columns: columnsParam,
      withCentering: z.boolean().default(true),
      withScaling: z.boolean().default(true),
      quantileRange: z
        .tuple([z.number().min(0), z.number().max(100)])
        .refine(([a, b]) => a < b, 'quantileRange must be increasing')
        .default([25, 75]),
    })
    .strict(),
  fit: (params, frame) =>
    fitAffine('robust-scaler', params, frame, (name, x) => {
      const sorted = sortedFinite(name, x, 'robust-scaler')
      requireSomeValues(name, sorted.length, 'robust-scaler')
      const median = percentileSorted(sorted, 50)
      const iqr =
        percentileSorted(sorted, params.quantileRange[1]) - percentileSorted(sorted, params.quantileRange[0])
      const a = params.withScaling ? 1 / safeScale(iqr, median) : 1
      return [a, params.withCentering ? -median * a : 0]
    }),
  load: loadAffine,
})
