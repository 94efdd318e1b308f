import { isAbsolute, join } from 'node:path'
import {
  CairnError,
  CairnValidationError,
  getLogger,
  loadProjectConfig,
  type ProjectConfig,
  readYamlFile,
} from '../../core/index.js'
import { type ColumnType, createDataService, type DataService, type Frame } from '../../data/index.js'
import { loadRegisteredModel, StoreRegistryClient } from '../../registry/index.js'
import {
  type ArtifactStore,
  type MetadataStore,
  openArtifactStore,
  openMetadataStore,
} from '../../store/index.js'
import { type AlertRule, createNotifiers, parseAlertRules } from '../alerts/index.js'
import { pipelineTrainer, RetrainingGate, type RetrainOutcome } from '../gate/index.js'
import { frameWindowSource } from '../monitor/frame-source.js'
import { Monitor, type MonitorBatch, type PredictionSet, type RecordedResult } from '../monitor/monitor.js'
import { type MonitorConfig, parseMonitorConfig } from '../monitor/monitor-config.js'
import { predictionLogSource } from '../monitor/prediction-log-source.js'
import { profileReference } from '../quality/index.js'
import { MonitorStore } from '../store/index.js'

/** Where the service finds the project and its stores. */
export interface MonitoringServiceOptions {
  cwd?: string
  trackingUri?: string
  artifactsUri?: string
}

/** What `run` did for one window or batch. */
export interface MonitorRunOutcome extends RecordedResult {
  retrain?: RetrainOutcome | null
}

const log = getLogger('monitoring')
const FILE_LIKE = /[/\\]|\.(csv|tsv|parquet|json|ndjson|jsonl|gz)$/i

/**
 * Monitoring for a project: the monitors of cairn.yaml (`monitors:`), their stores, and the data
 * and registry they read. What the `cairn monitor` commands and `cairn server` use.
 */
export class MonitoringService {
  readonly store: MonitorStore
  #data: Promise<DataService> | undefined
  #registry: StoreRegistryClient | undefined
  readonly #closers: (() => Promise<void>)[] = []

  private constructor(
    readonly project: ProjectConfig,
    readonly metadata: MetadataStore,
    readonly artifacts: ArtifactStore,
    readonly monitors: Record<string, MonitorConfig>,
  ) {
    this.store = new MonitorStore(metadata)
  }

  static async open(options: MonitoringServiceOptions = {}): Promise<MonitoringService> {
    const project = await loadProjectConfig({
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.trackingUri ? { trackingUri: options.trackingUri } : {}),
      ...(options.artifactsUri ? { artifactsUri: options.artifactsUri } : {}),
    })
    if (/^https?:/i.test(project.trackingUri)) {
      throw new CairnError(
        'CAIRN_UNSUPPORTED_URI',
        'Monitoring needs the metadata store itself, not a server URL',
        {
          hint: 'Run `cairn monitor` where the store is reachable (sqlite:///… or postgresql://…), e.g. next to `cairn server`.',
        },
      )
    }
    const raw = (project.file.monitors ?? {}) as unknown
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new CairnValidationError(
        'cairn.yaml: monitors must be a mapping of monitor names to settings',
        [{ code: 'CAIRN_CONFIG_INVALID', path: 'monitors', message: 'expected a mapping' }],
        { code: 'CAIRN_CONFIG_INVALID' },
      )
    }
    const monitors: Record<string, MonitorConfig> = {}
    for (const [name, cfg] of Object.entries(raw))
      monitors[name] = parseMonitorConfig(cfg, `monitors.${name}`)
    const metadata = await openMetadataStore(project.trackingUri)
    const artifacts = openArtifactStore(project.artifactsUri, { base: project.root })
    return new MonitoringService(project, metadata, artifacts, monitors)
  }

  /** A monitor's configuration; CAIRN_MONITOR_NOT_FOUND with the known names otherwise. */
  config(name: string): MonitorConfig {
    const c = this.monitors[name]
    if (!c) {
      const known = Object.keys(this.monitors)
      throw new CairnError('CAIRN_MONITOR_NOT_FOUND', `No monitor "${name}" in cairn.yaml`, {
        details: { monitor: name, known },
        hint: known.length
          ? `Known monitors: ${known.join(', ')}`
          : 'Add one under `monitors:` in cairn.yaml.',
      })
    }
    return c
  }

  get data(): Promise<DataService> {
    this.#data ??= createDataService({
      metadata: this.metadata,
      artifacts: this.artifacts,
      base: this.project.root,
    })
    return this.#data
  }

  get registry(): StoreRegistryClient {
    this.#registry ??= new StoreRegistryClient({ metadata: this.metadata, artifacts: this.artifacts })
    return this.#registry
  }

  /** Read a dataset reference (`housing@v3`) or a file into a frame. */
  async readTable(ref: string): Promise<Frame> {
    const data = await this.data
    if (FILE_LIKE.test(ref)) {
      const path = isAbsolute(ref) || /^[a-z]+:\/\//i.test(ref) ? ref : join(this.project.root, ref)
      return (await data.ingest(path)).toFrame()
    }
    return data.readFrame(ref)
  }

  async #rules(name: string, c: MonitorConfig): Promise<AlertRule[]> {
    if (c.alerts === undefined) return []
    if (typeof c.alerts === 'string') {
      const path = isAbsolute(c.alerts) ? c.alerts : join(this.project.root, c.alerts)
      const doc = await readYamlFile(path)
      const list = Array.isArray(doc) ? doc : (doc as { alerts?: unknown } | null)?.alerts
      return parseAlertRules(list, c.alerts)
    }
    return parseAlertRules(c.alerts, `monitors.${name}.alerts`)
  }

  async #championPredictor(c: MonitorConfig): Promise<((f: Frame) => PredictionSet) | undefined> {
    if (!c.model) return undefined
    try {
      const { model } = await loadRegisteredModel(
        this.registry,
        `models:/${c.model}@${c.alias ?? 'production'}`,
      )
      return (frame) => {
        const p = model.predict(frame)
        const classes = p.classes
        return {
          values: Array.from(p.values, (v) =>
            Number.isFinite(v) ? (classes ? (classes[v] ?? null) : v) : null,
          ),
          ...(p.probabilities && classes ? { probabilities: { classes, values: p.probabilities } } : {}),
        }
      }
    } catch (err) {
      log.warn(
        { model: c.model, err: (err as Error).message },
        'cannot load the monitored model; no reference predictions',
      )
      return undefined
    }
  }

  /** Build the Monitor of a configured monitor (reads its reference). */
  async monitor(name: string): Promise<{ monitor: Monitor; predict?: (f: Frame) => PredictionSet }> {
    const c = this.config(name)
    if (!c.reference) {
      throw new CairnError('CAIRN_REFERENCE_MISSING', `Monitor "${name}" has no reference data`, {
        hint: `Set monitors.${name}.reference to a dataset (housing@v3) or a file (data/train.csv).`,
      })
    }
    const frame = await this.readTable(c.reference)
    const predict = await this.#championPredictor(c)
    const features: Frame = {
      rowCount: frame.rowCount,
      columns: frame.columns.filter((col) => ![c.target, c.prediction, c.timestamp].includes(col.name)),
    }
    const hasPredictionColumn =
      c.prediction !== undefined && frame.columns.some((col) => col.name === c.prediction)
    let predictions: PredictionSet | undefined
    if (!hasPredictionColumn && predict) {
      try {
        predictions = predict(features)
      } catch (err) {
        log.warn({ monitor: name, err: (err as Error).message }, 'the model could not predict the reference')
      }
    }
    const monitor = new Monitor({
      name,
      config: c,
      reference: { frame, ...(predictions ? { predictions } : {}) },
      store: this.store,
      rules: await this.#rules(name, c),
      notifiers: createNotifiers(c.notifiers),
    })
    await this.store.upsertMonitor({
      name,
      model: c.model ?? null,
      config: c,
      referencePath: c.reference,
      referenceRows: frame.rowCount,
    })
    return { monitor, ...(predict ? { predict } : {}) }
  }

  /**
   * Run a monitor: a batch (`current` file/dataset, or windows of it when the monitor has a
   * time column and a window length), or the due windows of the serving prediction log. Each
   * result is stored, alerts are evaluated and, when configured, retraining is triggered.
   */
  async run(
    name: string,
    options: { current?: string; now?: number; onResult?: (r: MonitorRunOutcome) => void } = {},
  ): Promise<MonitorRunOutcome[]> {
    const c = this.config(name)
    const { monitor, predict } = await this.monitor(name)
    const gate = c.retrain ? await this.#gate(name, c, monitor) : undefined
    const out: MonitorRunOutcome[] = []
    const handle = async (r: RecordedResult) => {
      const retrain = gate ? await gate.onResult(r) : undefined
      const o: MonitorRunOutcome = { ...r, ...(retrain !== undefined ? { retrain } : {}) }
      out.push(o)
      options.onResult?.(o)
    }
    const current = options.current ?? c.current
    if (current) {
      const frame = await this.readTable(current)
      const withPredictions = (b: MonitorBatch): MonitorBatch => {
        if (
          b.predictions ||
          !predict ||
          (c.prediction && b.frame.columns.some((col) => col.name === c.prediction))
        )
          return b
        try {
          return { ...b, predictions: predict(b.frame) }
        } catch (err) {
          log.warn(
            { monitor: name, err: (err as Error).message },
            'the model could not predict the current data',
          )
          return b
        }
      }
      if (c.timestamp && (c.window ?? '1d') !== 'batch') {
        const source = frameWindowSource(frame, c.timestamp)
        const windows = {
          read: async (w: { start: number; end: number }) => withPredictions(await source.read(w)),
          earliest: () => source.earliest?.() ?? Promise.resolve(undefined),
        }
        const results = await monitor.runWindows(
          windows,
          options.now !== undefined ? { now: options.now } : {},
        )
        for (const r of results) await handle(r)
      } else {
        await handle(await monitor.runBatch(withPredictions({ frame }), current, options.now))
      }
      return out
    }
    if (!c.model) {
      throw new CairnError('CAIRN_INVALID_ARGUMENT', `Monitor "${name}" has nothing to read`, {
        hint: 'Give --current <file or dataset>, or set `current:` or `model:` (to read the serving prediction log).',
      })
    }
    const reference = await this.readTable(c.reference as string)
    const columnTypes: Record<string, ColumnType> = {}
    for (const col of reference.columns) columnTypes[col.name] = col.type
    const source = predictionLogSource(this.metadata, {
      model: c.model,
      columnTypes,
      columns: monitor.featureColumns,
    })
    const results = await monitor.runWindows(source, options.now !== undefined ? { now: options.now } : {})
    for (const r of results) await handle(r)
    return out
  }

  async #gate(name: string, c: MonitorConfig, monitor: Monitor): Promise<RetrainingGate | undefined> {
    const r = c.retrain
    if (!r || !c.model) return undefined
    if (!r.heldOut || !c.target) {
      throw new CairnError(
        'CAIRN_CONFIG_INVALID',
        `monitors.${name}.retrain needs heldOut data and the monitor's target column`,
      )
    }
    const { openPipelineWorkspace } = await import('../../pipelines/index.js')
    const workspace = await openPipelineWorkspace({ cwd: this.project.root })
    this.#closers.push(() => workspace.close())
    const reference = await this.readTable(c.reference as string)
    const rules = await this.#rules(name, c)
    return new RetrainingGate({
      model: c.model,
      config: r,
      registry: this.registry,
      train: pipelineTrainer(workspace, {
        ...(r.pipeline ? { pipeline: r.pipeline } : {}),
        ...(r.stages ? { stages: r.stages } : {}),
      }),
      heldOut: () => this.readTable(r.heldOut as string),
      target: c.target,
      reference: profileReference({
        rowCount: reference.rowCount,
        columns: reference.columns.filter((col) => monitor.featureColumns.includes(col.name)),
      }),
      ruleNames: rules.map((x) => x.name),
      ...(c.quality ? { qualityOptions: c.quality } : {}),
    })
  }

  async close(): Promise<void> {
    for (const close of this.#closers.splice(0)) await close()
    if (this.#data) await (await this.#data).close()
    await this.#registry?.close()
    await this.metadata.close()
    await this.artifacts.close()
  }
}
