import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { type RunningService, startPostgres, startRedis, startS3 } from './support/services.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** `{url}` of a real PostgreSQL server (database `postgres`, user `postgres`), or `{error}`. */
    postgres: { url?: string; error?: string }
    /** `{url}` of a real S3-compatible endpoint, or `{error}`. */
    s3: { url?: string; error?: string }
    /** `{url}` of a real redis-server, or `{error}`. */
    redis: { url?: string; error?: string }
    /** A folder for this run only (removed at the end): what `oncePerRun` shares between test files. */
    scratch: string
  }
}

/**
 * Start the real services the tests use, once per run. Set `CAIRN_TEST_SERVICES=none` to start
 * none (tests that need them then skip locally and fail on CI).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const wanted = process.env.CAIRN_TEST_SERVICES ?? 'postgres,s3,redis'
  const start = async (name: string, fn: () => Promise<RunningService>): Promise<RunningService> =>
    wanted.split(',').includes(name)
      ? fn()
      : { info: { error: `${name} was not started (CAIRN_TEST_SERVICES=${wanted})` }, stop: async () => {} }
  const [postgres, s3, redis] = await Promise.all([
    start('postgres', startPostgres),
    start('s3', startS3),
    start('redis', startRedis),
  ])
  project.provide('postgres', postgres.info)
  project.provide('s3', s3.info)
  project.provide('redis', redis.info)
  const scratch = await mkdtemp(join(tmpdir(), 'cairn-test-run-'))
  project.provide('scratch', scratch)
  return async () => {
    await rm(scratch, { recursive: true, force: true })
    await Promise.all([postgres.stop(), s3.stop(), redis.stop()])
  }
}
