import { randomBytes } from 'node:crypto'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import pg from 'pg'
import { beforeAll, inject } from 'vitest'

type Name = 'postgres' | 's3' | 'redis'

/**
 * A real service for a test file. When it is missing: on CI (`CI=true`) `skip` is false and the
 * file's tests fail with a message naming the component; on a laptop `skip` is true.
 */
export function useService(name: Name): { skip: boolean; url: string | undefined; require(): string } {
  const info = inject(name)
  const missing = info.url === undefined
  const ci = process.env.CI === 'true' || process.env.CI === '1'
  if (missing && ci) {
    beforeAll(() => {
      throw new Error(`This test needs ${name} and CI must have it: ${info.error}`)
    })
  }
  return {
    skip: missing && !ci,
    url: info.url,
    require() {
      if (!info.url) throw new Error(`This test needs ${name}: ${info.error}`)
      return info.url
    },
  }
}

/** Create an empty PostgreSQL database on the test server and return its URL. */
export async function createPostgresDatabase(serverUrl: string): Promise<string> {
  const name = `cairn_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(`create database ${name}`)
  } finally {
    await client.end()
  }
  return serverUrl.replace(/\/[^/]*$/, `/${name}`)
}

/** Create an empty bucket on the test S3 endpoint and return its name. */
export async function createBucket(endpoint: string): Promise<string> {
  const bucket = `cairn-${randomBytes(6).toString('hex')}`
  const client = testS3Client(endpoint)
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
  client.destroy()
  return bucket
}

/** An S3 client for the test endpoint (any credentials work there). */
export function testS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: testS3Credentials.credentials,
  })
}

/** Credentials for the test S3 endpoint, in the shape S3ArtifactStore's `client` option takes. */
export const testS3Credentials = { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }
