import { join } from 'node:path'
import {
  createBucket,
  createPostgresDatabase,
  testS3Credentials,
  useService,
} from '../../../test/support/use-service.js'
import { openMetadataStore, S3ArtifactStore } from '../../store/index.js'
import { createDataService } from '../service/data-service.js'
import { tempDir } from '../testing/temp-data.js'
import { describeDatasetStoreContract } from './dataset-store.contract.js'

const postgres = useService('postgres')
const s3 = useService('s3')

const dir = tempDir()

describeDatasetStoreContract(
  'PostgreSQL and S3',
  async () => {
    const metadata = await openMetadataStore(await createPostgresDatabase(postgres.require()))
    const endpoint = s3.require()
    const artifacts = new S3ArtifactStore({
      bucket: await createBucket(endpoint),
      prefix: 'team',
      endpoint,
      client: testS3Credentials,
    })
    const data = await createDataService({ metadata, artifacts, cacheDir: join(dir, 'cache') })
    return {
      data,
      artifacts,
      dir,
      async close() {
        await data.close()
        await artifacts.close()
        await metadata.close()
      },
    }
  },
  { skip: postgres.skip || s3.skip },
)
