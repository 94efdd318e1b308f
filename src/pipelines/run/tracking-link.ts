import { isCairnError } from '../../core/index.js'
import type { TrackingClient } from '../../tracking/index.js'

/** Where a pipeline run logs: a tracking client and the experiment to log under. */
export interface TrackingOptions {
  client: TrackingClient
  /** Experiment name (created when missing). */
  experiment: string
  /** The pipeline's tracking run name (default: generated). */
  runName?: string
  /** Log under this existing run instead of creating a parent run. */
  parentRunId?: string
  tags?: Record<string, string>
}

/** Params and metrics as tracking keys and values. */
export type FlatValues = Record<string, unknown>

/**
 * Links a pipeline run to experiment tracking: one parent run for the pipeline run and one
 * nested run per executed stage; the stage process gets the nested run's id (CAIRN_RUN_ID) so
 * whatever it logs lands there. Params and metrics read from the stage's files are logged too.
 */
export class TrackingLink {
  #experimentId: Promise<string> | undefined
  #parent: Promise<string> | undefined

  constructor(readonly options: TrackingOptions) {}

  experimentId(): Promise<string> {
    this.#experimentId ??= getOrCreateExperiment(this.options.client, this.options.experiment)
    return this.#experimentId
  }

  /** The pipeline run's tracking run (created on first use). */
  parent(tags: Record<string, string>): Promise<string> {
    this.#parent ??= (async () => {
      if (this.options.parentRunId) return this.options.parentRunId
      const run = await this.options.client.createRun({
        experimentId: await this.experimentId(),
        ...(this.options.runName ? { runName: this.options.runName } : {}),
        tags: { ...this.options.tags, ...tags },
      })
      return run.info.runId
    })()
    return this.#parent
  }

  get started(): boolean {
    return this.#parent !== undefined
  }

  async startStage(name: string, tags: Record<string, string>, params: FlatValues): Promise<string> {
    const parentRunId = await this.parent({})
    const run = await this.options.client.createRun({
      experimentId: await this.experimentId(),
      runName: name,
      parentRunId,
      tags,
    })
    await this.logParams(run.info.runId, params)
    return run.info.runId
  }

  async logParams(runId: string, params: FlatValues): Promise<void> {
    const entries = Object.entries(params).map(([key, v]) => ({
      key: key.slice(0, 250),
      value: (typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 6000),
    }))
    for (let i = 0; i < entries.length; i += 100) {
      await this.options.client.logBatch(runId, { params: entries.slice(i, i + 100) })
    }
  }

  async logMetrics(runId: string, metrics: Record<string, number>): Promise<void> {
    const now = Date.now()
    const entries = Object.entries(metrics)
      .filter(([, v]) => Number.isFinite(v))
      .map(([key, value]) => ({ key: key.slice(0, 250), value, timestamp: now, step: 0 }))
    for (let i = 0; i < entries.length; i += 1000) {
      await this.options.client.logBatch(runId, { metrics: entries.slice(i, i + 1000) })
    }
  }

  async end(runId: string, ok: boolean | 'killed'): Promise<void> {
    await this.options.client.updateRun(runId, {
      status: ok === 'killed' ? 'KILLED' : ok ? 'FINISHED' : 'FAILED',
      endTime: Date.now(),
    })
  }
}

async function getOrCreateExperiment(client: TrackingClient, name: string): Promise<string> {
  try {
    return (await client.getExperimentByName(name)).experimentId
  } catch (err) {
    if (!isCairnError(err, 'CAIRN_EXPERIMENT_NOT_FOUND')) throw err
  }
  try {
    return (await client.createExperiment({ name })).experimentId
  } catch (err) {
    if (!isCairnError(err, 'CAIRN_EXPERIMENT_ALREADY_EXISTS')) throw err
    return (await client.getExperimentByName(name)).experimentId
  }
}
