import { CairnError, getLogger } from '../../core/index.js'
import type { Frame } from '../../data/index.js'
import type { RegistryClient } from '../../registry/index.js'
import { evaluateCondition, parseCondition } from '../alerts/index.js'
import type { RecordedResult } from '../monitor/monitor.js'
import type { RetrainConfig } from '../monitor/monitor-config.js'
import type { QualityOptions, ReferenceProfile } from '../quality/index.js'
import { evaluateChallenger, type GateDecision } from './evaluate-challenger.js'

/** What training returned. */
export interface TrainingRun {
  ok: boolean
  /** The pipeline run id (or any id of the training job). */
  runId?: string
  error?: string
}

/** Runs training for the gate; the job must register a new version of the model. */
export type Trainer = (context: { reason: string; trigger?: Record<string, unknown> }) => Promise<TrainingRun>

/** What one retraining did. */
export interface RetrainOutcome {
  status: 'decided' | 'training_failed' | 'no_new_version'
  reason: string
  training: TrainingRun
  challenger?: number
  decision?: GateDecision
}

export interface RetrainingGateOptions {
  model: string
  config: RetrainConfig
  registry: RegistryClient
  train: Trainer
  /** Held-out rows with the target, both models are scored on them. */
  heldOut: () => Promise<Frame>
  target: string
  /** The monitor's reference profile: held-out data must pass its quality checks (unless requireQuality is false). */
  reference?: ReferenceProfile
  /** The monitor's data-quality settings, applied to that check (e.g. maxNewCategoryShare). */
  qualityOptions?: QualityOptions
  /** The monitor's alert rule names: a `retrain.when` equal to one means "when that rule fires". */
  ruleNames?: readonly string[]
}

const log = getLogger('monitoring.gate')

/**
 * Connects monitoring to retraining: when a window's result meets `retrain.when` (an alert rule's
 * name — retrain when it fires — or a condition such as `dataset_drift` or `metric accuracy < 0.9`;
 * default `dataset_drift`), it runs the training job, takes the model version that job
 * registered as the challenger, and lets the promotion gate decide against the champion.
 */
export class RetrainingGate {
  readonly #o: RetrainingGateOptions
  readonly #condition: ReturnType<typeof parseCondition> | undefined

  constructor(options: RetrainingGateOptions) {
    this.#o = options
    const when = options.config.when ?? 'dataset_drift'
    this.#condition = options.ruleNames?.includes(when) ? undefined : parseCondition(when)
    if (this.#condition && this.#condition.forWindows > 1) {
      throw new CairnError(
        'CAIRN_CONFIG_INVALID',
        `retrain.when "${when}" spans windows; name an alert rule with that condition instead`,
        {
          hint: 'e.g. alerts: [{ name: SustainedDrift, when: "dataset_drift for 3 windows" }] and retrain.when: SustainedDrift',
        },
      )
    }
  }

  /** Whether this window should start retraining, and why. */
  shouldRetrain(recorded: RecordedResult): { retrain: boolean; reason: string } {
    const when = this.#o.config.when ?? 'dataset_drift'
    if (!this.#condition) {
      const fired = recorded.alerts.find((a) => a.rule === when && a.transition === 'firing')
      return {
        retrain: !!fired,
        reason: fired ? `alert ${when} fired in ${recorded.result.window.label}` : '',
      }
    }
    const o = evaluateCondition(this.#condition, recorded.result)
    return {
      retrain: o.holds === true,
      reason: o.holds
        ? `${when} in ${recorded.result.window.label}${o.value !== null ? ` (value ${o.value})` : ''}`
        : '',
    }
  }

  /** Retrain when the window calls for it; null otherwise. */
  async onResult(recorded: RecordedResult): Promise<RetrainOutcome | null> {
    const { retrain, reason } = this.shouldRetrain(recorded)
    if (!retrain) return null
    return this.retrain(reason, {
      monitor: recorded.result.monitor,
      window: recorded.result.window.label,
      monitorRunId: recorded.result.runId,
    })
  }

  /** Run training now and gate the version it registers. */
  async retrain(reason: string, trigger?: Record<string, unknown>): Promise<RetrainOutcome> {
    const { registry, model } = this.#o
    const before = await this.#latestVersion()
    log.info({ model, reason }, 'retraining')
    const training = await this.#o.train({ reason, ...(trigger ? { trigger } : {}) })
    if (!training.ok) return { status: 'training_failed', reason, training }
    const after = await this.#latestVersion()
    if (after === undefined || (before !== undefined && after <= before)) {
      return { status: 'no_new_version', reason, training }
    }
    const c = this.#o.config
    const decision = await evaluateChallenger({
      registry,
      model,
      challenger: after,
      heldOut: await this.#o.heldOut(),
      target: this.#o.target,
      ...(c.alias ? { alias: c.alias } : {}),
      ...(c.metric ? { metric: c.metric } : {}),
      ...(c.margin !== undefined ? { margin: c.margin } : {}),
      ...(this.#o.reference && c.requireQuality !== false
        ? {
            quality: {
              reference: this.#o.reference,
              ...(this.#o.qualityOptions ? { options: this.#o.qualityOptions } : {}),
            },
          }
        : {}),
      trigger: { reason, ...trigger, ...(training.runId ? { trainingRunId: training.runId } : {}) },
    })
    return { status: 'decided', reason, training, challenger: after, decision }
  }

  async #latestVersion(): Promise<number | undefined> {
    const page = await this.#o.registry.searchModelVersions({
      filter: `name = '${this.#o.model.replace(/'/g, "''")}'`,
      orderBy: ['version_number DESC'],
      maxResults: 1,
    })
    return page.items[0]?.version
  }
}
