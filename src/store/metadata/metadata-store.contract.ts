import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrations } from '../migrations/index.js'
import type { MetadataStore } from './metadata-store.js'
import { isUniqueViolation } from './sql-errors.js'

/** A way to open a fresh, empty store, and to open a second handle on the same database. */
export interface MetadataStoreFactory {
  create(): Promise<{ store: MetadataStore; reopen(): Promise<MetadataStore> }>
}

/** The behaviour every MetadataStore backend must have. */
export function describeMetadataStoreContract(
  name: string,
  factory: MetadataStoreFactory,
  options: { skip?: boolean } = {},
) {
  describe.skipIf(options.skip)(`MetadataStore contract: ${name}`, () => {
    let store: MetadataStore
    let reopen: () => Promise<MetadataStore>
    const extra: MetadataStore[] = []

    beforeEach(async () => {
      const created = await factory.create()
      store = created.store
      reopen = created.reopen
    })
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close()
      await store.close()
    })

    it('applies every migration on open, once', async () => {
      const applied = await store.appliedMigrations()
      expect(applied).toEqual(migrations.map((m) => m.name).sort())
      const again = await reopen()
      extra.push(again)
      expect(await again.appliedMigrations()).toEqual(applied)
    })

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await store.transaction(async (trx) => {
        await trx.insertInto('experiments').values(experiment('1', 'kept')).execute()
      })
      await expect(
        store.transaction(async (trx) => {
          await trx.insertInto('experiments').values(experiment('2', 'dropped')).execute()
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      const names = await store.db.selectFrom('experiments').select('name').orderBy('name').execute()
      expect(names.map((r) => r.name)).toEqual(['kept'])
    })

    it('round-trips bigints, doubles and infinities', async () => {
      const t = Date.now() * 1000 + 123
      await store.db
        .insertInto('runs')
        .values({
          run_uuid: 'r1',
          experiment_id: '0',
          run_name: 'r',
          user_id: 'u',
          status: 'RUNNING',
          start_time: t,
          end_time: null,
          lifecycle_stage: 'active',
          artifact_uri: 'file:///x',
          deleted_time: null,
        })
        .execute()
      const values = [
        0.1 + 0.2,
        -1e-300,
        1.7976931348623157e308,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
      ]
      for (const [i, value] of values.entries()) {
        await store.db
          .insertInto('metrics')
          .values({ run_uuid: 'r1', key: 'k', value, timestamp: t, step: i, is_nan: 0 })
          .execute()
      }
      const run = await store.db.selectFrom('runs').selectAll().executeTakeFirstOrThrow()
      expect(run.start_time).toBe(t)
      expect(typeof run.start_time).toBe('number')
      const rows = await store.db.selectFrom('metrics').select(['value', 'step']).orderBy('step').execute()
      expect(rows.map((r) => r.value)).toEqual(values)
      expect(rows.map((r) => r.step)).toEqual([0, 1, 2, 3, 4])
    })

    it('reports unique violations in a backend-neutral way', async () => {
      await store.db.insertInto('experiments').values(experiment('1', 'a')).execute()
      const err = await store.db
        .insertInto('experiments')
        .values(experiment('2', 'a'))
        .execute()
        .catch((e: unknown) => e)
      expect(isUniqueViolation(err)).toBe(true)
    })

    it('hands out sequence values without gaps or repeats under concurrency', async () => {
      const other = await reopen()
      extra.push(other)
      const got = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? other : store).transaction((trx) => (i % 2 ? other : store).nextSequenceValue('exp', trx)),
        ),
      )
      expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
      expect(await store.nextSequenceValue('other')).toBe(1)
    })

    it('keeps concurrent writers from two handles apart without losing rows', async () => {
      const other = await reopen()
      extra.push(other)
      await Promise.all(
        [store, other].map((s, w) =>
          Promise.all(
            Array.from({ length: 25 }, (_, i) =>
              s.transaction(async (trx) => {
                await trx
                  .insertInto('params')
                  .values({ run_uuid: `w${w}`, key: `k${i}`, value: String(i) })
                  .execute()
              }),
            ),
          ),
        ),
      )
      const count = await store.db
        .selectFrom('params')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow()
      expect(Number(count.n)).toBe(50)
    })
  })
}

function experiment(id: string, name: string) {
  return {
    experiment_id: id,
    name,
    artifact_location: `file:///tmp/${id}`,
    lifecycle_stage: 'active',
    creation_time: 1,
    last_update_time: 1,
  }
}
