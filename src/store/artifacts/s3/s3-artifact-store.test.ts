import { describe, expect, it } from 'vitest'
import { createBucket, testS3Credentials, useService } from '../../../../test/support/use-service.js'
import { describeArtifactStoreContract } from '../artifact-store.contract.js'
import { openArtifactStore } from '../open.js'
import { S3ArtifactStore } from './s3-artifact-store.js'

const s3 = useService('s3')

describeArtifactStoreContract(
  's3',
  async () => {
    const endpoint = s3.require()
    const bucket = await createBucket(endpoint)
    return new S3ArtifactStore({ bucket, prefix: 'team/cairn', endpoint, client: testS3Credentials })
  },
  { skip: s3.skip },
)

describe.skipIf(s3.skip)('s3 artifact store', () => {
  it('opens from s3:// URIs with the prefix', async () => {
    const endpoint = s3.require()
    const bucket = await createBucket(endpoint)
    const store = openArtifactStore(`s3://${bucket}/some/prefix/`, {
      s3: { endpoint, client: testS3Credentials },
    })
    expect(store.uri).toBe(`s3://${bucket}/some/prefix`)
    await store.put('k.txt', 'v')
    expect(store.uriFor('k.txt')).toBe(`s3://${bucket}/some/prefix/k.txt`)
    await store.close()
  })

  it('answers a bucket that does not exist with a clear error', async () => {
    const store = new S3ArtifactStore({
      bucket: 'no-such-bucket-cairn',
      endpoint: s3.require(),
      client: testS3Credentials,
    })
    await expect(store.put('x', 'y')).rejects.toMatchObject({ code: expect.stringMatching(/^CAIRN_/) })
    await store.close()
  })
})
