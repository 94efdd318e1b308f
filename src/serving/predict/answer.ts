import { performance } from 'node:perf_hooks'
import {
  CairnError,
  CairnValidationError,
  getLogger,
  shortId,
  type ValidationIssue,
} from '../../core/index.js'
import type { PredictionResult } from '../../ml/index.js'
import { VARIANT_CODE } from '../log/log-layout.js'
import type { CounterCell, HistogramCell } from '../metrics/fast-metrics.js'
import type { ServingMetrics } from '../metrics/serving-metrics.js'
import { chooseModel, type Deployment } from '../models/deployment.js'
import { type LoadedModel, labelIndex, predictRows } from '../models/loaded-model.js'
import type { PredictionIds } from './prediction-ids.js'

/** The protocols, as they appear in the `route` metric label. */
export type Route = 'native' | 'mlflow' | 'v2'

/** What answering needs, shared by every route. */
export interface AnswerContext {
  metrics: ServingMetrics
  ids: PredictionIds
  /** Rows per request above which the request is refused with 413. */
  maxBatchRows: number
}

/** A batch answered: which model version, the first prediction id's sequence number, the result. */
export interface BatchAnswer {
  model: LoadedModel
  variant: number
  seqStart: number
  rowCount: number
  result: PredictionResult
  /** Set when the prediction log was full: resolve it before answering (back-pressure). */
  pending: Promise<void> | undefined
}

/** The single-row answer, written into one reused object (the fast path allocates nothing). */
export interface RowAnswer {
  model: LoadedModel
  variant: number
  seq: number
  value: number
  /** Classifiers: a view of the probabilities, valid until the next answer. */
  probabilities: Float64Array | undefined
  pending: Promise<void> | undefined
}

interface Cells {
  ok: Record<Route, CounterCell>
  duration: Record<Route, HistogramCell>
  predictions: CounterCell
  errors: CounterCell
}

const MAX_ISSUES = 1000
const cellsByModel = new WeakMap<LoadedModel, Cells>()
const log = getLogger('serving')

function cellsFor(metrics: ServingMetrics, m: LoadedModel, variant: number): Cells {
  let c = cellsByModel.get(m)
  if (c === undefined) {
    const v = variantName(variant)
    const routes: Route[] = ['native', 'mlflow', 'v2']
    c = {
      ok: Object.fromEntries(
        routes.map((r) => [r, metrics.requests.cell(m.name, m.version, r, '200')]),
      ) as Record<Route, CounterCell>,
      duration: Object.fromEntries(
        routes.map((r) => [r, metrics.duration.cell(m.name, m.version, r)]),
      ) as Record<Route, HistogramCell>,
      predictions: metrics.predictions.cell(m.name, m.version, v),
      errors: metrics.predictionErrors.cell(m.name, m.version, v),
    }
    cellsByModel.set(m, c)
  }
  return c
}

function variantName(code: number): string {
  return code === VARIANT_CODE.canary ? 'canary' : code === VARIANT_CODE.shadow ? 'shadow' : 'champion'
}

/** Count a failed request in `cairn_requests_total`. */
export function countFailure(
  metrics: ServingMetrics,
  model: string,
  version: string,
  route: Route,
  status: number,
  seconds: number | undefined,
): void {
  metrics.requests.cell(model, version, route, String(status)).value += 1
  if (seconds !== undefined && version !== '')
    metrics.duration.observe(metrics.duration.cell(model, version, route), seconds)
}

function predictionFailed(ctx: AnswerContext, m: LoadedModel, variant: number, err: unknown): CairnError {
  const errorId = shortId(6)
  cellsFor(ctx.metrics, m, variant).errors.value += 1
  log.error({ err, errorId, model: m.name, version: m.version }, 'the model failed to predict')
  return new CairnError('CAIRN_PREDICTION_FAILED', `Model ${m.name} version ${m.version} failed to predict`, {
    cause: err,
    details: { errorId, model: m.name, version: m.version },
    hint: `Quote error id ${errorId} when reporting this; the server log has the stack trace`,
  })
}

/** Validate, predict and log one row (the hot path). Throws 422 with every offending field. */
export function answerRow(
  ctx: AnswerContext,
  d: Deployment,
  row: Record<string, unknown>,
  t0: number,
  route: Route,
  sticky: string | undefined,
  out: RowAnswer,
): RowAnswer {
  const m = d.canary === undefined ? d.champion : chooseModel(d, sticky)
  const shadowRows = d.shadow === undefined ? undefined : [{ ...row }]
  if (!m.validator.check(row)) {
    throw new CairnValidationError('The row does not match the model signature', m.validator.issues(row), {
      details: { model: m.name, version: m.version },
    })
  }
  if (m.normalize !== undefined) m.normalize(row)
  const variant = m === d.champion ? 0 : VARIANT_CODE.canary
  let value: number
  let probabilities: Float64Array | undefined
  try {
    const p = m.predictor.predict(row)
    value = m.classes !== undefined && p.label !== undefined ? labelIndex(m, p.label, p.value) : p.value
    probabilities = p.probabilities
  } catch (err) {
    throw predictionFailed(ctx, m, variant, err)
  }
  const seq = ctx.ids.take(1)
  const now = performance.now()
  const latencyMs = now - t0
  let pending: Promise<void> | undefined
  const w = m.log
  if (w !== undefined) {
    const ts = Date.now()
    if (!w.appendRow(row, value, probabilities, seq, seq, ts, latencyMs, variant)) {
      pending = w.appendRowLater(row, value, probabilities, seq, seq, ts, latencyMs, variant)
    }
  }
  const cells = cellsFor(ctx.metrics, m, variant)
  cells.predictions.value += 1
  cells.ok[route].value += 1
  ctx.metrics.duration.observe(cells.duration[route], latencyMs / 1000)
  if (shadowRows !== undefined) scheduleShadow(ctx, d.shadow as LoadedModel, shadowRows, seq)
  out.model = m
  out.variant = variant
  out.seq = seq
  out.value = value
  out.probabilities = probabilities
  out.pending = pending
  return out
}

/** Validate every row (422 lists every offending field of every row), predict and log a batch. */
export function answerBatch(
  ctx: AnswerContext,
  d: Deployment,
  rows: Record<string, unknown>[],
  t0: number,
  route: Route,
  sticky: string | undefined,
): BatchAnswer {
  const n = rows.length
  if (n === 0) {
    throw new CairnError('CAIRN_EMPTY_BATCH', 'The request holds no rows', {
      hint: 'Send one row object, an array of rows, or {"columns": [...], "data": [[...]]}',
    })
  }
  if (n > ctx.maxBatchRows) {
    throw new CairnError(
      'CAIRN_PAYLOAD_TOO_LARGE',
      `${n} rows is over this server's limit of ${ctx.maxBatchRows}`,
      {
        details: { rows: n, limit: ctx.maxBatchRows },
        hint: 'Split the batch, use cairn predict for bulk scoring, or raise --max-batch-rows',
      },
    )
  }
  const m = chooseModel(d, sticky)
  const shadowRows = d.shadow === undefined ? undefined : rows.map((r) => ({ ...r }))
  validateRows(m, rows)
  const variant = m === d.champion ? 0 : VARIANT_CODE.canary
  let result: PredictionResult
  try {
    result = predictRows(m, rows)
  } catch (err) {
    throw predictionFailed(ctx, m, variant, err)
  }
  const seqStart = ctx.ids.take(n)
  const latencyMs = performance.now() - t0
  let pending: Promise<void> | undefined
  const w = m.log
  if (w !== undefined) {
    const ts = Date.now()
    const done = w.appendBatch(rows, result, seqStart, ts, latencyMs, variant)
    if (done < n) pending = w.appendBatchLater(rows, result, seqStart, ts, latencyMs, variant, done)
  }
  const cells = cellsFor(ctx.metrics, m, variant)
  cells.predictions.value += n
  cells.ok[route].value += 1
  ctx.metrics.duration.observe(cells.duration[route], latencyMs / 1000)
  if (shadowRows !== undefined) scheduleShadow(ctx, d.shadow as LoadedModel, shadowRows, seqStart)
  return { model: m, variant, seqStart, rowCount: n, result, pending }
}

/** Validate and normalise rows in place; throws 422 with the issues of every row (up to 1,000). */
export function validateRows(m: LoadedModel, rows: Record<string, unknown>[]): void {
  let issues: ValidationIssue[] | undefined
  let bad = 0
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]
    if (!m.validator.check(row)) {
      bad++
      issues ??= []
      if (issues.length < MAX_ISSUES) {
        for (const issue of m.validator.issues(row, `rows[${i}]`))
          if (issues.length < MAX_ISSUES) issues.push(issue)
      }
    }
  }
  if (issues) {
    throw new CairnValidationError(`${bad} of ${rows.length} rows do not match the model signature`, issues, {
      details: { model: m.name, version: m.version, badRows: bad, truncated: issues.length >= MAX_ISSUES },
    })
  }
  const normalize = m.normalize
  if (normalize) for (const r of rows) normalize(r)
}

function scheduleShadow(
  ctx: AnswerContext,
  shadow: LoadedModel,
  rows: Record<string, unknown>[],
  seqStart: number,
): void {
  setImmediate(runShadow, ctx, shadow, rows, seqStart)
}

/** Predict the same rows with the shadow and log its answers under `<id>.shadow`; never affects the caller. */
function runShadow(
  ctx: AnswerContext,
  m: LoadedModel,
  rows: Record<string, unknown>[],
  seqStart: number,
): void {
  const t0 = performance.now()
  const code = VARIANT_CODE.shadow
  const cells = cellsFor(ctx.metrics, m, code)
  try {
    for (const r of rows) {
      if (!m.validator.check(r)) {
        cells.errors.value += rows.length
        log.warn({ model: m.name, version: m.version }, 'a request does not match the shadow model signature')
        return
      }
    }
    if (m.normalize) for (const r of rows) m.normalize(r)
    const result = predictRows(m, rows)
    cells.predictions.value += rows.length
    const w = m.log
    if (w !== undefined) {
      const done = w.appendBatch(rows, result, seqStart, Date.now(), performance.now() - t0, code)
      if (done < rows.length) void w.appendBatchLater(rows, result, seqStart, Date.now(), 0, code, done)
    }
  } catch (err) {
    cells.errors.value += rows.length
    log.warn({ err, model: m.name, version: m.version }, 'the shadow model failed to predict')
  }
}
