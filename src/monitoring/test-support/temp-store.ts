import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type MetadataStore, openMetadataStore } from '../../store/index.js'

/** A fresh SQLite metadata store in a temporary directory; `cleanup` closes and removes it. */
export async function tempMetadataStore(): Promise<{
  store: MetadataStore
  dir: string
  cleanup(): Promise<void>
}> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-monitoring-'))
  const store = await openMetadataStore(`sqlite://${join(dir, 'cairn.db')}`)
  return {
    store,
    dir,
    async cleanup() {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
