import type { ArtifactStore } from '../../store/index.js'
import {
  currentUser,
  HttpArtifactStore,
  HttpTransport,
  type HttpTransportOptions,
  type Page,
} from '../../tracking/index.js'
import type {
  ChangeOptions,
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  HistoryOptions,
  RecordEventInput,
  RegistryClient,
  SearchModelVersionsOptions,
  SearchRegisteredModelsOptions,
  TransitionStageOptions,
} from '../registry-client.js'
import type { ModelEvent, ModelVersion, RegisteredModel } from '../types.js'

const enc = encodeURIComponent

/**
 * A RegistryClient talking to a `cairn server` over its native JSON API (`/api/v1/models`).
 * Changes carry the calling user (the OS user unless given) so the history says who did them.
 */
export class HttpRegistryClient implements RegistryClient {
  readonly transport: HttpTransport

  constructor(baseUrlOrTransport: string | HttpTransport, options: HttpTransportOptions = {}) {
    this.transport =
      typeof baseUrlOrTransport === 'string'
        ? new HttpTransport(baseUrlOrTransport, options)
        : baseUrlOrTransport
  }

  #model(name: string): string {
    return `/api/v1/models/${enc(name)}`
  }

  #version(name: string, version: number): string {
    return `${this.#model(name)}/versions/${enc(String(version))}`
  }

  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel> {
    return this.transport.json('POST', '/api/v1/models', {
      body: { ...input, userId: input?.userId ?? currentUser() },
    })
  }

  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.transport.json('GET', this.#model(name))
  }

  renameRegisteredModel(
    name: string,
    newName: string,
    options: ChangeOptions = {},
  ): Promise<RegisteredModel> {
    return this.transport.json('POST', `${this.#model(name)}/rename`, {
      body: { newName, ...options, userId: options.userId ?? currentUser() },
    })
  }

  updateRegisteredModel(name: string, input: { description: string }): Promise<RegisteredModel> {
    return this.transport.json('PATCH', this.#model(name), { body: input })
  }

  async deleteRegisteredModel(name: string, options: ChangeOptions = {}): Promise<void> {
    await this.transport.json('DELETE', this.#model(name), {
      query: { userId: options.userId ?? currentUser(), comment: options.comment },
    })
  }

  searchRegisteredModels(options: SearchRegisteredModelsOptions = {}): Promise<Page<RegisteredModel>> {
    return this.transport.json('POST', '/api/v1/models/search', { body: options })
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.transport.json('PUT', `${this.#model(name)}/tags`, { body: { key, value } })
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.transport.json('DELETE', `${this.#model(name)}/tags`, { query: { key } })
  }

  getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]> {
    return this.transport.json('GET', `${this.#model(name)}/latest-versions`, {
      query: { stage: stages && stages.length > 0 ? stages : undefined },
    })
  }

  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    return this.transport.json('POST', `${this.#model(input?.name ?? '')}/versions`, {
      body: { ...input, userId: input?.userId ?? currentUser() },
    })
  }

  getModelVersion(name: string, version: number): Promise<ModelVersion> {
    return this.transport.json('GET', this.#version(name, version))
  }

  updateModelVersion(name: string, version: number, input: { description: string }): Promise<ModelVersion> {
    return this.transport.json('PATCH', this.#version(name, version), { body: input })
  }

  async deleteModelVersion(name: string, version: number, options: ChangeOptions = {}): Promise<void> {
    await this.transport.json('DELETE', this.#version(name, version), {
      query: { userId: options.userId ?? currentUser(), comment: options.comment },
    })
  }

  searchModelVersions(options: SearchModelVersionsOptions = {}): Promise<Page<ModelVersion>> {
    return this.transport.json('POST', '/api/v1/model-versions/search', { body: options })
  }

  async setModelVersionTag(name: string, version: number, key: string, value: string): Promise<void> {
    await this.transport.json('PUT', `${this.#version(name, version)}/tags`, { body: { key, value } })
  }

  async deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    await this.transport.json('DELETE', `${this.#version(name, version)}/tags`, { query: { key } })
  }

  transitionModelVersionStage(
    name: string,
    version: number,
    stage: string,
    options: TransitionStageOptions = {},
  ): Promise<ModelVersion> {
    return this.transport.json('POST', `${this.#version(name, version)}/stage`, {
      body: { stage, ...options, userId: options.userId ?? currentUser() },
    })
  }

  async setAlias(name: string, alias: string, version: number, options: ChangeOptions = {}): Promise<void> {
    await this.transport.json('PUT', `${this.#model(name)}/aliases/${enc(alias)}`, {
      body: { version, ...options, userId: options.userId ?? currentUser() },
    })
  }

  async deleteAlias(name: string, alias: string, options: ChangeOptions = {}): Promise<void> {
    await this.transport.json('DELETE', `${this.#model(name)}/aliases/${enc(alias)}`, {
      query: { userId: options.userId ?? currentUser(), comment: options.comment },
    })
  }

  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.transport.json('GET', `${this.#model(name)}/aliases/${enc(alias)}`)
  }

  recordEvent(input: RecordEventInput): Promise<ModelEvent> {
    return this.transport.json('POST', `${this.#model(input?.name ?? '')}/events`, {
      body: { ...input, userId: input?.userId === undefined ? currentUser() : input.userId },
    })
  }

  history(name: string, options: HistoryOptions = {}): Promise<ModelEvent[]> {
    return this.transport.json('GET', `${this.#model(name)}/events`, {
      query: { version: options.version, kind: options.kinds, limit: options.limit },
    })
  }

  async modelVersionArtifacts(name: string, version: number): Promise<ArtifactStore> {
    const mv = await this.getModelVersion(name, version)
    return new HttpArtifactStore(
      this.transport,
      `${this.#version(name, version)}/artifacts`,
      mv.storageLocation,
    )
  }

  async close(): Promise<void> {}
}
