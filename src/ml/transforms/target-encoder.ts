import { z } from 'zod'
import { CairnError } from '../../core/index.js'
import { type Frame, type FrameColumn, isNumericColumn } from '../../data/index.js'
import type { InputSpec } from '../bundle/index.js'
import { kFold, stratifiedKFold } from '../evaluation/splits.js'
import { labelAt, sortClassLabels } from '../matrix/index.js'
import { lexical, MISSING } from './categorical-common.js'
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
  TransformFitContext,
  TransformParts,
} from './transform.js'

type TargetType = 'continuous' | 'binary' | 'multiclass'

interface TargetEncoderState {
  inputs: InputSpec[]
  targetType: TargetType
  /** Classes (binary: the positive class is the second; multiclass: one output per class). */
  classes: string[]
  /** Per input: its categories (missing appears as `__missing__` when seen). */
  categories: string[][]
  /** The prior per output group (target mean, or class shares). */
  prior: number[]
}

const schema = z
  .object({
    columns: columnsParam,
    /**
     * `auto`: two distinct values → binary; otherwise numbers → continuous and labels → multiclass
     * (unlike scikit-learn, integer targets such as counts or prices stay continuous).
     */
    targetType: z.enum(['auto', 'continuous', 'binary', 'multiclass']).default('auto'),
    /** `auto`: empirical-Bayes shrinkage toward the prior; a number m: (sum + m·prior) / (count + m). */
    smooth: z.union([z.literal('auto'), z.number().nonnegative()]).default('auto'),
    /** Folds for the out-of-fold encoding of training rows. */
    cv: z.number().int().min(2).default(5),
    shuffle: z.boolean().default(true),
  })
  .strict()

type Params = z.output<typeof schema>

/** The target as numbers per output group: continuous → one column; binary → 0/1; multiclass → one-vs-rest columns. */
function targetMatrix(
  column: FrameColumn,
  declared: Params['targetType'],
): { type: TargetType; classes: string[]; y: Float64Array[] } {
  const n = column.type === 'category' ? column.codes.length : column.values.length
  const labels: string[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const l = labelAt(column, i)
    if (l === null) {
      throw new CairnError(
        'CAIRN_NON_FINITE_VALUE',
        `target-encoder: the target "${column.name}" is missing at row ${i}`,
        {
          details: { column: column.name, row: i },
        },
      )
    }
    labels[i] = l
  }
  const numeric = isNumericColumn(column) && column.type !== 'boolean'
  let type: TargetType
  if (declared !== 'auto') type = declared
  else if (new Set(labels).size <= 2) type = 'binary'
  else type = numeric ? 'continuous' : 'multiclass'
  if (type === 'continuous') {
    if (!numeric) {
      throw new CairnError(
        'CAIRN_INVALID_ARGUMENT',
        `target-encoder: a continuous target must be numeric; "${column.name}" is ${column.type}`,
      )
    }
    return { type, classes: [], y: [Float64Array.from(column.values as Float64Array)] }
  }
  const classes = sortClassLabels(new Set(labels), numeric)
  const groups = type === 'binary' ? [classes[classes.length - 1] as string] : classes
  return {
    type,
    classes,
    y: groups.map((g) => Float64Array.from(labels, (l) => (l === g ? 1 : 0))),
  }
}

/** Encodings of one column for one output group, fitted on `rows`. */
function encode(
  codes: Int32Array,
  k: number,
  y: Float64Array,
  rows: ArrayLike<number>,
  smooth: Params['smooth'],
): {
  values: Float64Array
  prior: number
} {
  const n = rows.length
  let mean = 0
  for (let r = 0; r < n; r++) mean += y[rows[r] as number] as number
  mean /= n
  let variance = 0
  for (let r = 0; r < n; r++) variance += ((y[rows[r] as number] as number) - mean) ** 2
  variance /= n
  const sums = new Float64Array(k)
  const ssd = new Float64Array(k)
  const counts = new Float64Array(k)
  for (let r = 0; r < n; r++) {
    const i = rows[r] as number
    const c = codes[i] as number
    const v = y[i] as number
    sums[c] = (sums[c] as number) + v
    ssd[c] = (ssd[c] as number) + (v - mean) ** 2
    counts[c] = (counts[c] as number) + 1
  }
  const values = new Float64Array(k)
  for (let c = 0; c < k; c++) {
    const cnt = counts[c] as number
    if (cnt === 0) values[c] = mean
    else if (smooth === 'auto') {
      const lambda = (variance * cnt) / (variance * cnt + (ssd[c] as number) / cnt)
      values[c] = Number.isNaN(lambda) ? mean : lambda * ((sums[c] as number) / cnt) + (1 - lambda) * mean
    } else values[c] = ((sums[c] as number) + smooth * mean) / (cnt + smooth)
  }
  return { values, prior: mean }
}

/** Codes of a column against a category list, with missing mapped to the `__missing__` category when present. */
function codesAgainst(c: FrameColumn, categories: readonly string[]): Int32Array {
  const { codes, categories: own } = asCategorical(c)
  const index = new Map(categories.map((l, i) => [l, i]))
  const missing = index.get(MISSING) ?? -1
  const remap = own.map((l) => index.get(l) ?? -1)
  return Int32Array.from(codes, (k) => (k < 0 ? missing : (remap[k] as number)))
}

class FittedTargetEncoder implements FittedTransform {
  readonly kind = 'target-encoder'
  readonly outputs: OutputColumn[] = []
  private readonly maps: Map<string, number>[]
  private readonly groups: number

  constructor(
    readonly params: Readonly<Record<string, unknown>>,
    readonly state: TargetEncoderState,
    /** Per input and group: encoding per category (input-major, then group, then category). */
    readonly encodings: Float64Array[],
  ) {
    this.groups = state.targetType === 'multiclass' ? state.classes.length : 1
    for (const spec of state.inputs) {
      if (this.groups === 1) this.outputs.push({ name: spec.name, type: 'number' })
      else for (const cls of state.classes) this.outputs.push({ name: `${spec.name}_${cls}`, type: 'number' })
    }
    this.maps = state.categories.map((cats) => new Map(cats.map((l, i) => [l, i])))
  }

  get inputs(): InputSpec[] {
    return this.state.inputs
  }

  transform(frame: Frame): Frame {
    const cols = requireInputs(frame, this.inputs, this.kind)
    const out = cols.flatMap((c, j) => {
      const codes = codesAgainst(c, this.state.categories[j] as string[])
      return Array.from({ length: this.groups }, (_, g) => {
        const enc = this.encodings[j * this.groups + g] as Float64Array
        const prior = this.state.prior[g] as number
        const v = Float64Array.from(codes, (k) => (k < 0 ? prior : (enc[k] as number)))
        return numberColumn((this.outputs[j * this.groups + g] as OutputColumn).name, v)
      })
    })
    return replaceColumns(
      frame,
      this.inputs.map((s) => s.name),
      out,
    )
  }

  compileRow(layout: RowLayout): RowStep {
    const inSlots = Int32Array.from(this.inputs.map((s) => layout.stringSlot(s.name)))
    const outSlots = Int32Array.from(this.outputs.map((o) => layout.numberSlot(o.name)))
    const G = this.groups
    const p = inSlots.length
    const missingCode = this.maps.map((m) => m.get(MISSING) ?? -1)
    return (num, str) => {
      for (let j = 0; j < p; j++) {
        const label = str[inSlots[j] as number]
        const k =
          label === null || label === undefined
            ? (missingCode[j] as number)
            : ((this.maps[j] as Map<string, number>).get(label) ?? -1)
        for (let g = 0; g < G; g++) {
          num[outSlots[j * G + g] as number] =
            k < 0
              ? (this.state.prior[g] as number)
              : ((this.encodings[j * G + g] as Float64Array)[k] as number)
        }
      }
    }
  }

  missingPolicy(): MissingPolicy {
    return 'handles'
  }

  sources(output: string): readonly string[] {
    const j = Math.floor(this.outputs.findIndex((o) => o.name === output) / this.groups)
    return j >= 0 ? [(this.inputs[j] as InputSpec).name] : []
  }

  save(): TransformParts {
    const tensors: Record<string, Float64Array> = {}
    this.encodings.forEach((e, i) => {
      tensors[`enc${i}`] = e
    })
    return { kind: this.kind, params: { ...this.params }, state: this.state, tensors }
  }
}

function fitEncoder(params: Params, frame: Frame, ctx: TransformFitContext) {
  const kind = 'target-encoder'
  if (!ctx.target) {
    throw new CairnError(
      'CAIRN_INVALID_ARGUMENT',
      `${kind} needs the target: use it inside a pipeline() fitted with a target`,
    )
  }
  const names = resolveColumns(frame, params.columns ?? 'categorical', kind)
  const target = targetMatrix(ctx.target.column, params.targetType)
  const all = Int32Array.from({ length: frame.rowCount }, (_, i) => i)
  const inputs: InputSpec[] = []
  const categories: string[][] = []
  const codes: Int32Array[] = []
  for (const name of names) {
    const c = frame.columns.find((x) => x.name === name) as FrameColumn
    const cat = asCategorical(c)
    const present = new Set<string>()
    let hasMissing = false
    cat.codes.forEach((k) => {
      if (k < 0) hasMissing = true
      else present.add(cat.categories[k] as string)
    })
    const cats = lexical(present)
    if (hasMissing) cats.push(MISSING)
    inputs.push(inputSpecOf(c, true))
    categories.push(cats)
    codes.push(codesAgainst(c, cats))
  }
  const encodings: Float64Array[] = []
  const prior: number[] = []
  codes.forEach((cj, j) => {
    target.y.forEach((y) => {
      const e = encode(cj, (categories[j] as string[]).length, y, all, params.smooth)
      encodings.push(e.values)
      if (j === 0) prior.push(e.prior)
    })
  })
  const state: TargetEncoderState = {
    inputs,
    targetType: target.type,
    classes: target.classes,
    categories,
    prior,
  }
  return { fitted: new FittedTargetEncoder(params, state, encodings), target, codes }
}

/**
 * Replace each category by a smoothed mean of the target for that category (one column per
 * class for multiclass targets). Training rows get out-of-fold encodings (`cv` folds), so the
 * model never sees a row's own target leak through its encoding; unknown and rare categories fall
 * back toward the target's overall mean.
 */
export const targetEncoder = defineTransform({
  kind: 'target-encoder',
  schema,
  fit: (params, frame, ctx) => fitEncoder(params, frame, ctx).fitted,
  fitTransform(params, frame, ctx) {
    const { fitted, target, codes } = fitEncoder(params, frame, ctx)
    const n = frame.rowCount
    const G = target.y.length
    const columns = Array.from({ length: codes.length * G }, () => new Float64Array(n))
    const splitter =
      target.type === 'continuous'
        ? kFold({ k: params.cv, shuffle: params.shuffle, seed: ctx.seed })
        : stratifiedKFold({ k: params.cv, shuffle: params.shuffle, seed: ctx.seed })
    const labels =
      target.type === 'continuous'
        ? undefined
        : Array.from({ length: n }, (_, i) => {
            for (let g = 0; g < G; g++) if ((target.y[g] as Float64Array)[i] === 1) return String(g)
            return 'rest'
          })
    const folds = splitter.split(n, labels ? { labels } : {})
    for (const fold of folds) {
      codes.forEach((cj, j) => {
        target.y.forEach((y, g) => {
          const { values } = encode(cj, fitted.state.categories[j]?.length ?? 0, y, fold.train, params.smooth)
          const col = columns[j * G + g] as Float64Array
          for (const i of fold.test) col[i] = values[cj[i] as number] as number
        })
      })
    }
    const out = columns.map((v, k) => numberColumn((fitted.outputs[k] as OutputColumn).name, v))
    const output = replaceColumns(
      frame,
      fitted.inputs.map((s) => s.name),
      out,
    )
    return { fitted, output }
  },
  load(parts) {
    const state = parts.state as TargetEncoderState
    const groups = state.targetType === 'multiclass' ? state.classes.length : 1
    const encodings = Array.from({ length: state.inputs.length * groups }, (_, i) => {
      const t = parts.tensors[`enc${i}`]
      if (!(t instanceof Float64Array)) throw new Error(`target-encoder: tensor enc${i} is missing`)
      return t
    })
    return new FittedTargetEncoder(parts.params, state, encodings)
  },
})
