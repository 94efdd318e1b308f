import { z } from 'zod'
import { CairnValidationError } from '../../core/index.js'
import { notifierConfigSchema } from '../alerts/index.js'
import { driftOptionsSchema } from '../drift/index.js'
import { performanceOptionsSchema } from '../performance/index.js'
import { qualityOptionsSchema } from '../quality/index.js'

/** The retraining gate of a monitor (see ../gate). */
export const retrainConfigSchema = z.strictObject({
  /** The pipeline (name in cairn.yaml) that trains and registers a challenger. */
  pipeline: z.string().optional(),
  /** Stages of that pipeline to run (default: all). */
  stages: z.array(z.string()).optional(),
  /** When a monitoring result triggers retraining: an alert rule name, or a condition. */
  when: z.string().optional(),
  /** The alias the champion holds and the challenger gets when promoted (default `production`). */
  alias: z.string().optional(),
  /** The metric both models are compared on (default: accuracy / rmse by task). */
  metric: z.string().optional(),
  /** How much better the challenger must be (absolute, in the metric's units; default 0). */
  margin: z.number().min(0).optional(),
  /** Held-out data both models are scored on: a dataset reference or a file. */
  heldOut: z.string().optional(),
  /** Refuse challengers whose held-out data fails data-quality checks (default true). */
  requireQuality: z.boolean().optional(),
})

/**
 * One monitor, as written under `monitors.<name>` in cairn.yaml. Only `reference` is needed for
 * drift on batches; `model` connects it to the serving prediction log and the registry.
 */
export const monitorConfigSchema = z.strictObject({
  /** The registered model (name in the registry and the serving log). */
  model: z.string().optional(),
  /** The alias whose holder is monitored and is the champion (default `production`). */
  alias: z.string().optional(),
  task: z.enum(['classification', 'regression']).optional(),
  /** Reference data: a dataset reference (`housing@v3`) or a file (CSV, Parquet, JSON). */
  reference: z.string().optional(),
  /** Current data when not read from the prediction log: a dataset reference or a file. */
  current: z.string().optional(),
  /** The ground-truth column (in reference data and labelled batches). */
  target: z.string().optional(),
  /** The model's output column in reference data / batches. */
  prediction: z.string().optional(),
  /** The time column of current files, for time windows. */
  timestamp: z.string().optional(),
  /** Columns that are not features (ids); excluded from drift and quality. */
  ignore: z.array(z.string()).optional(),
  /** Window length (15m, 1h, 1d…) or `batch` (default 1d). */
  window: z.string().optional(),
  /** First window start (ISO time) when nothing was evaluated yet (default: the first logged row). */
  start: z.string().optional(),
  /** Wait this long after a window ends before evaluating it, for late rows (default 0). */
  lag: z.string().optional(),
  /** Windows with fewer rows are reported as `insufficient` and not drift-tested (default 1). */
  minRows: z.number().int().min(1).optional(),
  drift: driftOptionsSchema.optional(),
  quality: qualityOptionsSchema.optional(),
  performance: performanceOptionsSchema.optional(),
  /** Alert rules, or the path of a YAML file with a list of them. */
  alerts: z.union([z.string(), z.array(z.unknown())]).optional(),
  notifiers: z.record(z.string(), notifierConfigSchema).optional(),
  retrain: retrainConfigSchema.optional(),
})

export type MonitorConfig = z.infer<typeof monitorConfigSchema>
export type RetrainConfig = z.infer<typeof retrainConfigSchema>

/** Validate a monitor's configuration; every problem is listed (CAIRN_CONFIG_INVALID). */
export function parseMonitorConfig(input: unknown, source = 'monitor'): MonitorConfig {
  const r = monitorConfigSchema.safeParse(input ?? {})
  if (r.success) return r.data
  throw new CairnValidationError(
    `Invalid monitor configuration in ${source}`,
    r.error.issues.map((i) => ({
      code: 'CAIRN_CONFIG_INVALID',
      path: `${source}.${i.path.join('.')}`,
      message: i.message,
    })),
    { code: 'CAIRN_CONFIG_INVALID' },
  )
}
