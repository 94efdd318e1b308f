import { z } from 'zod'
import { CairnError } from '../../core/index.js'
import { type Frame, type FrameColumn, getColumn } from '../../data/index.js'
import { type InputSpec, prefixTensors, type Tensor, unprefixTensors } from '../bundle/index.js'
import { parseParams } from '../pipeline/params.js'
import { type ColumnSelector, inputSpecOf, isTextType, requireInputs, resolveColumns } from './columns.js'
import { loadTransform, registerTransformKind, transformerFromSpec } from './registry.js'
import type {
  FittedTransform,
  MissingPolicy,
  OutputColumn,
  RowLayout,
  RowStep,
  Transformer,
  TransformFitContext,
  TransformParts,
} from './transform.js'

const subSchema = z
  .object({
    name: z.string().min(1),
    kind: z.string().min(1),
    params: z.record(z.string(), z.unknown()),
  })
  .strict()

const schema = z
  .object({
    transformers: z.array(subSchema).min(1),
    /** Columns no transformer uses: kept as they are, or dropped. */
    remainder: z.enum(['passthrough', 'drop']).default('passthrough'),
  })
  .strict()

type Params = z.output<typeof schema>

interface SubPart {
  name: string
  kind: string
  params: Record<string, unknown>
  state: unknown
}

interface ColumnTransformerState {
  subs: SubPart[]
  remainder: InputSpec[]
}

let layoutIds = 0

class FittedColumnTransformer implements FittedTransform {
  readonly kind = 'column-transformer'
  readonly inputs: InputSpec[]
  readonly outputs: OutputColumn[]

  constructor(
    readonly params: Readonly<Record<string, unknown>>,
    readonly names: string[],
    readonly subs: FittedTransform[],
    readonly remainder: InputSpec[],
  ) {
    const seen = new Map<string, InputSpec>()
    for (const s of subs) for (const i of s.inputs) if (!seen.has(i.name)) seen.set(i.name, i)
    for (const r of remainder) seen.set(r.name, r)
    this.inputs = [...seen.values()]
    this.outputs = [
      ...subs.flatMap((s) => s.outputs),
      ...remainder.map((r) => ({ name: r.name, type: r.type })),
    ]
    const owner = new Map<string, string>()
    subs.forEach((s, i) => {
      for (const o of s.outputs) {
        const prev = owner.get(o.name)
        if (prev !== undefined) {
          throw new CairnError(
            'CAIRN_CONFLICT',
            `column-transformer: "${prev}" and "${names[i]}" both write a column named "${o.name}"`,
            { hint: 'Give each column to one transformer, or rename with a select/rename step' },
          )
        }
        owner.set(o.name, names[i] as string)
      }
    })
    for (const r of remainder) {
      if (owner.has(r.name)) {
        throw new CairnError(
          'CAIRN_CONFLICT',
          `column-transformer: "${owner.get(r.name)}" writes "${r.name}", which is also a passed-through column`,
        )
      }
    }
  }

  transform(frame: Frame): Frame {
    requireInputs(frame, this.inputs, this.kind)
    const columns: FrameColumn[] = []
    for (const s of this.subs) {
      const out = s.transform(frame)
      for (const o of s.outputs) columns.push(getColumn(out, o.name))
    }
    for (const r of this.remainder) columns.push(getColumn(frame, r.name))
    return { rowCount: frame.rowCount, columns }
  }

  /**
   * Each sub-transform runs on private slots (its inputs copied in first), so transformers that
   * share an input all see the original value, as in the batch path; outputs are copied out after.
   */
  compileRow(layout: RowLayout): RowStep {
    const id = layoutIds++
    // Copy lists as flat typed arrays: [from, to, from, to, …], numbers and strings apart.
    const pairs = (list: { text: boolean; from: number; to: number }[], text: boolean) =>
      Int32Array.from(list.filter((c) => c.text === text).flatMap((c) => [c.from, c.to]))
    const steps: RowStep[] = []
    const numIn: Int32Array[] = []
    const strIn: Int32Array[] = []
    const numOut: Int32Array[] = []
    const strOut: Int32Array[] = []
    this.subs.forEach((s, i) => {
      const privateName = (name: string) => `\u0000ct${id}.${i}.${name}`
      const priv: RowLayout = {
        numberSlot: (name) => layout.numberSlot(privateName(name)),
        stringSlot: (name) => layout.stringSlot(privateName(name)),
      }
      const copyIn = s.inputs.map((spec) =>
        isTextType(spec.type)
          ? { text: true, from: layout.stringSlot(spec.name), to: priv.stringSlot(spec.name) }
          : { text: false, from: layout.numberSlot(spec.name), to: priv.numberSlot(spec.name) },
      )
      const copyOut = s.outputs.map((o) =>
        isTextType(o.type)
          ? { text: true, from: priv.stringSlot(o.name), to: layout.stringSlot(o.name) }
          : { text: false, from: priv.numberSlot(o.name), to: layout.numberSlot(o.name) },
      )
      steps.push(s.compileRow(priv))
      numIn.push(pairs(copyIn, false))
      strIn.push(pairs(copyIn, true))
      numOut.push(pairs(copyOut, false))
      strOut.push(pairs(copyOut, true))
    })
    const count = steps.length
    return (num, str) => {
      for (let i = 0; i < count; i++) {
        const ni = numIn[i] as Int32Array
        for (let k = 0; k < ni.length; k += 2) num[ni[k + 1] as number] = num[ni[k] as number] as number
        const si = strIn[i] as Int32Array
        for (let k = 0; k < si.length; k += 2) str[si[k + 1] as number] = str[si[k] as number] ?? null
        ;(steps[i] as RowStep)(num, str)
      }
      for (let i = 0; i < count; i++) {
        const no = numOut[i] as Int32Array
        for (let k = 0; k < no.length; k += 2) num[no[k + 1] as number] = num[no[k] as number] as number
        const so = strOut[i] as Int32Array
        for (let k = 0; k < so.length; k += 2) str[so[k + 1] as number] = str[so[k] as number] ?? null
      }
    }
  }

  missingPolicy(column: string): MissingPolicy {
    const policies = this.subs
      .filter((s) => s.inputs.some((i) => i.name === column))
      .map((s) => s.missingPolicy(column))
    if (policies.includes('rejects')) return 'rejects'
    if (policies.length > 0 && policies.every((p) => p === 'handles')) return 'handles'
    return 'passes'
  }

  sources(output: string): readonly string[] {
    for (const s of this.subs) if (s.outputs.some((o) => o.name === output)) return s.sources(output)
    return [output]
  }

  save(): TransformParts {
    let tensors: Record<string, Tensor> = {}
    const subs: SubPart[] = this.subs.map((s, i) => {
      const parts = s.save()
      tensors = { ...tensors, ...prefixTensors(`t${i}.`, parts.tensors) }
      return { name: this.names[i] as string, kind: parts.kind, params: parts.params, state: parts.state }
    })
    const state: ColumnTransformerState = { subs, remainder: this.remainder }
    return { kind: this.kind, params: { ...this.params }, state, tensors }
  }
}

function fitAll(params: Params, frame: Frame, ctx: TransformFitContext, withOutput: boolean) {
  const used = new Set<string>()
  const fitted: FittedTransform[] = []
  const outputs: Frame[] = []
  for (const spec of params.transformers) {
    const t = transformerFromSpec({ kind: spec.kind, params: spec.params })
    if (withOutput) {
      const r = t.fitTransform(frame, ctx)
      fitted.push(r.fitted)
      outputs.push(r.output)
    } else fitted.push(t.fit(frame, ctx))
    for (const i of (fitted[fitted.length - 1] as FittedTransform).inputs) used.add(i.name)
  }
  const remainder =
    params.remainder === 'drop'
      ? []
      : frame.columns.filter((c) => !used.has(c.name)).map((c) => inputSpecOf(c, true))
  const ct = new FittedColumnTransformer(
    params,
    params.transformers.map((s) => s.name),
    fitted,
    remainder,
  )
  return { ct, outputs }
}

class ColumnTransformerSpec implements Transformer {
  readonly kind = 'column-transformer'
  readonly params: Readonly<Record<string, unknown>>
  private readonly resolved: Params

  constructor(given: Record<string, unknown>) {
    this.resolved = parseParams('column-transformer', schema, given)
    const names = this.resolved.transformers.map((t) => t.name)
    if (new Set(names).size !== names.length) {
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'column-transformer: transformer names must be unique', {
        details: { names },
      })
    }
    this.params = Object.freeze({ ...this.resolved })
  }

  fit(frame: Frame, ctx: TransformFitContext): FittedTransform {
    return fitAll(this.resolved, frame, ctx, false).ct
  }

  fitTransform(frame: Frame, ctx: TransformFitContext): { fitted: FittedTransform; output: Frame } {
    const { ct, outputs } = fitAll(this.resolved, frame, ctx, true)
    const columns: FrameColumn[] = []
    ct.subs.forEach((s, i) => {
      for (const o of s.outputs) columns.push(getColumn(outputs[i] as Frame, o.name))
    })
    for (const r of ct.remainder) columns.push(getColumn(frame, r.name))
    return { fitted: ct, output: { rowCount: frame.rowCount, columns } }
  }

  with(params: Record<string, unknown>): Transformer {
    return new ColumnTransformerSpec({ ...this.params, ...params })
  }
}

registerTransformKind({
  kind: 'column-transformer',
  create: (p) => new ColumnTransformerSpec(p),
  load(parts) {
    const state = parts.state as ColumnTransformerState
    const subs = state.subs.map((s, i) =>
      loadTransform({
        kind: s.kind,
        params: s.params,
        state: s.state,
        tensors: unprefixTensors(`t${i}.`, parts.tensors),
      }),
    )
    return new FittedColumnTransformer(
      parts.params,
      state.subs.map((s) => s.name),
      subs,
      state.remainder,
    )
  },
})

/** One entry of a column transformer: a transform and the columns it gets. */
export type ColumnTransformerEntry =
  | [Transformer, ColumnSelector]
  | [string, Transformer, ColumnSelector]
  | { name?: string; transform: Transformer; columns: ColumnSelector }

/**
 * Apply different transforms to different columns side by side (scikit-learn's
 * ColumnTransformer): each transform sees the original columns; their outputs are joined, then
 * the columns no transform used (`remainder: 'passthrough'`, the default) or nothing (`drop`).
 */
export function columnTransformer(
  entries: ColumnTransformerEntry[],
  options: { remainder?: 'passthrough' | 'drop' } = {},
): Transformer {
  const counts = new Map<string, number>()
  const transformers = entries.map((e) => {
    const { name, transform, columns } = Array.isArray(e)
      ? e.length === 3
        ? { name: e[0], transform: e[1], columns: e[2] }
        : { name: undefined, transform: e[0], columns: e[1] }
      : e
    let n = name
    if (n === undefined) {
      const k = (counts.get(transform.kind) ?? 0) + 1
      counts.set(transform.kind, k)
      n = k === 1 ? transform.kind : `${transform.kind}-${k}`
    }
    const scoped =
      transform.kind === 'select-columns'
        ? transform.with(Array.isArray(columns) ? { include: columns } : {})
        : transform.with({ columns })
    return { name: n, kind: transform.kind, params: { ...scoped.params } }
  })
  return new ColumnTransformerSpec({ transformers, remainder: options.remainder ?? 'passthrough' })
}

/** Resolve which columns a selector names in a frame (handy for inspecting a column transformer's split). */
export function selectedColumns(frame: Frame, selector: ColumnSelector): string[] {
  return resolveColumns(frame, selector, 'column-transformer')
}
