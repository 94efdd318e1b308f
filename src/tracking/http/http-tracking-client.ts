import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { CairnError } from '../../core/index.js'
import type { ArtifactEntry, ArtifactStore } from '../../store/index.js'
import { joinArtifactPath } from '../../store/index.js'
import type {
  CreateExperimentInput,
  CreateRunInput,
  LogBatchInput,
  MetricHistoryOptions,
  SearchExperimentsOptions,
  SearchRunsOptions,
  TrackingClient,
  UpdateRunInput,
} from '../tracking-client.js'
import type { DatasetInput, Experiment, Metric, MetricInput, Page, Run, RunInfo } from '../types.js'
import { HttpArtifactStore } from './http-artifact-store.js'
import { HttpTransport, type HttpTransportOptions } from './http-transport.js'
import { decodeMetric, decodeRun, encodeNumber } from './wire.js'

const enc = encodeURIComponent

/** A TrackingClient talking to a `cairn server` over its native JSON API (`/api/v1`). */
export class HttpTrackingClient implements TrackingClient {
  readonly transport: HttpTransport

  constructor(baseUrlOrTransport: string | HttpTransport, options: HttpTransportOptions = {}) {
    this.transport =
      typeof baseUrlOrTransport === 'string'
        ? new HttpTransport(baseUrlOrTransport, options)
        : baseUrlOrTransport
  }

  createExperiment(input: CreateExperimentInput): Promise<Experiment> {
    return this.transport.json('POST', '/api/v1/experiments', { body: input })
  }

  getExperiment(experimentId: string): Promise<Experiment> {
    return this.transport.json('GET', `/api/v1/experiments/${enc(experimentId)}`)
  }

  getExperimentByName(name: string): Promise<Experiment> {
    return this.transport.json('GET', '/api/v1/experiments/by-name', { query: { name } })
  }

  searchExperiments(options: SearchExperimentsOptions = {}): Promise<Page<Experiment>> {
    return this.transport.json('POST', '/api/v1/experiments/search', { body: options })
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    await this.transport.json('PATCH', `/api/v1/experiments/${enc(experimentId)}`, {
      body: { name: newName },
    })
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.transport.json('DELETE', `/api/v1/experiments/${enc(experimentId)}`)
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.transport.json('POST', `/api/v1/experiments/${enc(experimentId)}/restore`)
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.transport.json('PUT', `/api/v1/experiments/${enc(experimentId)}/tags`, {
      body: { key, value },
    })
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.transport.json('DELETE', `/api/v1/experiments/${enc(experimentId)}/tags`, { query: { key } })
  }

  async createRun(input: CreateRunInput): Promise<Run> {
    return decodeRun(await this.transport.json('POST', '/api/v1/runs', { body: input }))
  }

  async getRun(runId: string): Promise<Run> {
    return decodeRun(await this.transport.json('GET', `/api/v1/runs/${enc(runId)}`))
  }

  updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo> {
    return this.transport.json('PATCH', `/api/v1/runs/${enc(runId)}`, { body: input })
  }

  async deleteRun(runId: string): Promise<void> {
    await this.transport.json('DELETE', `/api/v1/runs/${enc(runId)}`)
  }

  async restoreRun(runId: string): Promise<void> {
    await this.transport.json('POST', `/api/v1/runs/${enc(runId)}/restore`)
  }

  async searchRuns(options: SearchRunsOptions): Promise<Page<Run>> {
    const page = await this.transport.json<Page<unknown>>('POST', '/api/v1/runs/search', { body: options })
    return { ...page, items: page.items.map(decodeRun) }
  }

  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    const body =
      batch && Array.isArray(batch.metrics)
        ? {
            ...batch,
            metrics: batch.metrics.map((m) =>
              m && typeof m === 'object' && typeof m.value === 'number'
                ? { ...m, value: encodeNumber(m.value) }
                : m,
            ),
          }
        : batch
    await this.transport.json('POST', `/api/v1/runs/${enc(runId)}/batch`, { body })
  }

  logMetric(runId: string, metric: MetricInput): Promise<void> {
    return this.logBatch(runId, { metrics: [metric] })
  }

  logParam(runId: string, key: string, value: string): Promise<void> {
    return this.logBatch(runId, { params: [{ key, value }] })
  }

  setTag(runId: string, key: string, value: string): Promise<void> {
    return this.logBatch(runId, { tags: [{ key, value }] })
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.transport.json('DELETE', `/api/v1/runs/${enc(runId)}/tags`, { query: { key } })
  }

  async getMetricHistory(
    runId: string,
    key: string,
    options: MetricHistoryOptions = {},
  ): Promise<Page<Metric>> {
    const page = await this.transport.json<Page<Record<string, unknown>>>(
      'GET',
      `/api/v1/runs/${enc(runId)}/metric-history`,
      {
        query: { key, maxResults: options.maxResults, pageToken: options.pageToken },
      },
    )
    return { ...page, items: page.items.map(decodeMetric) }
  }

  async logInputs(runId: string, inputs: DatasetInput[]): Promise<void> {
    await this.transport.json('POST', `/api/v1/runs/${enc(runId)}/inputs`, { body: { inputs } })
  }

  async runArtifacts(runId: string): Promise<ArtifactStore> {
    const run = await this.getRun(runId)
    return new HttpArtifactStore(this.transport, `/api/v1/runs/${enc(runId)}/artifacts`, run.info.artifactUri)
  }

  async logArtifact(runId: string, path: string, data: Uint8Array | string): Promise<void> {
    await (await this.runArtifacts(runId)).put(path, data)
  }

  async logArtifacts(runId: string, localPath: string, artifactDir = ''): Promise<number> {
    const store = await this.runArtifacts(runId)
    const st = await stat(localPath).catch(() => undefined)
    if (!st)
      throw new CairnError('CAIRN_NOT_FOUND', `Cannot log artifacts: ${localPath} does not exist`, {
        details: { localPath },
      })
    if (st.isDirectory()) return store.putDir(artifactDir, localPath)
    await store.putFile(joinArtifactPath(artifactDir, basename(localPath)), localPath)
    return 1
  }

  async listArtifacts(runId: string, path = ''): Promise<ArtifactEntry[]> {
    return (await this.runArtifacts(runId)).list(path)
  }

  async downloadArtifact(runId: string, path: string): Promise<Buffer> {
    return (await this.runArtifacts(runId)).get(path)
  }

  async close(): Promise<void> {}
}
