import { z } from 'zod'
import { CairnValidationError, type ValidationIssue } from '../../core/index.js'

/** What a rule looks at in a window's result. */
export type AlertSignal =
  | { kind: 'dataset_drift' }
  | { kind: 'prediction_drift' }
  | { kind: 'no_data' }
  | { kind: 'column_drift'; column: string }
  | { kind: 'drift_score'; column: string }
  | { kind: 'metric'; metric: string }
  | { kind: 'drift_share' }
  | { kind: 'drifted_columns' }
  | { kind: 'quality_failures' }
  | { kind: 'rows' }
  | { kind: 'labelled_rows' }
  | { kind: 'near_boundary_share' }

export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!='

/** A parsed `when:` condition. */
export interface AlertCondition {
  signal: AlertSignal
  /** Absent for boolean signals (dataset_drift, prediction_drift, no_data, drift <column>). */
  op?: Comparison
  value?: number
  /** Consecutive windows the condition must hold before the alert fires (default 1). */
  forWindows: number
}

export const notifierRefSchema = z.string().min(1)

/** A rule as written in YAML. */
export const alertRuleSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_:-]*$/, 'letters, digits, _ : - (Prometheus alert name style)'),
  when: z.string().min(1),
  severity: z.enum(['info', 'warning', 'critical']).optional(),
  /** Notifier names (see `notifiers`); default: every notifier of the monitor, or `log`. */
  notify: z.array(notifierRefSchema).optional(),
  summary: z.string().optional(),
  description: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
})
export type AlertRuleInput = z.infer<typeof alertRuleSchema>

/** A validated rule with its parsed condition. */
export interface AlertRule extends AlertRuleInput {
  condition: AlertCondition
  severity: 'info' | 'warning' | 'critical'
}

const BOOLEAN = new Set(['dataset_drift', 'prediction_drift', 'no_data'])
const NUMERIC = new Set([
  'drift_share',
  'drifted_columns',
  'quality_failures',
  'rows',
  'labelled_rows',
  'near_boundary_share',
])

/**
 * Parse a condition such as `dataset_drift for 2 windows`, `metric accuracy < 0.9`,
 * `drift income`, `drift_score income > 0.2`, `drift_share >= 0.3 for 3 windows`,
 * `quality_failures > 0`, `rows < 100`, `no_data`. Throws a message saying what is accepted.
 */
export function parseCondition(text: string): AlertCondition {
  let rest = text.trim()
  let forWindows = 1
  const f = /\s+for\s+(\d+)\s+windows?\s*$/i.exec(rest)
  if (f) {
    forWindows = Number(f[1])
    rest = rest.slice(0, f.index).trim()
    if (forWindows < 1) throw new Error('"for N windows" needs N ≥ 1')
  }
  const cmp = /^(.*?)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)$/i.exec(rest)
  const lhs = (cmp ? (cmp[1] as string) : rest).trim()
  const op = cmp ? (cmp[2] as Comparison) : undefined
  const value = cmp ? Number(cmp[3]) : undefined
  const words = lhs.split(/\s+/)
  const head = (words[0] ?? '').toLowerCase()
  const arg = words.slice(1).join(' ')
  let signal: AlertSignal
  if (BOOLEAN.has(head) && words.length === 1) {
    if (op) throw new Error(`"${head}" is true or false; write it without a comparison`)
    signal = { kind: head as 'dataset_drift' }
  } else if ((head === 'drift' || head === 'feature_drift' || head === 'column_drift') && arg) {
    if (op)
      throw new Error(`"${head} <column>" is true or false; use "drift_score <column> > x" to compare scores`)
    signal = { kind: 'column_drift', column: arg }
  } else if (head === 'drift_score' && arg) {
    signal = { kind: 'drift_score', column: arg }
  } else if (head === 'metric' && arg) {
    signal = { kind: 'metric', metric: arg }
  } else if (NUMERIC.has(head) && words.length === 1) {
    signal = { kind: head as 'drift_share' }
  } else {
    throw new Error(
      `Unknown condition "${lhs}". Use dataset_drift, prediction_drift, no_data, drift <column>, ` +
        'drift_score <column> <op> x, metric <name> <op> x, drift_share, drifted_columns, quality_failures, ' +
        'rows, labelled_rows or near_boundary_share <op> x, optionally followed by "for N windows"',
    )
  }
  const needsComparison =
    signal.kind === 'drift_score' || signal.kind === 'metric' || NUMERIC.has(signal.kind)
  if (needsComparison && !op) throw new Error(`"${lhs}" needs a comparison, e.g. "${lhs} > 0.1"`)
  return { signal, ...(op ? { op, value } : {}), forWindows }
}

/** Validate rules (from YAML or code); every problem is listed, with CAIRN_ALERT_RULE_INVALID. */
export function parseAlertRules(input: unknown, source = 'alerts'): AlertRule[] {
  const list = z.array(z.unknown()).safeParse(input)
  if (!list.success) {
    throw new CairnValidationError(
      `${source} must be a list of rules`,
      [{ code: 'CAIRN_ALERT_RULE_INVALID', path: source, message: 'expected a list' }],
      { code: 'CAIRN_ALERT_RULE_INVALID' },
    )
  }
  const issues: ValidationIssue[] = []
  const rules: AlertRule[] = []
  const names = new Set<string>()
  list.data.forEach((raw, i) => {
    const r = alertRuleSchema.safeParse(raw)
    if (!r.success) {
      for (const e of r.error.issues) {
        issues.push({
          code: 'CAIRN_ALERT_RULE_INVALID',
          path: `${source}[${i}].${e.path.join('.')}`,
          message: e.message,
        })
      }
      return
    }
    if (names.has(r.data.name)) {
      issues.push({
        code: 'CAIRN_ALERT_RULE_INVALID',
        path: `${source}[${i}].name`,
        message: `duplicate rule "${r.data.name}"`,
      })
    }
    names.add(r.data.name)
    try {
      rules.push({
        ...r.data,
        severity: r.data.severity ?? 'warning',
        condition: parseCondition(r.data.when),
      })
    } catch (err) {
      issues.push({
        code: 'CAIRN_ALERT_RULE_INVALID',
        path: `${source}[${i}].when`,
        message: (err as Error).message,
      })
    }
  })
  if (issues.length > 0) {
    throw new CairnValidationError(`Invalid alert rules in ${source}`, issues, {
      code: 'CAIRN_ALERT_RULE_INVALID',
      hint: 'Example: - { name: DatasetDrift, when: "dataset_drift for 2 windows", notify: [log] }',
    })
  }
  return rules
}

/** The condition back as text (for messages). */
export function formatCondition(c: AlertCondition): string {
  const s = c.signal
  const lhs =
    s.kind === 'column_drift'
      ? `drift ${s.column}`
      : s.kind === 'drift_score'
        ? `drift_score ${s.column}`
        : s.kind === 'metric'
          ? `metric ${s.metric}`
          : s.kind
  const cmp = c.op ? ` ${c.op} ${c.value}` : ''
  const f = c.forWindows > 1 ? ` for ${c.forWindows} windows` : ''
  return `${lhs}${cmp}${f}`
}
