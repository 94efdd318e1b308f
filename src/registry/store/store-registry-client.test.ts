import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'vitest'
import { createPostgresDatabase, useService } from '../../../test/support/use-service.js'
import { openArtifactStore, openMetadataStore } from '../../store/index.js'
import { StoreTrackingClient } from '../../tracking/index.js'
import { registryClientContract } from '../registry-client.contract.js'
import { StoreRegistryClient } from './store-registry-client.js'

async function fixture(metadataUri: (dir: string) => Promise<string>) {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-registry-'))
  const metadata = await openMetadataStore(await metadataUri(dir))
  const artifacts = openArtifactStore(join(dir, 'artifacts'))
  const tracking = new StoreTrackingClient({ metadata, artifacts })
  const registry = new StoreRegistryClient({ metadata, artifacts, tracking })
  return {
    registry,
    tracking,
    async cleanup() {
      await registry.close()
      await tracking.close()
      await metadata.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

registryClientContract('store on SQLite', () => fixture(async (dir) => `sqlite:///${join(dir, 'cairn.db')}`))

describe('PostgreSQL', () => {
  const pg = useService('postgres')
  if (pg.skip) it.skip('needs PostgreSQL', () => {})
  else
    registryClientContract('store on PostgreSQL', () => fixture(() => createPostgresDatabase(pg.require())))
})
