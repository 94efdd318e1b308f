import { CairnError, getLogger } from '../../core/index.js'
import type { PredictionLog } from '../log/prediction-log.js'
import type { ServingMetrics } from '../metrics/serving-metrics.js'
import type { Deployment } from './deployment.js'
import { type LoadedModel, loadServedModel } from './loaded-model.js'
import { firstMatchingSource, type ModelSource, type ResolvedModel } from './model-source.js'

/** One served name, as configured (flags or serving.yaml). */
export interface ServedModelSpec {
  /** The name in routes (default: the registered model's name or the bundle folder's). */
  name?: string
  /** `models:/name@alias`, `models:/name/3`, `runs:/<id>/<path>`, a bundle folder or `s3://…`. */
  uri: string
  /** Send a share of requests to a challenger. */
  canary?: { uri: string; percent: number; stickyHeader?: string }
  /** Mirror every request to a challenger, log its answers, return the champion's. */
  shadow?: { uri: string }
}

export interface ServedModelsOptions {
  sources: ModelSource[]
  predictionLog?: PredictionLog
  metrics?: ServingMetrics
  /** How often to re-resolve every URI for alias moves (default 10 s; 0 = never). */
  pollIntervalMs?: number
}

type Role = 'champion' | 'canary' | 'shadow'

interface Slot {
  spec: ServedModelSpec
  name: string
  deployment: Deployment | undefined
  /** Resolution keys of what is loaded, per role. */
  keys: Partial<Record<Role, string>>
  reloading: Promise<void> | undefined
  error: string | undefined
}

const log = getLogger('serving')

/**
 * The set of served models and their hot reload. `get(name)` is the request path's lookup;
 * `refresh()` re-resolves every URI and, where an alias moved or a bundle changed, loads and warms
 * the new version beside the old one and swaps the deployment in one assignment.
 */
export class ServedModels {
  readonly #options: ServedModelsOptions
  readonly #byName = new Map<string, Deployment>()
  readonly #slots: Slot[] = []
  #timer: NodeJS.Timeout | undefined
  #unsubscribe: (() => void)[] = []
  #closed = false

  constructor(
    readonly specs: readonly ServedModelSpec[],
    options: ServedModelsOptions,
  ) {
    if (specs.length === 0) {
      throw new CairnError('CAIRN_INVALID_ARGUMENT', 'No model to serve', {
        hint: 'Give at least one model URI, e.g. cairn serve models:/housing@production',
      })
    }
    this.#options = options
    for (const spec of specs) {
      this.#slots.push({
        spec,
        name: spec.name ?? '',
        deployment: undefined,
        keys: {},
        reloading: undefined,
        error: undefined,
      })
    }
  }

  /** The deployment serving `name` (the request path). */
  get(name: string): Deployment | undefined {
    return this.#byName.get(name)
  }

  /** The first configured model (the one `/invocations` answers with). */
  get default(): Deployment | undefined {
    const first = this.#slots[0]
    return first?.deployment
  }

  /** Every loaded deployment, in configuration order. */
  list(): Deployment[] {
    return this.#slots.flatMap((s) => (s.deployment ? [s.deployment] : []))
  }

  /** True when every configured model has loaded. */
  get ready(): boolean {
    return this.#slots.every((s) => s.deployment !== undefined)
  }

  /** Load errors of models that are not serving yet, by URI. */
  get problems(): { uri: string; error: string }[] {
    return this.#slots.flatMap((s) => (s.error && !s.deployment ? [{ uri: s.spec.uri, error: s.error }] : []))
  }

  /** Load every model (rejects on the first that fails), then start polling for changes. */
  async start(): Promise<void> {
    await Promise.all(this.#slots.map((s) => this.#refreshSlot(s, true)))
    const names = new Set<string>()
    for (const s of this.#slots) {
      if (names.has(s.name)) {
        throw new CairnError('CAIRN_CONFLICT', `Two served models are named "${s.name}"`, {
          hint: 'Give each a distinct name (name: in serving.yaml, or --name)',
        })
      }
      names.add(s.name)
    }
    const every = this.#options.pollIntervalMs ?? 10_000
    if (every > 0) {
      this.#timer = setInterval(() => void this.refresh(), every)
      this.#timer.unref()
    }
    for (const source of this.#options.sources) {
      if (source.subscribe) this.#unsubscribe.push(source.subscribe(() => void this.refresh()))
    }
  }

  /** Re-resolve every URI now and reload what changed; resolves when done. Failures keep the old version. */
  async refresh(): Promise<void> {
    await Promise.all(this.#slots.map((s) => this.#refreshSlot(s, false).catch(() => {})))
  }

  async close(): Promise<void> {
    this.#closed = true
    if (this.#timer) clearInterval(this.#timer)
    for (const u of this.#unsubscribe) u()
    await Promise.all(this.#slots.map((s) => s.reloading?.catch(() => {})))
    for (const source of this.#options.sources) await source.close?.()
  }

  #refreshSlot(slot: Slot, initial: boolean): Promise<void> {
    if (slot.reloading) return slot.reloading
    const run = this.#reload(slot, initial).finally(() => {
      slot.reloading = undefined
    })
    slot.reloading = run
    return run
  }

  async #reload(slot: Slot, initial: boolean): Promise<void> {
    if (this.#closed) return
    const spec = slot.spec
    const metrics = this.#options.metrics
    try {
      const [champion, canary, shadow] = await Promise.all([
        this.#resolve(spec.uri),
        spec.canary ? this.#resolve(spec.canary.uri) : undefined,
        spec.shadow ? this.#resolve(spec.shadow.uri) : undefined,
      ])
      if (!slot.name) slot.name = champion.name
      const current = slot.deployment
      const changed =
        !current ||
        slot.keys.champion !== champion.key ||
        slot.keys.canary !== canary?.key ||
        slot.keys.shadow !== shadow?.key
      if (!changed) return
      const load = (r: ResolvedModel | undefined, role: Role, old: LoadedModel | undefined) =>
        r === undefined
          ? undefined
          : old && slot.keys[role] === r.key
            ? old
            : loadServedModel(r, slot.name, this.#options.predictionLog)
      const [c, k, s] = await Promise.all([
        load(champion, 'champion', current?.champion),
        load(canary, 'canary', current?.canary),
        load(shadow, 'shadow', current?.shadow),
      ])
      if (this.#closed) return
      const next: Deployment = {
        name: slot.name,
        champion: c as LoadedModel,
        canary: k,
        canaryFraction: spec.canary ? Math.min(Math.max(spec.canary.percent, 0), 100) / 100 : 0,
        stickyHeader: spec.canary?.stickyHeader?.toLowerCase(),
        shadow: s,
      }
      slot.deployment = next
      this.#byName.set(slot.name, next)
      slot.keys = {
        champion: champion.key,
        ...(canary ? { canary: canary.key } : {}),
        ...(shadow ? { shadow: shadow.key } : {}),
      }
      slot.error = undefined
      if (metrics) this.#updateLoadedGauge(metrics, current, next)
      if (!initial) metrics && (metrics.reloads.cell(slot.name, 'ok').value += 1)
      log.info(
        {
          model: slot.name,
          version: next.champion.version,
          canary: next.canary?.version,
          canaryPercent: spec.canary?.percent,
          shadow: next.shadow?.version,
          previous: current?.champion.version,
        },
        initial ? 'model loaded' : 'model reloaded',
      )
    } catch (err) {
      slot.error = (err as Error).message
      if (initial) throw err
      if (metrics) metrics.reloads.cell(slot.name || spec.uri, 'failed').value += 1
      log.error({ err, model: slot.name, uri: spec.uri }, 'reload failed; the previous version keeps serving')
    }
  }

  #resolve(uri: string): Promise<ResolvedModel> {
    const source = firstMatchingSource(this.#options.sources, uri)
    if (!source) {
      throw new CairnError(
        'CAIRN_INVALID_MODEL_URI',
        `Cannot serve "${uri}": no model source understands it`,
        {
          hint: 'Use models:/name@alias, models:/name/<version>, runs:/<run-id>/<path>, a bundle folder or s3://…',
        },
      )
    }
    return source.resolve(uri)
  }

  #updateLoadedGauge(metrics: ServingMetrics, before: Deployment | undefined, after: Deployment): void {
    const roles = (d: Deployment | undefined) =>
      d
        ? ([
            ['champion', d.champion],
            ['canary', d.canary],
            ['shadow', d.shadow],
          ] as const)
        : []
    for (const [role, m] of roles(before)) if (m) metrics.modelLoaded.remove(m.name, m.version, role)
    for (const [role, m] of roles(after)) if (m) metrics.modelLoaded.cell(m.name, m.version, role).value = 1
  }
}
