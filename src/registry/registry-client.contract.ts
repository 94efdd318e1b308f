import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CairnError } from '../core/index.js'
import type { TrackingClient } from '../tracking/index.js'
import { resolveModelUri } from './model-uri.js'
import type { RegistryClient } from './registry-client.js'

/** What a backend gives the contract suite: a registry and a tracking client on the same server/stores. */
export interface RegistryFixture {
  registry: RegistryClient
  tracking: TrackingClient
  cleanup(): Promise<void>
}

let counter = 0
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`

async function expectCode(promise: Promise<unknown>, code: string): Promise<CairnError> {
  try {
    await promise
  } catch (err) {
    expect(err).toBeInstanceOf(CairnError)
    expect((err as CairnError).code).toBe(code)
    return err as CairnError
  }
  throw new Error(`expected ${code}, but the call succeeded`)
}

/** The behaviour every RegistryClient must have; run with one backend per call. */
export function registryClientContract(backend: string, setup: () => Promise<RegistryFixture>): void {
  describe(`RegistryClient contract: ${backend}`, () => {
    let fx: RegistryFixture
    let r: RegistryClient
    beforeAll(async () => {
      fx = await setup()
      r = fx.registry
    })
    afterAll(async () => {
      await fx?.cleanup()
    })

    const runWithModel = async () => {
      const exp = await fx.tracking.createExperiment({ name: unique('reg-exp') })
      const run = await fx.tracking.createRun({ experimentId: exp.experimentId })
      await fx.tracking.logArtifact(run.info.runId, 'model/manifest.json', '{"x":1}')
      return run.info.runId
    }

    describe('registered models', () => {
      it('creates, gets, updates, renames and deletes', async () => {
        const name = unique('housing')
        const created = await r.createRegisteredModel({ name, description: 'prices', tags: { team: 'ml' } })
        expect(created).toMatchObject({
          name,
          description: 'prices',
          tags: { team: 'ml' },
          aliases: {},
          latestVersions: [],
        })
        expect(await r.getRegisteredModel(name)).toEqual(created)
        await expectCode(r.createRegisteredModel({ name }), 'CAIRN_MODEL_ALREADY_EXISTS')
        const updated = await r.updateRegisteredModel(name, { description: 'house prices' })
        expect(updated.description).toBe('house prices')
        await r.createModelVersion({ name, source: 's3://bucket/m1' })
        const renamed = unique('renamed')
        const after = await r.renameRegisteredModel(name, renamed)
        expect(after.name).toBe(renamed)
        expect((await r.getModelVersion(renamed, 1)).source).toBe('s3://bucket/m1')
        await expectCode(r.getRegisteredModel(name), 'CAIRN_MODEL_NOT_FOUND')
        const other = await r.createRegisteredModel({ name: unique('other') })
        await expectCode(r.renameRegisteredModel(renamed, other.name), 'CAIRN_MODEL_ALREADY_EXISTS')
        await r.deleteRegisteredModel(renamed)
        await expectCode(r.getRegisteredModel(renamed), 'CAIRN_MODEL_NOT_FOUND')
        await expectCode(r.getModelVersion(renamed, 1), 'CAIRN_MODEL_NOT_FOUND')
        const kinds = (await r.history(renamed)).map((e) => e.kind)
        expect(kinds).toEqual(['model_deleted', 'model_renamed', 'version_created', 'model_created'])
      })

      it('rejects unknown models', async () => {
        const missing = unique('missing')
        await expectCode(r.getRegisteredModel(missing), 'CAIRN_MODEL_NOT_FOUND')
        await expectCode(r.updateRegisteredModel(missing, { description: 'x' }), 'CAIRN_MODEL_NOT_FOUND')
        await expectCode(r.deleteRegisteredModel(missing), 'CAIRN_MODEL_NOT_FOUND')
        await expectCode(r.getModelVersion(missing, 1), 'CAIRN_MODEL_NOT_FOUND')
        await expectCode(r.history(missing), 'CAIRN_MODEL_NOT_FOUND')
      })

      it('sets and deletes tags', async () => {
        const name = unique('tagged')
        await r.createRegisteredModel({ name })
        await r.setRegisteredModelTag(name, 'owner', 'ana')
        expect((await r.getRegisteredModel(name)).tags).toEqual({ owner: 'ana' })
        await r.deleteRegisteredModelTag(name, 'owner')
        expect((await r.getRegisteredModel(name)).tags).toEqual({})
        await expectCode(r.deleteRegisteredModelTag(name, 'owner'), 'CAIRN_NOT_FOUND')
      })

      it('searches by name and tags with pages', async () => {
        const prefix = unique('srch')
        for (const n of ['b', 'a', 'c'])
          await r.createRegisteredModel({ name: `${prefix}-${n}`, tags: { letter: n } })
        const all = await r.searchRegisteredModels({ filter: `name LIKE '${prefix}%'` })
        expect(all.items.map((m) => m.name)).toEqual(['a', 'b', 'c'].map((n) => `${prefix}-${n}`))
        const tagged = await r.searchRegisteredModels({
          filter: `name LIKE '${prefix}%' and tags.letter = 'c'`,
        })
        expect(tagged.items.map((m) => m.name)).toEqual([`${prefix}-c`])
        const first = await r.searchRegisteredModels({
          filter: `name LIKE '${prefix}%'`,
          maxResults: 2,
          orderBy: ['name DESC'],
        })
        expect(first.items).toHaveLength(2)
        const second = await r.searchRegisteredModels({
          filter: `name LIKE '${prefix}%'`,
          maxResults: 2,
          orderBy: ['name DESC'],
          pageToken: first.nextPageToken!,
        })
        expect(second.items.map((m) => m.name)).toEqual([`${prefix}-a`])
        await expectCode(r.searchRegisteredModels({ filter: 'metrics.x > 1' }), 'CAIRN_INVALID_FILTER')
      })
    })

    describe('versions', () => {
      it('creates numbered versions from a run artifact path or any URI', async () => {
        const runId = await runWithModel()
        const name = unique('versions')
        const v1 = await r.createModelVersion({
          name,
          source: `runs:/${runId}/model`,
          tags: { algo: 'gbdt' },
          description: 'first',
        })
        expect(v1).toMatchObject({
          name,
          version: 1,
          currentStage: 'None',
          status: 'READY',
          runId,
          source: `runs:/${runId}/model`,
          tags: { algo: 'gbdt' },
          description: 'first',
          aliases: [],
        })
        expect(v1.storageLocation.endsWith(`${runId}/artifacts/model`)).toBe(true)
        const v2 = await r.createModelVersion({ name, source: 'file:///tmp/elsewhere/model' })
        expect(v2.version).toBe(2)
        expect(v2.storageLocation).toBe('file:///tmp/elsewhere/model')
        const store = await r.modelVersionArtifacts(name, 1)
        expect((await store.get('manifest.json')).toString()).toBe('{"x":1}')
        await expectCode(
          r.createModelVersion({ name, source: 'runs:/0123456789abcdef0123456789abcdef/model' }),
          'CAIRN_RUN_NOT_FOUND',
        )
      })

      it('updates, tags, deletes and never reuses a version number', async () => {
        const name = unique('lifecycle')
        await r.createModelVersion({ name, source: 's3://b/1' })
        await r.createModelVersion({ name, source: 's3://b/2' })
        expect((await r.updateModelVersion(name, 2, { description: 'better' })).description).toBe('better')
        await r.setModelVersionTag(name, 2, 'validated', 'yes')
        expect((await r.getModelVersion(name, 2)).tags).toEqual({ validated: 'yes' })
        await r.deleteModelVersionTag(name, 2, 'validated')
        expect((await r.getModelVersion(name, 2)).tags).toEqual({})
        await r.deleteModelVersion(name, 2)
        await expectCode(r.getModelVersion(name, 2), 'CAIRN_MODEL_VERSION_NOT_FOUND')
        expect((await r.createModelVersion({ name, source: 's3://b/3' })).version).toBe(3)
        await expectCode(r.getModelVersion(name, 99), 'CAIRN_MODEL_VERSION_NOT_FOUND')
        await expectCode(r.getModelVersion(name, 0), 'CAIRN_INVALID_ARGUMENT')
      })

      it('searches versions', async () => {
        const runId = await runWithModel()
        const name = unique('sv')
        await r.createModelVersion({ name, source: `runs:/${runId}/model` })
        await r.createModelVersion({ name, source: 's3://b/x', tags: { k: 'v' } })
        const byName = await r.searchModelVersions({ filter: `name = '${name}'` })
        expect(byName.items.map((v) => v.version)).toEqual([2, 1])
        const byRun = await r.searchModelVersions({ filter: `run_id = '${runId}'` })
        expect(byRun.items.map((v) => [v.name, v.version])).toEqual([[name, 1]])
        const byTag = await r.searchModelVersions({ filter: `name = '${name}' and tags.k = 'v'` })
        expect(byTag.items.map((v) => v.version)).toEqual([2])
        const ordered = await r.searchModelVersions({
          filter: `name = '${name}'`,
          orderBy: ['version_number ASC'],
        })
        expect(ordered.items.map((v) => v.version)).toEqual([1, 2])
      })
    })

    describe('stages', () => {
      it('transitions, archives existing versions and records who/when/from/to', async () => {
        const name = unique('staged')
        for (let i = 0; i < 3; i++) await r.createModelVersion({ name, source: `s3://b/${i}` })
        await r.transitionModelVersionStage(name, 1, 'Production', {
          userId: 'ana',
          comment: 'first release',
        })
        await r.transitionModelVersionStage(name, 2, 'staging')
        const v3 = await r.transitionModelVersionStage(name, 3, 'production', {
          archiveExistingVersions: true,
          userId: 'bo',
        })
        expect(v3.currentStage).toBe('Production')
        expect((await r.getModelVersion(name, 1)).currentStage).toBe('Archived')
        expect((await r.getModelVersion(name, 2)).currentStage).toBe('Staging')
        const latest = await r.getLatestVersions(name)
        expect(latest.map((v) => [v.version, v.currentStage])).toEqual([
          [1, 'Archived'],
          [2, 'Staging'],
          [3, 'Production'],
        ])
        expect((await r.getLatestVersions(name, ['Production'])).map((v) => v.version)).toEqual([3])
        const transitions = await r.history(name, { kinds: ['stage_transition'] })
        expect(transitions.map((e) => [e.version, e.from, e.to, e.userId])).toEqual([
          [1, 'Production', 'Archived', 'bo'],
          [3, 'None', 'Production', 'bo'],
          [2, 'None', 'Staging', transitions[2]!.userId],
          [1, 'None', 'Production', 'ana'],
        ])
        expect(transitions[3]!.comment).toBe('first release')
        expect(transitions[0]!.timestamp).toBeGreaterThan(0)
        await expectCode(r.transitionModelVersionStage(name, 1, 'Canary'), 'CAIRN_INVALID_STAGE')
      })
    })

    describe('aliases', () => {
      it('sets, moves, resolves and deletes aliases', async () => {
        const name = unique('aliased')
        await r.createModelVersion({ name, source: 's3://b/1' })
        await r.createModelVersion({ name, source: 's3://b/2' })
        await r.setAlias(name, 'champion', 1)
        expect((await r.getModelVersionByAlias(name, 'champion')).version).toBe(1)
        await r.setAlias(name, 'champion', 2, { comment: 'better rmse' })
        expect((await r.getModelVersionByAlias(name, 'champion')).version).toBe(2)
        expect((await r.getModelVersion(name, 2)).aliases).toEqual(['champion'])
        expect((await r.getRegisteredModel(name)).aliases).toEqual({ champion: 2 })
        const moves = await r.history(name, { kinds: ['alias_set'] })
        expect(moves.map((e) => [e.from, e.to, e.payload])).toEqual([
          ['1', '2', { alias: 'champion' }],
          [null, '1', { alias: 'champion' }],
        ])
        await r.deleteAlias(name, 'champion')
        await expectCode(r.getModelVersionByAlias(name, 'champion'), 'CAIRN_ALIAS_NOT_FOUND')
        await expectCode(r.deleteAlias(name, 'champion'), 'CAIRN_ALIAS_NOT_FOUND')
        await expectCode(r.setAlias(name, 'champion', 9), 'CAIRN_MODEL_VERSION_NOT_FOUND')
        await expectCode(r.setAlias(name, 'latest', 1), 'CAIRN_INVALID_ARGUMENT')
        await expectCode(r.setAlias(name, 'bad alias', 1), 'CAIRN_INVALID_ARGUMENT')
      })

      it('drops the aliases of a deleted version', async () => {
        const name = unique('drop')
        await r.createModelVersion({ name, source: 's3://b/1' })
        await r.setAlias(name, 'prod', 1)
        await r.deleteModelVersion(name, 1)
        await expectCode(r.getModelVersionByAlias(name, 'prod'), 'CAIRN_ALIAS_NOT_FOUND')
      })
    })

    describe('model URIs and events', () => {
      it('resolves models:/name/3, models:/name@alias, models:/name/Stage and latest', async () => {
        const name = unique('uri')
        for (let i = 0; i < 3; i++) await r.createModelVersion({ name, source: `s3://b/${i}` })
        await r.setAlias(name, 'champion', 2)
        await r.transitionModelVersionStage(name, 1, 'Production')
        expect((await resolveModelUri(r, `models:/${name}/3`)).version).toBe(3)
        expect((await resolveModelUri(r, `models:/${name}@champion`)).version).toBe(2)
        expect((await resolveModelUri(r, `models:/${name}/Production`)).version).toBe(1)
        expect((await resolveModelUri(r, `models:/${name}/latest`)).version).toBe(3)
        await expectCode(resolveModelUri(r, `models:/${name}/Staging`), 'CAIRN_MODEL_VERSION_NOT_FOUND')
        await expectCode(resolveModelUri(r, `models:/${name}/7`), 'CAIRN_MODEL_VERSION_NOT_FOUND')
        await expectCode(resolveModelUri(r, `models:/${name}@nobody`), 'CAIRN_ALIAS_NOT_FOUND')
        await expectCode(resolveModelUri(r, `models:/${unique('none')}/1`), 'CAIRN_MODEL_NOT_FOUND')
        await expectCode(resolveModelUri(r, 'runs:/abc/model'), 'CAIRN_INVALID_MODEL_URI')
      })

      it('records and lists events from other layers (gate decisions) with payloads', async () => {
        const name = unique('gated')
        await r.createModelVersion({ name, source: 's3://b/1' })
        const event = await r.recordEvent({
          name,
          version: 1,
          kind: 'gate_reject',
          from: '1',
          to: '1',
          userId: 'monitor',
          comment: 'challenger worse',
          payload: { champion: { rmse: 1.2 }, challenger: { rmse: 1.5 } },
        })
        expect(event).toMatchObject({
          kind: 'gate_reject',
          userId: 'monitor',
          payload: { challenger: { rmse: 1.5 } },
        })
        const gate = await r.history(name, { kinds: ['gate_reject'] })
        expect(gate).toEqual([event])
        expect((await r.history(name, { version: 1 })).length).toBeGreaterThanOrEqual(2)
        await expectCode(
          r.recordEvent({ name, version: 5, kind: 'gate_promote' }),
          'CAIRN_MODEL_VERSION_NOT_FOUND',
        )
        await expectCode(r.recordEvent({ name, kind: 'Bad Kind' }), 'CAIRN_INVALID_ARGUMENT')
        await expectCode(
          r.recordEvent({ name: unique('nope'), kind: 'gate_promote' }),
          'CAIRN_MODEL_NOT_FOUND',
        )
      })
    })
  })
}
