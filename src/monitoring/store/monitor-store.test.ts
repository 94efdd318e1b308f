import { createPostgresDatabase, useService } from '../../../test/support/use-service.js'
import { openMetadataStore } from '../../store/index.js'
import { tempMetadataStore } from '../test-support/temp-store.js'
import { monitorStoreContract } from './monitor-store.contract.js'

monitorStoreContract('SQLite', tempMetadataStore)

const pg = useService('postgres')
if (!pg.skip) {
  monitorStoreContract('PostgreSQL', async () => {
    const store = await openMetadataStore(await createPostgresDatabase(pg.require()))
    return { store, cleanup: () => store.close() }
  })
}
