import { z } from 'zod'
import { CairnError } from '../../core/index.js'
import { type Frame, type FrameColumn, getColumn, isNumericColumn } from '../../data/index.js'
import {
  type Model,
  type ModelFamily,
  type PredictionResult,
  type RowPrediction,
  type RowPredictor,
  registerFamily,
  type Signature,
} from '../bundle/index.js'
import {
  checkInputsPresent,
  checkTrainable,
  classificationTarget,
  labelAt,
  regressionTarget,
  toNumber,
} from '../matrix/index.js'
import { defineEstimator } from '../pipeline/define-estimator.js'
import { inputSpecOf, isTextType } from '../transforms/columns.js'

const condition = z
  .object({
    column: z.string().min(1),
    op: z.enum(['<', '<=', '>', '>=', '==', '!=', 'in', 'not-in', 'is-missing', 'not-missing']),
    /** A number for comparisons, a string for text equality, a list for `in` / `not-in`. */
    value: z
      .union([z.number(), z.string(), z.boolean(), z.array(z.union([z.string(), z.number()]))])
      .optional(),
  })
  .strict()

const rule = z
  .object({
    /** Every condition must hold (AND); use several rules for OR. */
    when: z.array(condition).min(1),
    /** The prediction: a class label, or a number for regression. Omitted: learned from the matching rows. */
    predict: z.union([z.string(), z.number()]).optional(),
    /** A name for reports (default `rule <i>`). */
    name: z.string().optional(),
  })
  .strict()

const schema = z
  .object({
    rules: z.array(rule).min(1),
    /** The prediction when no rule matches (omitted: learned from the unmatched rows). */
    otherwise: z.union([z.string(), z.number()]).optional(),
    task: z.enum(['auto', 'classification', 'regression']).default('auto'),
    /** Additive smoothing of the class shares learned per rule. */
    smoothing: z.number().nonnegative().default(1),
  })
  .strict()

export type Rule = z.infer<typeof rule>
export type RuleCondition = z.infer<typeof condition>
type Params = z.output<typeof schema>

interface RuleState {
  /** Per rule, then the fallback: regression value, or class shares (classification). */
  outcomes: number[][]
  /** Per rule and the fallback: training rows matched. */
  support: number[]
}

/** One compiled test over a row's value (number or string, NaN/null for missing). */
type Test = (num: number, str: string | null) => boolean

function compile(c: RuleCondition, text: boolean): Test {
  const v = c.value
  const missing = (num: number, str: string | null) => (text ? str === null : Number.isNaN(num))
  switch (c.op) {
    case 'is-missing':
      return missing
    case 'not-missing':
      return (num, str) => !missing(num, str)
    case 'in':
    case 'not-in': {
      const set = new Set((Array.isArray(v) ? v : [v]).map(String))
      const numbers = new Set((Array.isArray(v) ? v : [v]).map(Number))
      const hit = text
        ? (_: number, s: string | null) => s !== null && set.has(s)
        : (n: number) => numbers.has(n)
      return c.op === 'in' ? hit : (n, s) => !missing(n, s) && !hit(n, s)
    }
    case '==':
    case '!=': {
      const eq = text
        ? (_: number, s: string | null) => s !== null && s === String(v)
        : (n: number) => n === (typeof v === 'boolean' ? (v ? 1 : 0) : Number(v))
      return c.op === '==' ? eq : (n, s) => !missing(n, s) && !eq(n, s)
    }
    default: {
      if (text || typeof v !== 'number') {
        throw new CairnError(
          'CAIRN_INVALID_ARGUMENT',
          `Rule on "${c.column}": "${c.op}" compares numbers; give a numeric column and value`,
        )
      }
      if (c.op === '<') return (n) => n < v
      if (c.op === '<=') return (n) => n <= v
      if (c.op === '>') return (n) => n > v
      return (n) => n >= v
    }
  }
}

/**
 * A model made of your own rules: the first rule whose conditions all hold decides. Fitting only
 * learns what the rules imply on the data (class shares per rule, or the mean target where a rule
 * gives no value), so it scores, calibrates and serves like any other model.
 */
export class RuleModel implements Model {
  readonly family = 'rule-based'
  private readonly tests: { inputIndex: number; test: Test }[][]
  private readonly text: boolean[]

  constructor(
    readonly signature: Signature,
    readonly hyperparameters: Record<string, unknown>,
    readonly state: RuleState,
  ) {
    const params = hyperparameters as unknown as Params
    const index = new Map(signature.inputs.map((s, i) => [s.name, i]))
    this.text = signature.inputs.map((s) => isTextType(s.type))
    this.tests = params.rules.map((r) =>
      r.when.map((c) => {
        const i = index.get(c.column)
        if (i === undefined) throw new Error(`rule column "${c.column}" is not an input`)
        return { inputIndex: i, test: compile(c, this.text[i] as boolean) }
      }),
    )
  }

  /** Index of the first matching rule, or the rule count for the fallback. */
  private match(num: Float64Array, str: (string | null)[]): number {
    for (let r = 0; r < this.tests.length; r++) {
      const conds = this.tests[r] as { inputIndex: number; test: Test }[]
      let ok = true
      for (let c = 0; c < conds.length && ok; c++) {
        const t = conds[c] as { inputIndex: number; test: Test }
        ok = t.test(num[t.inputIndex] as number, str[t.inputIndex] ?? null)
      }
      if (ok) return r
    }
    return this.tests.length
  }

  /** Which rule decided each row (`rules.length` = no rule matched): for audits and reports. */
  matches(frame: Frame): Int32Array {
    checkInputsPresent(frame, this.signature.inputs)
    const cols = this.signature.inputs.map((s) => getColumn(frame, s.name))
    const num = new Float64Array(cols.length)
    const str: (string | null)[] = new Array(cols.length).fill(null)
    const out = new Int32Array(frame.rowCount)
    for (let i = 0; i < frame.rowCount; i++) {
      for (let j = 0; j < cols.length; j++) readCell(cols[j] as FrameColumn, i, j, num, str)
      out[i] = this.match(num, str)
    }
    return out
  }

  predict(frame: Frame): PredictionResult {
    const m = this.matches(frame)
    const classes = this.signature.output.classes
    const n = frame.rowCount
    const values = new Float64Array(n)
    if (!classes) {
      for (let i = 0; i < n; i++) values[i] = (this.state.outcomes[m[i] as number] as number[])[0] as number
      return { values }
    }
    const k = classes.length
    const probabilities = new Float64Array(n * k)
    for (let i = 0; i < n; i++) {
      const o = this.state.outcomes[m[i] as number] as number[]
      values[i] = this.decided(m[i] as number)
      for (let c = 0; c < k; c++) probabilities[i * k + c] = o[c] as number
    }
    return { values, classes: [...classes], probabilities }
  }

  /** The class a rule predicts: its `predict`, else its most likely class. */
  private decided(r: number): number {
    const params = this.hyperparameters as unknown as Params
    const classes = this.signature.output.classes as string[]
    const given = r < params.rules.length ? params.rules[r]?.predict : params.otherwise
    if (given !== undefined) return classes.indexOf(String(given))
    const o = this.state.outcomes[r] as number[]
    let best = 0
    for (let c = 1; c < o.length; c++) if ((o[c] as number) > (o[best] as number)) best = c
    return best
  }

  rowPredictor(): RowPredictor {
    const specs = this.signature.inputs
    const num = new Float64Array(specs.length)
    const str: (string | null)[] = new Array(specs.length).fill(null)
    const classes = this.signature.output.classes
    const probs = new Float64Array(classes?.length ?? 0)
    const out: RowPrediction = classes ? { value: 0, label: '', probabilities: probs } : { value: 0 }
    const decided = Int32Array.from(this.state.outcomes, (_, r) => (classes ? this.decided(r) : 0))
    return {
      predict: (row) => {
        for (let j = 0; j < specs.length; j++) {
          const name = (specs[j] as { name: string }).name
          const v = row[name]
          if (this.text[j]) str[j] = v === null || v === undefined ? null : String(v)
          else num[j] = typeof v === 'number' ? v : toNumber(v, name)
        }
        const r = this.match(num, str)
        const o = this.state.outcomes[r] as number[]
        if (!classes) {
          out.value = o[0] as number
          return out
        }
        const c = decided[r] as number
        out.value = c
        out.label = classes[c] as string
        for (let k = 0; k < probs.length; k++) probs[k] = o[k] as number
        return out
      },
    }
  }
}

function readCell(c: FrameColumn, i: number, j: number, num: Float64Array, str: (string | null)[]): void {
  if (isNumericColumn(c)) num[j] = c.values[i] as number
  else str[j] = labelAt(c, i)
}

export const ruleFamily: ModelFamily<RuleModel> = {
  name: 'rule-based',
  save: (m) => ({ hyperparameters: m.hyperparameters, signature: m.signature, state: m.state, tensors: {} }),
  load: (parts) => new RuleModel(parts.signature, parts.hyperparameters, parts.state as RuleState),
}
registerFamily(ruleFamily)

/**
 * A rule-based model from thresholds you choose, e.g.
 * `ruleModel({ rules: [{ when: [{ column: 'amount', op: '>', value: 1000 }], predict: 'fraud' }], otherwise: 'ok' })`.
 */
export const ruleModel = defineEstimator({
  family: 'rule-based',
  schema,
  fit(params, frame, options) {
    checkTrainable(frame, options)
    const columns = [...new Set(params.rules.flatMap((r) => r.when.map((c) => c.column)))]
    const inputs = columns.map((n) => inputSpecOf(getColumn(frame, n), true))
    const targetCol = getColumn(frame, options.target)
    const classification =
      params.task === 'classification' ||
      (params.task === 'auto' && (!isNumericColumn(targetCol) || targetCol.type === 'boolean'))
    const n = frame.rowCount
    const R = params.rules.length
    const signatureBase = { inputs, output: { task: 'regression' as const, name: options.target } }
    // Match rows with a provisional model (outcomes are filled below).
    const probe = new RuleModel(
      signatureBase,
      { ...params },
      { outcomes: Array.from({ length: R + 1 }, () => [0]), support: [] },
    )
    const m = probe.matches(frame)
    const support = Array.from({ length: R + 1 }, () => 0)
    for (let i = 0; i < n; i++) support[m[i] as number] = (support[m[i] as number] as number) + 1
    if (!classification) {
      const y = regressionTarget(frame, options.target)
      const sums = new Float64Array(R + 1)
      let total = 0
      for (let i = 0; i < n; i++) {
        sums[m[i] as number] = (sums[m[i] as number] as number) + (y[i] as number)
        total += y[i] as number
      }
      const outcomes = Array.from({ length: R + 1 }, (_, r) => {
        const given = r < R ? params.rules[r]?.predict : params.otherwise
        if (given !== undefined) {
          if (typeof given !== 'number') {
            throw new CairnError(
              'CAIRN_INVALID_ARGUMENT',
              `Rule ${r}: a regression rule predicts a number, got ${JSON.stringify(given)}`,
            )
          }
          return [given]
        }
        return [(support[r] as number) > 0 ? (sums[r] as number) / (support[r] as number) : total / n]
      })
      return new RuleModel(signatureBase, { ...params }, { outcomes, support })
    }
    const target = classificationTarget(frame, options.target)
    const labels = new Set(target.classes)
    for (const r of [...params.rules.map((x) => x.predict), params.otherwise]) {
      if (r !== undefined && !labels.has(String(r))) labels.add(String(r))
    }
    const classes = [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    const remap = target.classes.map((c) => classes.indexOf(c))
    const k = classes.length
    const counts = Array.from({ length: R + 1 }, () => new Float64Array(k))
    for (let i = 0; i < n; i++) {
      const row = counts[m[i] as number] as Float64Array
      const c = remap[target.codes[i] as number] as number
      row[c] = (row[c] as number) + 1
    }
    const a = params.smoothing
    const outcomes = counts.map((row, r) => {
      const t = row.reduce((x, y) => x + y, 0)
      if (t + a * k > 0) return Array.from(row, (v) => (v + a) / (t + a * k))
      // No rows and no smoothing: all belief on the rule's own class.
      const given = r < R ? params.rules[r]?.predict : params.otherwise
      const at = given === undefined ? -1 : classes.indexOf(String(given))
      return Array.from({ length: k }, (_, c) => (at < 0 ? 1 / k : c === at ? 1 : 0))
    })
    return new RuleModel(
      { inputs, output: { task: k === 2 ? 'binary' : 'multiclass', name: options.target, classes } },
      { ...params },
      { outcomes, support },
    )
  },
})
