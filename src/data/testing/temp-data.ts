import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import {
  type ArtifactStore,
  type MetadataStore,
  openArtifactStore,
  openMetadataStore,
} from '../../store/index.js'
import { createDataService, type DataService } from '../service/data-service.js'

/** A temp folder removed after the test file. */
export function tempDir(prefix = 'cairn-data-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Write a text file into `dir` and return its path. */
export function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

/** A data service on SQLite and local files in a temp folder. */
export async function localDataService(dir: string): Promise<{
  data: DataService
  metadata: MetadataStore
  artifacts: ArtifactStore
  close(): Promise<void>
}> {
  const metadata = await openMetadataStore(`sqlite:///${join(dir, 'cairn.db')}`)
  const artifacts = openArtifactStore(join(dir, 'artifacts'))
  const data = await createDataService({ metadata, artifacts, cacheDir: join(dir, 'cache') })
  return {
    data,
    metadata,
    artifacts,
    async close() {
      await data.close()
      await artifacts.close()
      await metadata.close()
    },
  }
}
