import { describe, expect, it } from 'vitest'
import { createPostgresDatabase, useService } from '../../../../test/support/use-service.js'
import { describeMetadataStoreContract } from '../metadata-store.contract.js'
import { openMetadataStore } from '../open.js'

const postgres = useService('postgres')

describeMetadataStoreContract(
  'postgres',
  {
    async create() {
      const uri = await createPostgresDatabase(postgres.require())
      return { store: await openMetadataStore(uri), reopen: () => openMetadataStore(uri) }
    },
  },
  { skip: postgres.skip },
)

describe.skipIf(postgres.skip)('postgres specifics', () => {
  it('migrates once when many processes open the same database at once', async () => {
    const uri = await createPostgresDatabase(postgres.require())
    const stores = await Promise.all(Array.from({ length: 6 }, () => openMetadataStore(uri)))
    for (const s of stores) expect((await s.appliedMigrations()).length).toBeGreaterThan(0)
    await Promise.all(stores.map((s) => s.close()))
  })

  it('says the store is unavailable when the server does not answer', async () => {
    await expect(openMetadataStore('postgresql://nobody@127.0.0.1:1/none')).rejects.toMatchObject({
      code: 'CAIRN_STORE_UNAVAILABLE',
    })
  })
})
