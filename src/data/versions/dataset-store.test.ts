import { join } from 'node:path'
import { localDataService, tempDir } from '../testing/temp-data.js'
import { describeDatasetStoreContract } from './dataset-store.contract.js'

describeDatasetStoreContract('SQLite and local files', async () => {
  const dir = tempDir()
  const s = await localDataService(join(dir))
  return { data: s.data, artifacts: s.artifacts, dir, close: s.close }
})
