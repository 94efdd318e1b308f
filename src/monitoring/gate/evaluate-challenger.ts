import { CairnError, getLogger, isCairnError } from '../../core/index.js'
import { cellValue, type Frame } from '../../data/index.js'
import type { Model } from '../../ml/index.js'
import { loadRegisteredModel, type RegistryClient } from '../../registry/index.js'
import { computePerformance, greaterIsBetter } from '../performance/index.js'
import {
  checkQuality,
  type QualityCheck,
  type QualityOptions,
  type ReferenceProfile,
} from '../quality/index.js'

/** What the gate needs to compare a challenger with the champion. */
export interface ChallengerEvaluation {
  registry: RegistryClient
  /** The registered model. */
  model: string
  /** The challenger's version. */
  challenger: number
  /** The alias the champion holds and the challenger gets when promoted (default `production`). */
  alias?: string
  /** Held-out rows with the ground truth, the same for both models. */
  heldOut: Frame
  /** The ground-truth column of `heldOut`. */
  target: string
  /** The metric compared (default accuracy for classifiers, rmse for regression). */
  metric?: string
  /** How much better the challenger must be, in the metric's units (default 0: any improvement). */
  margin?: number
  /** Check the held-out data against this reference profile first; failures reject the challenger. */
  quality?: { reference: ReferenceProfile; options?: QualityOptions }
  /** What started the evaluation (a monitor's window), recorded with the decision. */
  trigger?: Record<string, unknown>
  userId?: string
  /** Evaluate and record, but never move the alias. */
  dryRun?: boolean
}

/** One model's scores on the held-out data. */
export interface ModelScores {
  version: number
  metrics: Record<string, number>
  /** Rows the model could not predict (NaN or missing outputs). */
  invalidPredictions: number
  error?: string
}

/** The gate's decision, as recorded in the registry's model history. */
export interface GateDecision {
  decision: 'promote' | 'reject'
  model: string
  alias: string
  metric: string
  greaterIsBetter: boolean
  margin: number
  champion: ModelScores | null
  challenger: ModelScores
  /** challenger − champion in the metric (null without a champion or a score). */
  delta: number | null
  reasons: string[]
  qualityFailures: QualityCheck[]
  heldOutRows: number
  trigger?: Record<string, unknown>
  /** The registry event id of the decision. */
  eventId: string
  dryRun: boolean
}

/** Registry event kinds of gate decisions. */
export const GATE_EVENT_KINDS = { promote: 'gate_promote', reject: 'gate_reject' } as const

const log = getLogger('monitoring.gate')

function scoreModel(
  model: Model,
  version: number,
  heldOut: Frame,
  target: string,
  metricNames: string[],
): ModelScores {
  const features: Frame = {
    rowCount: heldOut.rowCount,
    columns: heldOut.columns.filter((c) => c.name !== target),
  }
  const targetColumn = heldOut.columns.find((c) => c.name === target)
  if (!targetColumn)
    throw new CairnError('CAIRN_COLUMN_NOT_FOUND', `Held-out data has no target column "${target}"`)
  const labels = Array.from({ length: heldOut.rowCount }, (_, i) => {
    const v = cellValue(targetColumn, i)
    return v instanceof Date ? v.getTime() : typeof v === 'boolean' ? String(v) : v
  })
  let pred: ReturnType<Model['predict']>
  try {
    pred = model.predict(features)
  } catch (err) {
    return {
      version,
      metrics: {},
      invalidPredictions: heldOut.rowCount,
      error: isCairnError(err) ? `${err.code}: ${err.message}` : String(err),
    }
  }
  const task = model.signature.output.task
  const classification = task === 'binary' || task === 'multiclass'
  let invalid = 0
  const values = Array.from(pred.values, (v) => {
    if (!Number.isFinite(v)) {
      invalid++
      return null
    }
    return classification ? (pred.classes?.[v] ?? null) : v
  })
  const perf = computePerformance(
    {
      task: classification ? 'classification' : 'regression',
      predictions: values,
      ...(pred.probabilities && pred.classes
        ? { probabilities: { classes: pred.classes, values: pred.probabilities } }
        : {}),
      labels,
    },
    {
      metrics: metricNames,
      ...(classification && pred.classes?.length === 2 ? { positiveLabel: pred.classes[1] as string } : {}),
    },
  )
  return { version, metrics: perf.metrics, invalidPredictions: invalid }
}

const fmt = (v: number | undefined) => (v === undefined ? 'n/a' : Number(v.toPrecision(5)).toString())

/**
 * The promotion gate: score the challenger and the current alias holder (champion) on the same
 * held-out rows; promote the challenger — move the alias — only when its data passes the quality
 * checks, it predicts every row, and it beats the champion by at least `margin` on `metric`.
 * Every decision, promote or reject, is recorded in the registry's model history (kind
 * `gate_promote` / `gate_reject`) with both models' metrics side by side.
 */
export async function evaluateChallenger(input: ChallengerEvaluation): Promise<GateDecision> {
  const { registry, model: name, challenger } = input
  const alias = input.alias ?? 'production'
  const margin = input.margin ?? 0
  const reasons: string[] = []
  const challengerLoaded = await loadRegisteredModel(registry, `models:/${name}/${challenger}`)
  const task = challengerLoaded.model.signature.output.task
  const metric = input.metric ?? (task === 'regression' ? 'rmse' : 'accuracy')
  const higher = greaterIsBetter(metric)
  let championVersion: number | undefined
  try {
    championVersion = (await registry.getModelVersionByAlias(name, alias)).version
  } catch (err) {
    if (!isCairnError(err, 'CAIRN_ALIAS_NOT_FOUND')) throw err
  }
  const qualityFailures = input.quality
    ? checkQuality(
        input.quality.reference,
        {
          rowCount: input.heldOut.rowCount,
          columns: input.heldOut.columns.filter((c) => c.name !== input.target),
        },
        { ...input.quality.options, unexpectedColumns: 'ignore' },
      ).checks.filter((c) => c.status === 'fail' && c.check !== 'volume')
    : []
  if (qualityFailures.length > 0) {
    reasons.push(
      `held-out data fails ${qualityFailures.length} data-quality check(s): ${qualityFailures
        .slice(0, 3)
        .map((c) => c.message)
        .join('; ')}`,
    )
  }
  const metricNames = [metric]
  const challengerScores = scoreModel(
    challengerLoaded.model,
    challenger,
    input.heldOut,
    input.target,
    metricNames,
  )
  let championScores: ModelScores | null = null
  if (championVersion !== undefined && championVersion !== challenger) {
    const champ = await loadRegisteredModel(registry, `models:/${name}/${championVersion}`)
    championScores = scoreModel(champ.model, championVersion, input.heldOut, input.target, metricNames)
  }
  if (championVersion === challenger) reasons.push(`version ${challenger} already holds @${alias}`)
  if (challengerScores.error) reasons.push(`challenger failed to predict: ${challengerScores.error}`)
  else if (challengerScores.invalidPredictions > 0) {
    reasons.push(`challenger gave ${challengerScores.invalidPredictions} invalid prediction(s)`)
  }
  const ch = challengerScores.metrics[metric]
  const cp = championScores?.metrics[metric]
  if (!challengerScores.error && ch === undefined)
    reasons.push(`metric "${metric}" could not be computed for the challenger`)
  let delta: number | null = null
  if (ch !== undefined && cp !== undefined) {
    delta = ch - cp
    const improvement = higher ? delta : -delta
    if (!(improvement > 0 && improvement >= margin)) {
      reasons.push(
        improvement > 0
          ? `${metric} ${fmt(ch)} vs champion v${championVersion} ${fmt(cp)}: better by ${fmt(improvement)}, less than the margin ${fmt(margin)}`
          : `${metric} ${fmt(ch)} vs champion v${championVersion} ${fmt(cp)}: not better`,
      )
    }
  } else if (championScores && cp === undefined && ch !== undefined) {
    log.warn(
      { model: name, champion: championVersion },
      'champion could not be scored; comparing against nothing',
    )
  }
  const decision: GateDecision['decision'] = reasons.length === 0 ? 'promote' : 'reject'
  const summary =
    decision === 'promote'
      ? cp !== undefined
        ? `${metric} ${fmt(ch)} vs champion v${championVersion} ${fmt(cp)} (${delta !== null && delta >= 0 ? '+' : ''}${fmt(delta ?? undefined)}, margin ${fmt(margin)}): promoted to @${alias}`
        : `${metric} ${fmt(ch)}; no scored champion: promoted to @${alias}`
      : `rejected: ${reasons.join('; ')}`
  const payload = {
    decision,
    alias,
    metric,
    greaterIsBetter: higher,
    margin,
    champion: championScores,
    challenger: challengerScores,
    delta,
    reasons,
    qualityFailures: qualityFailures.map((c) => ({ check: c.check, column: c.column, message: c.message })),
    heldOutRows: input.heldOut.rowCount,
    ...(input.trigger ? { trigger: input.trigger } : {}),
    ...(input.dryRun ? { dryRun: true } : {}),
  }
  const previous = championVersion
  if (decision === 'promote' && !input.dryRun) {
    await registry.setAlias(name, alias, challenger, {
      comment: `retraining gate: ${summary}`,
      ...(input.userId ? { userId: input.userId } : {}),
    })
  }
  let event: Awaited<ReturnType<RegistryClient['recordEvent']>>
  try {
    event = await registry.recordEvent({
      name,
      version: challenger,
      kind: decision === 'promote' ? GATE_EVENT_KINDS.promote : GATE_EVENT_KINDS.reject,
      from: previous === undefined ? null : String(previous),
      to: decision === 'promote' ? String(challenger) : previous === undefined ? null : String(previous),
      comment: summary,
      payload,
      ...(input.userId ? { userId: input.userId } : {}),
    })
  } catch (err) {
    if (decision === 'promote' && !input.dryRun) {
      if (previous === undefined) await registry.deleteAlias(name, alias).catch(() => undefined)
      else await registry.setAlias(name, alias, previous).catch(() => undefined)
    }
    throw err
  }
  log.info({ model: name, challenger, champion: previous, decision, metric, delta }, summary)
  return {
    decision,
    model: name,
    alias,
    metric,
    greaterIsBetter: higher,
    margin,
    champion: championScores,
    challenger: challengerScores,
    delta,
    reasons,
    qualityFailures,
    heldOutRows: input.heldOut.rowCount,
    ...(input.trigger ? { trigger: input.trigger } : {}),
    eventId: event.eventId,
    dryRun: input.dryRun === true,
  }
}
