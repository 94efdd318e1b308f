import { afterEach, describe, expect, it } from 'vitest'
import { createDataService } from '../../data/index.js'
import { StoreRegistryClient } from '../../registry/index.js'
import { readLockFile } from '../lock/lock-file.js'
import { makeProject, type TestProject } from '../testing/fixture.js'
import { openPipelineWorkspace, type PipelineWorkspace } from '../workspace.js'
import { runPipeline } from './run-pipeline.js'

let p: TestProject | undefined
let ws: PipelineWorkspace | undefined
afterEach(async () => {
  await ws?.close()
  await p?.dispose()
})

describe('data: and models:/ deps', () => {
  it('resolve through dataset versions and the registry; a new version or a moved alias reruns the stage', async () => {
    p = await makeProject({
      'cairn.yaml': `
stages:
  score:
    cmd: echo scored > scores.txt
    deps: ['data:housing@latest', 'models:/pricer@champion']
    outs: [scores.txt]
`,
    })
    ws = await openPipelineWorkspace({ cwd: p.root })
    const workspace = ws
    const metadata = (await workspace.metadata()) as NonNullable<
      Awaited<ReturnType<typeof workspace.metadata>>
    >
    const artifacts = await workspace.artifacts()
    const data = await createDataService({ metadata, artifacts, cacheDir: `${p.root}/.cache` })
    const registry = new StoreRegistryClient({ metadata, artifacts })
    try {
      await data.datasets.write('housing', await data.fromFrame([{ rooms: 3 }, { rooms: 4 }]))
      await registry.createRegisteredModel({ name: 'pricer' })
      const v1 = await registry.createModelVersion({ name: 'pricer', source: 'file:///models/v1' })
      const v2 = await registry.createModelVersion({ name: 'pricer', source: 'file:///models/v2' })
      await registry.setAlias('pricer', 'champion', v1.version)

      const run = () =>
        runPipeline({ project: workspace.project, artifacts, resolvers: workspace.resolvers() })
      expect((await run()).stages[0]?.status).toBe('ran')
      const deps = (await readLockFile(p.root)).get('default')?.get('score')?.deps
      expect(deps?.map((d) => ('uri' in d ? [d.uri, d.version] : []))).toEqual([
        ['data:housing@latest', expect.stringMatching(/^[0-9a-f]{16}$/)],
        ['models:/pricer@champion', '1'],
      ])
      expect((await run()).stages[0]?.status).toBe('up-to-date')

      await registry.setAlias('pricer', 'champion', v2.version)
      const moved = await run()
      expect(moved.stages[0]?.status).toBe('ran')
      expect(moved.stages[0]?.reasons).toContainEqual(
        expect.objectContaining({ kind: 'dep-changed', path: 'models:/pricer@champion', version: '2' }),
      )

      await data.datasets.write('housing', await data.fromFrame([{ rooms: 5 }]))
      const newData = await run()
      expect(newData.stages[0]?.reasons).toContainEqual(
        expect.objectContaining({ kind: 'dep-changed', path: 'data:housing@latest' }),
      )
    } finally {
      await data.close()
      await registry.close()
    }
  })

  it('names the stage and the reference when it cannot be resolved', async () => {
    p = await makeProject({
      'cairn.yaml':
        "stages:\n  s:\n    cmd: echo x > x.txt\n    deps: ['models:/nope@prod']\n    outs: [x.txt]\n",
    })
    ws = await openPipelineWorkspace({ cwd: p.root })
    const result = await runPipeline({ project: ws.project, resolvers: ws.resolvers() })
    expect(result.error?.code).toBe('CAIRN_DEPENDENCY_MISSING')
    expect(result.error?.message).toMatch(
      /^Stage 's' depends on models:\/nope@prod, which cannot be resolved: .*nope/,
    )
  })
})
