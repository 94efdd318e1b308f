import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useService } from '../../../../test/support/use-service.js'
import { shortId } from '../../../core/index.js'
import { HashCache } from '../../hashing/hash-cache.js'
import { makeProject, statuses } from '../../testing/fixture.js'
import { createRedisExecutor, startStageWorker } from './load.js'
import type { StageWorker } from './stage-worker.js'

const redis = useService('redis')

describe.skipIf(redis.skip)('RedisExecutor with cairn workers (BullMQ on a real redis-server)', () => {
  const queue = `cairn-test-${shortId(4)}`
  let workDir: string
  const workers: StageWorker[] = []
  const ran: string[] = []

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'cairn-worker-'))
  })
  afterAll(async () => {
    for (const w of workers) await w.close()
    await rm(workDir, { recursive: true, force: true })
  })

  it('runs stages on workers that only share the artifact store, and brings the outputs back', async () => {
    const p = await makeProject({
      'cairn.yaml': `
stages:
  split:
    cmd: mkdir -p parts && split -l 2 data/rows.txt parts/p- && echo "\${scale}" > scale.txt
    deps: [data/rows.txt]
    params: [scale]
    outs: [parts, scale.txt]
  count_a:
    cmd: wc -l < parts/p-aa > count-a.txt
    deps: [parts]
    outs: [count-a.txt]
  count_b:
    cmd: wc -l < parts/p-ab > count-b.txt
    deps: [parts]
    outs: [count-b.txt]
  total:
    cmd: cat count-a.txt count-b.txt > total.txt && cat params.yaml >> total.txt
    deps: [count-a.txt, count-b.txt]
    params: [scale]
    outs: [total.txt]
  broken:
    cmd: echo failing on purpose >&2 && exit 4
    outs: [never.txt]
`,
      'params.yaml': 'scale: 3\n',
      'data/rows.txt': 'a\nb\nc\nd\n',
    })
    try {
      for (let i = 0; i < 2; i++) {
        workers.push(
          await startStageWorker({
            url: redis.require(),
            queue,
            artifacts: p.artifacts,
            workDir: join(workDir, `w${i}`),
            onJob: (e) => e.state === 'started' && ran.push(e.stage),
          }),
        )
      }
      const executor = await createRedisExecutor({
        url: redis.require(),
        queue,
        artifacts: p.artifacts,
        hashCache: await HashCache.open(),
      })
      try {
        const result = await p.run({ executor, keepGoing: true })
        expect(statuses(result)).toEqual({
          split: 'ran',
          count_a: 'ran',
          count_b: 'ran',
          total: 'ran',
          broken: 'failed',
        })
        expect(await p.read('total.txt')).toBe('2\n2\nscale: 3\n')
        expect(await p.read('parts/p-ab')).toBe('c\nd\n')
        expect(ran.sort()).toEqual(['broken', 'count_a', 'count_b', 'split', 'total'])
        const broken = result.stages.find((s) => s.id === 'broken')
        expect(broken?.error?.message).toContain("Stage 'broken' failed: its command exited with code 4")
        expect(broken?.error?.message).toContain('failing on purpose')

        // a second run is a no-op; the workers see nothing
        const again = await p.run({ executor, targets: ['total'] })
        expect(again.stages.every((s) => s.status === 'up-to-date')).toBe(true)
        expect(ran).toHaveLength(5)
      } finally {
        await executor.close()
      }
    } finally {
      await p.dispose()
    }
  })
})
