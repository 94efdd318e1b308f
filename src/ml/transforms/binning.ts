import { z } from 'zod'
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
import { percentileSorted, requireSomeValues, sortedFinite } from './stats.js'
import type {
  FittedTransform,
  MissingPolicy,
  OutputColumn,
  RowLayout,
  RowStep,
  TransformParts,
} from './transform.js'

export interface BinState {
  inputs: InputSpec[]
  /** Per input: the bin edges, ascending, first = min and last = max of the training data. */
  edges: number[][]
}

/** Bin index of x given edges (as scikit-learn: searchsorted on the inner edges, side right). */
function binOf(edges: number[], x: number): number {
  let lo = 1
  let hi = edges.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((edges[mid] as number) <= x) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

class FittedBins implements FittedTransform {
  readonly kind = 'k-bins-discretizer'
  readonly outputs: OutputColumn[] = []
  private readonly sourceOf = new Map<string, string>()

  constructor(
    readonly params: Readonly<Record<string, unknown>>,
    readonly state: BinState,
  ) {
    state.inputs.forEach((s, j) => {
      if (this.oneHot) {
        const bins = (state.edges[j] as number[]).length - 1
        for (let b = 0; b < bins; b++) {
          const name = `${s.name}_bin${b}`
          this.outputs.push({ name, type: 'number' })
          this.sourceOf.set(name, s.name)
        }
      } else {
        this.outputs.push({ name: s.name, type: 'number' })
        this.sourceOf.set(s.name, s.name)
      }
    })
  }

  private get oneHot(): boolean {
    return this.params.encode === 'one-hot'
  }

  get inputs(): InputSpec[] {
    return this.state.inputs
  }

  transform(frame: Frame): Frame {
    const cols = requireInputs(frame, this.inputs, this.kind)
    const out: FrameColumn[] = []
    let k = 0
    cols.forEach((c, j) => {
      const x = numericValuesOf(c, this.kind)
      const edges = this.state.edges[j] as number[]
      const bins = edges.length - 1
      if (this.oneHot) {
        const cols2 = Array.from({ length: bins }, () => new Float64Array(x.length))
        for (let i = 0; i < x.length; i++) {
          const v = x[i] as number
          if (!Number.isNaN(v)) (cols2[binOf(edges, v)] as Float64Array)[i] = 1
        }
        for (const v of cols2) out.push(numberColumn((this.outputs[k++] as OutputColumn).name, v))
      } else {
        const v = Float64Array.from(x, (xi) => (Number.isNaN(xi) ? Number.NaN : binOf(edges, xi)))
        out.push(numberColumn((this.outputs[k++] as OutputColumn).name, v))
      }
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
    const edges = this.state.edges
    const oneHot = this.oneHot
    const p = inSlots.length
    return (num) => {
      let k = 0
      for (let j = 0; j < p; j++) {
        const e = edges[j] as number[]
        const v = num[inSlots[j] as number] as number
        if (oneHot) {
          const bins = e.length - 1
          const b = Number.isNaN(v) ? -1 : binOf(e, v)
          for (let t = 0; t < bins; t++) num[outSlots[k + t] as number] = t === b ? 1 : 0
          k += bins
        } else {
          num[outSlots[k] as number] = Number.isNaN(v) ? Number.NaN : binOf(e, v)
          k++
        }
      }
    }
  }

  missingPolicy(): MissingPolicy {
    return this.oneHot ? 'handles' : 'passes'
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
 * Discretise numeric columns into bins of equal width (`uniform`) or equal count (`quantile`),
 * encoded as the bin index (`ordinal`) or as 0/1 columns `<column>_bin<k>` (`one-hot`). Values
 * outside the training range fall into the first or last bin.
 */
export const kBinsDiscretizer = defineTransform({
  kind: 'k-bins-discretizer',
  schema: z
    .object({
      columns: columnsParam,
      bins: z.number().int().min(2).default(5),
      strategy: z.enum(['uniform', 'quantile']).default('quantile'),
      encode: z.enum(['ordinal', 'one-hot']).default('ordinal'),
    })
    .strict(),
  fit(params, frame) {
    const kind = 'k-bins-discretizer'
    const names = resolveColumns(frame, params.columns ?? 'numeric', kind)
    const inputs: InputSpec[] = []
    const edges: number[][] = []
    for (const name of names) {
      const c = frame.columns.find((x) => x.name === name) as FrameColumn
      const sorted = sortedFinite(name, numericValuesOf(c, kind), kind)
      requireSomeValues(name, sorted.length, kind)
      const lo = sorted[0] as number
      const hi = sorted[sorted.length - 1] as number
      let e: number[]
      if (lo === hi) e = [lo, hi]
      else if (params.strategy === 'uniform') {
        e = Array.from({ length: params.bins + 1 }, (_, b) => lo + ((hi - lo) * b) / params.bins)
      } else {
        e = Array.from({ length: params.bins + 1 }, (_, b) =>
          percentileSorted(sorted, (100 * b) / params.bins),
        )
        // Drop bins narrower than 1e-8 (repeated quantiles), as scikit-learn does.
        e = e.filter((v, b) => b === 0 || v - (e[b - 1] as number) > 1e-8)
      }
      inputs.push(inputSpecOf(c, true))
      edges.push(e)
    }
    return new FittedBins(params, { inputs, edges })
  },
  load: (parts) => new FittedBins(parts.params, parts.state as BinState),
})
