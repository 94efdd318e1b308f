import { join } from 'node:path'
import { localDataService, tempDir } from '../testing/temp-data.js'
import { describeDatasetStoreContract } from './dataset-store.contract.js'

const dir = tempDir()

describeDatasetStoreContract('SQLite and local files', async () => {
  const s = await localDataService(join(dir))
  return { data: s.data, artifacts: s.artifacts, dir, close: s.close }
})
