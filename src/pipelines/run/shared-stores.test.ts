import { describe, expect, it } from 'vitest'
import {
  createBucket,
  createPostgresDatabase,
  testS3Credentials,
  useService,
} from '../../../test/support/use-service.js'
import { openMetadataStore, S3ArtifactStore } from '../../store/index.js'
import { RunRecords } from '../records/run-records.js'
import { makeProject, statuses } from '../testing/fixture.js'

const pg = useService('postgres')
const s3 = useService('s3')

const FILES = {
  'cairn.yaml': `
stages:
  features:
    cmd: mkdir -p feats && sort data.txt > feats/sorted.txt && wc -l < data.txt > feats/count.txt
    deps: [data.txt]
    outs: [feats]
  train:
    cmd: cat feats/sorted.txt feats/count.txt > model.txt
    deps: [feats]
    outs: [model.txt]
`,
  'data.txt': 'c\na\nb\n',
}

describe.skipIf(pg.skip || s3.skip)('pipelines on shared stores (PostgreSQL + S3)', () => {
  it('a second machine restores every stage from the S3 cache; runs are recorded in PostgreSQL', async () => {
    const metadata = await openMetadataStore(await createPostgresDatabase(pg.require()))
    const endpoint = s3.require()
    const artifacts = new S3ArtifactStore({
      bucket: await createBucket(endpoint),
      prefix: 'cairn',
      endpoint,
      client: testS3Credentials,
    })
    const laptop = await makeProject(FILES)
    const ci = await makeProject(FILES)
    try {
      const first = await laptop.run({ artifacts, metadata })
      expect(statuses(first)).toEqual({ features: 'ran', train: 'ran' })
      const second = await ci.run({ artifacts, metadata })
      expect(statuses(second)).toEqual({ features: 'restored', train: 'restored' })
      expect(await ci.read('model.txt')).toBe('a\nb\nc\n3\n')
      expect(await ci.read('feats/count.txt')).toBe(await laptop.read('feats/count.txt'))

      const records = new RunRecords(metadata)
      const runs = await records.listRuns()
      expect(runs.map((r) => [r.status, r.stagesRan, r.stagesCached])).toEqual([
        ['succeeded', 0, 2],
        ['succeeded', 2, 0],
      ])
      const stages = await records.listStageRuns(first.runId)
      expect(stages.map((s) => [s.stage, s.status, s.attempts])).toEqual([
        ['features', 'succeeded', 1],
        ['train', 'succeeded', 1],
      ])
      expect(stages[0]?.logUri).toMatch(/^s3:\/\//)
      expect(stages[0]?.durationMs).toBeGreaterThanOrEqual(0)
      const cached = await records.listStageRuns(second.runId)
      expect(cached.every((s) => s.cacheHit && s.status === 'cached')).toBe(true)
    } finally {
      await laptop.dispose()
      await ci.dispose()
      await artifacts.close()
      await metadata.close()
    }
  })
})
