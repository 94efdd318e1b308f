import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'vitest'
import { createPostgresDatabase, useService } from '../../../test/support/use-service.js'
import { openArtifactStore, openMetadataStore } from '../../store/index.js'
import { trackingClientContract } from '../tracking-client.contract.js'
import { StoreTrackingClient } from './store-tracking-client.js'

trackingClientContract('store on SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-tracking-'))
  const metadata = await openMetadataStore(`sqlite:///${join(dir, 'cairn.db')}`)
  const artifacts = openArtifactStore(join(dir, 'artifacts'))
  const client = new StoreTrackingClient({ metadata, artifacts, ownsStores: true })
  return {
    client,
    async cleanup() {
      await client.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
})

describe('PostgreSQL', () => {
  const pg = useService('postgres')
  if (pg.skip) it.skip('needs PostgreSQL', () => {})
  else
    trackingClientContract('store on PostgreSQL', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cairn-tracking-'))
      const metadata = await openMetadataStore(await createPostgresDatabase(pg.require()))
      const artifacts = openArtifactStore(join(dir, 'artifacts'))
      const client = new StoreTrackingClient({ metadata, artifacts, ownsStores: true })
      return {
        client,
        async cleanup() {
          await client.close()
          await rm(dir, { recursive: true, force: true })
        },
      }
    })
})
