import type { ModelVersion, RegisteredModel } from '../../../registry/index.js'
import type { ArtifactStore } from '../../../store/index.js'
import {
  type Experiment,
  encodeNumber,
  type Metric,
  type Run,
  type RunInfo,
} from '../../../tracking/index.js'

/** MLflow's proxied-artifact scheme: clients upload and download through the server. */
export const MLFLOW_ARTIFACTS_SCHEME = 'mlflow-artifacts:'

/**
 * Maps between artifact URIs inside the server's artifact store and the `mlflow-artifacts:/…`
 * URIs MLflow clients expect when the server proxies artifacts.
 */
export class ArtifactUriMapper {
  readonly #root: string

  constructor(readonly store: ArtifactStore) {
    this.#root = store.uri.replace(/\/+$/, '')
  }

  /** A store URI as MLflow clients see it. */
  toMlflow(uri: string): string {
    if (uri === this.#root) return `${MLFLOW_ARTIFACTS_SCHEME}/`
    if (!uri.startsWith(`${this.#root}/`)) return uri
    const rest = uri.slice(this.#root.length + 1)
    return `${MLFLOW_ARTIFACTS_SCHEME}/${uri.startsWith('file:') ? decodeURIComponent(rest) : rest}`
  }

  /** An MLflow client's URI as a store URI (`mlflow-artifacts:/x` → the store's `x`). */
  fromMlflow(uri: string): string {
    if (!uri.startsWith(MLFLOW_ARTIFACTS_SCHEME)) return uri
    let rest = uri.slice(MLFLOW_ARTIFACTS_SCHEME.length)
    if (rest.startsWith('//')) rest = rest.slice(2).replace(/^[^/]*/, '')
    return this.store.uriFor(rest.replace(/^\/+/, ''))
  }
}

const kv = (record: Record<string, string>) => Object.entries(record).map(([key, value]) => ({ key, value }))

/** Drop null, undefined and empty-list fields, as MLflow's protobuf JSON does. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined) continue
    if (Array.isArray(v) && v.length === 0) continue
    out[k] = v
  }
  return out as Partial<T>
}

export function experimentJson(e: Experiment, uris: ArtifactUriMapper): Record<string, unknown> {
  return compact({
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: uris.toMlflow(e.artifactLocation),
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
    tags: kv(e.tags),
  })
}

export function runInfoJson(i: RunInfo, uris: ArtifactUriMapper): Record<string, unknown> {
  return compact({
    run_uuid: i.runId,
    run_id: i.runId,
    run_name: i.runName,
    experiment_id: i.experimentId,
    user_id: i.userId,
    status: i.status,
    start_time: i.startTime,
    end_time: i.endTime,
    artifact_uri: uris.toMlflow(i.artifactUri),
    lifecycle_stage: i.lifecycleStage,
  })
}

export function metricJson(m: Metric): Record<string, unknown> {
  return { key: m.key, value: encodeNumber(m.value), timestamp: m.timestamp, step: m.step }
}

/**
 * A run's metrics as MLflow lists them. The store's metric objects already have MLflow's shape
 * (`{key, value, timestamp, step}`), so a page of runs with only finite values is serialised as is
 * instead of copying tens of thousands of objects; NaN and ±Infinity need the string form.
 */
function metricsJson(metrics: Record<string, Metric>): unknown[] {
  const list = Object.values(metrics)
  for (const m of list) if (!Number.isFinite(m.value)) return list.map(metricJson)
  return list
}

export function runJson(run: Run, uris: ArtifactUriMapper): Record<string, unknown> {
  return {
    info: runInfoJson(run.info, uris),
    data: compact({
      metrics: metricsJson(run.data.metrics),
      params: kv(run.data.params),
      tags: kv(run.data.tags),
    }),
    inputs: compact({
      dataset_inputs: run.inputs.datasetInputs.map((d) => ({
        tags: kv(d.tags),
        dataset: compact({
          name: d.dataset.name,
          digest: d.dataset.digest,
          source_type: d.dataset.sourceType,
          source: d.dataset.source,
          schema: d.dataset.schema,
          profile: d.dataset.profile,
        }),
      })),
    }),
  }
}

export function modelVersionJson(v: ModelVersion, uris: ArtifactUriMapper): Record<string, unknown> {
  return compact({
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTime,
    last_updated_timestamp: v.lastUpdatedTime,
    user_id: v.userId,
    current_stage: v.currentStage,
    description: v.description,
    source: uris.toMlflow(v.source),
    run_id: v.runId,
    status: v.status,
    status_message: v.statusMessage,
    tags: kv(v.tags),
    run_link: v.runLink,
    aliases: v.aliases,
  })
}

export function registeredModelJson(m: RegisteredModel, uris: ArtifactUriMapper): Record<string, unknown> {
  return compact({
    name: m.name,
    creation_timestamp: m.creationTime,
    last_updated_timestamp: m.lastUpdatedTime,
    description: m.description,
    latest_versions: m.latestVersions.map((v) => modelVersionJson(v, uris)),
    tags: kv(m.tags),
    aliases: Object.entries(m.aliases).map(([alias, version]) => ({ alias, version: String(version) })),
  })
}
