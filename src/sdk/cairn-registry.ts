import type { Bundle } from '../ml/index.js'
import { writeBundleToStore } from '../ml/index.js'
import {
  type ChangeOptions,
  type CreateModelVersionInput,
  type CreateRegisteredModelInput,
  type HistoryOptions,
  type LoadedModelVersion,
  loadRegisteredModel,
  type ModelEvent,
  type ModelVersion,
  type RecordEventInput,
  type RegisteredModel,
  type RegistryClient,
  type ResolvedModelVersion,
  resolveModelUri,
  type SearchModelVersionsOptions,
  type SearchRegisteredModelsOptions,
  type TransitionStageOptions,
} from '../registry/index.js'
import type { ArtifactStore } from '../store/index.js'
import type { Page } from '../tracking/index.js'
import type { CairnTracking } from './cairn-tracking.js'
import { type RegisterOnnxOptions, registerOnnx } from './register-onnx.js'

export interface RegisterModelOptions {
  /** Artifact path of the model inside the run (default `model`). */
  artifactPath?: string
  description?: string
  tags?: Record<string, string>
  /** Point these aliases at the new version. */
  aliases?: string[]
}

/**
 * `cairn.registry`: every RegistryClient call, plus `resolve` / `loadModel` for `models:/` URIs and
 * `registerModel` / `logModel` to register what a run produced.
 */
export class CairnRegistry implements RegistryClient {
  constructor(
    /** The client underneath (store or HTTP). */
    readonly client: RegistryClient,
    readonly tracking: CairnTracking,
  ) {}

  /** Resolve `models:/name/3`, `models:/name@alias`, `models:/name/Production` or `models:/name/latest`. */
  resolve(uri: string): Promise<ResolvedModelVersion> {
    return resolveModelUri(this.client, uri)
  }

  /** Load the model bundle a `models:/` URI names. */
  loadModel(uri: string): Promise<LoadedModelVersion> {
    return loadRegisteredModel(this.client, uri)
  }

  /** Register the model a run logged at `artifactPath` (default `model`) as the next version of `name`. */
  async registerModel(
    name: string,
    runId: string,
    options: RegisterModelOptions = {},
  ): Promise<ModelVersion> {
    const path = (options.artifactPath ?? 'model').replace(/^\/+|\/+$/g, '')
    const version = await this.client.createModelVersion({
      name,
      source: `runs:/${runId}/${path}`,
      runId,
      ...(options.description !== undefined ? { description: options.description } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
    })
    for (const alias of options.aliases ?? []) await this.client.setAlias(name, alias, version.version)
    return options.aliases?.length ? this.client.getModelVersion(name, version.version) : version
  }

  /** Write a model bundle into a run's artifacts at `artifactPath` (default `model`) and register it. */
  async logModel(
    name: string,
    runId: string,
    bundle: Bundle,
    options: RegisterModelOptions = {},
  ): Promise<ModelVersion> {
    const store = await this.tracking.runArtifacts(runId)
    await writeBundleToStore(store, options.artifactPath ?? 'model', bundle)
    return this.registerModel(name, runId, options)
  }

  /**
   * Register an `.onnx` file (from PyTorch, skl2onnx, Cairn's own exporter…) as the next version of
   * `name`. The signature is read from the graph (or checked against `options.import.signature`);
   * the bundle (family `onnx`) goes into a run created for the import (or `options.runId`), and the
   * version predicts through onnxruntime-node. A file that is not a usable ONNX model is
   * CAIRN_ONNX_INVALID and nothing is recorded.
   *
   * ```ts
   * const v = await cairn.registry.registerOnnx('churn', 'exports/churn.onnx', { aliases: ['staging'] })
   * const { model } = await cairn.registry.loadModel(`models:/churn/${v.version}`)
   * ```
   */
  registerOnnx(name: string, file: string, options: RegisterOnnxOptions = {}): Promise<ModelVersion> {
    return registerOnnx(this.client, this.tracking, name, file, options)
  }

  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel> {
    return this.client.createRegisteredModel(input)
  }
  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.client.getRegisteredModel(name)
  }
  renameRegisteredModel(name: string, newName: string, options?: ChangeOptions): Promise<RegisteredModel> {
    return this.client.renameRegisteredModel(name, newName, options)
  }
  updateRegisteredModel(name: string, input: { description: string }): Promise<RegisteredModel> {
    return this.client.updateRegisteredModel(name, input)
  }
  deleteRegisteredModel(name: string, options?: ChangeOptions): Promise<void> {
    return this.client.deleteRegisteredModel(name, options)
  }
  searchRegisteredModels(options?: SearchRegisteredModelsOptions): Promise<Page<RegisteredModel>> {
    return this.client.searchRegisteredModels(options)
  }
  setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    return this.client.setRegisteredModelTag(name, key, value)
  }
  deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    return this.client.deleteRegisteredModelTag(name, key)
  }
  getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]> {
    return this.client.getLatestVersions(name, stages)
  }
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    return this.client.createModelVersion(input)
  }
  getModelVersion(name: string, version: number): Promise<ModelVersion> {
    return this.client.getModelVersion(name, version)
  }
  updateModelVersion(name: string, version: number, input: { description: string }): Promise<ModelVersion> {
    return this.client.updateModelVersion(name, version, input)
  }
  deleteModelVersion(name: string, version: number, options?: ChangeOptions): Promise<void> {
    return this.client.deleteModelVersion(name, version, options)
  }
  searchModelVersions(options?: SearchModelVersionsOptions): Promise<Page<ModelVersion>> {
    return this.client.searchModelVersions(options)
  }
  setModelVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    return this.client.setModelVersionTag(name, version, key, value)
  }
  deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    return this.client.deleteModelVersionTag(name, version, key)
  }
  transitionModelVersionStage(
    name: string,
    version: number,
    stage: string,
    options?: TransitionStageOptions,
  ): Promise<ModelVersion> {
    return this.client.transitionModelVersionStage(name, version, stage, options)
  }
  setAlias(name: string, alias: string, version: number, options?: ChangeOptions): Promise<void> {
    return this.client.setAlias(name, alias, version, options)
  }
  deleteAlias(name: string, alias: string, options?: ChangeOptions): Promise<void> {
    return this.client.deleteAlias(name, alias, options)
  }
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.client.getModelVersionByAlias(name, alias)
  }
  recordEvent(input: RecordEventInput): Promise<ModelEvent> {
    return this.client.recordEvent(input)
  }
  history(name: string, options?: HistoryOptions): Promise<ModelEvent[]> {
    return this.client.history(name, options)
  }
  modelVersionArtifacts(name: string, version: number): Promise<ArtifactStore> {
    return this.client.modelVersionArtifacts(name, version)
  }
  close(): Promise<void> {
    return this.client.close()
  }
}
