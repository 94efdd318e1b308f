import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import type { StoreTrackingClient } from '../../tracking/index.js'
import { diffMetrics, diffParams, readSnapshot } from '../metrics/refs.js'
import { renderPlotsPage } from '../plots/plots-page.js'
import { RunRecords } from '../records/run-records.js'
import { runPipeline } from '../run/run-pipeline.js'
import { makeProject, type TestProject } from '../testing/fixture.js'
import { openPipelineWorkspace, type PipelineWorkspace } from '../workspace.js'
import { applyExperiment, compareExperiments } from './apply-experiment.js'
import { expandOverrides, parseOverride } from './overrides.js'
import { runExperiments, runQueuedExperiments } from './run-experiments.js'

const PROJECT = {
  'cairn.yaml': `
stages:
  prepare:
    cmd: echo prepared > prepared.txt && echo prepare >> \${counter}
    outs: [prepared.txt]
  train:
    cmd: sh train.sh \${train.depth} \${train.lr}
    deps: [prepared.txt, train.sh]
    outs: [model.txt]
    metrics: [metrics.json]
    plots:
      - loss.csv:
          x: step
          y: loss
`,
  'train.sh': `echo "model $1 $2" > model.txt
echo "{\\"score\\": $(( $1 * 10 ))}" > metrics.json
printf 'step,loss\\n1,%s\\n2,%s\\n' $(( 100 / $1 )) $(( 50 / $1 )) > loss.csv
sleep 0.3
`,
}

let p: TestProject | undefined
let ws: PipelineWorkspace | undefined
afterEach(async () => {
  await ws?.close()
  await p?.dispose()
  p = undefined
  ws = undefined
})

async function setup(): Promise<{ project: TestProject; workspace: PipelineWorkspace; counter: string }> {
  const project = await makeProject(PROJECT)
  const counter = join(project.root, '..', `${project.root.split('/').pop()}-counter.log`)
  onTestFinished(() => rm(counter, { force: true }))
  await project.write(
    'params.yaml',
    `# training settings\ntrain:\n  depth: 2 # tree depth\n  lr: 0.1\ncounter: ${counter}\n`,
  )
  p = project
  const workspace = await openPipelineWorkspace({ cwd: project.root })
  ws = workspace
  const first = await runPipeline({
    project: workspace.project,
    artifacts: await workspace.artifacts(),
    metadata: async () => (await workspace.metadata()) as never,
  })
  expect(first.ok).toBe(true)
  return { project, workspace, counter }
}

describe('overrides', () => {
  it('parses values, files, new keys and sweeps into a grid', () => {
    expect(parseOverride('train.lr=0.1')).toEqual({
      file: 'params.yaml',
      key: 'train.lr',
      values: [0.1],
      add: false,
    })
    expect(parseOverride('conf.yaml:model=gbdt')).toEqual({
      file: 'conf.yaml',
      key: 'model',
      values: ['gbdt'],
      add: false,
    })
    expect(parseOverride('+train.new=[1, 2]').values).toEqual([[1, 2]])
    expect(parseOverride('d=range(2,8,2)').values).toEqual([2, 4, 6])
    expect(parseOverride('m=choice(a,b)').values).toEqual(['a', 'b'])
    expect(expandOverrides([parseOverride('a=1,2'), parseOverride('b=x,y')])).toEqual([
      { 'params.yaml': { a: 1, b: 'x' } },
      { 'params.yaml': { a: 1, b: 'y' } },
      { 'params.yaml': { a: 2, b: 'x' } },
      { 'params.yaml': { a: 2, b: 'y' } },
    ])
    expect(() => parseOverride('nokey')).toThrow(/expected key=value/)
  })
})

describe('experiments', () => {
  it('runs a sweep in parallel, tracked, without touching the workspace; common stages run once', async () => {
    const { project, workspace, counter } = await setup()
    const paramsBefore = await project.read('params.yaml')
    const modelBefore = await project.read('model.txt')
    const exps = await runExperiments({
      workspace,
      overrides: [parseOverride('train.depth=3,4,5')],
      name: 'depth',
      jobs: 3,
    })
    expect(exps.map((e) => [e.name, e.status])).toEqual([
      ['depth-1', 'succeeded'],
      ['depth-2', 'succeeded'],
      ['depth-3', 'succeeded'],
    ])
    // the three train stages ran at the same time
    const records = new RunRecords((await workspace.metadata()) as never)
    const spans = await Promise.all(
      exps.map(async (e) => (await records.listStageRuns(e.runId as string))[0]),
    )
    expect(Math.max(...spans.map((s) => s?.startTime ?? 0))).toBeLessThan(
      Math.min(...spans.map((s) => s?.endTime ?? 0)),
    )
    expect(exps.map((e) => e.metrics['metrics.json']?.score)).toEqual([30, 40, 50])
    expect(exps[2]?.params['params.yaml']?.['train.depth']).toBe(5)
    expect(await project.read('params.yaml')).toBe(paramsBefore)
    expect(await project.read('model.txt')).toBe(modelBefore)
    // prepare did not depend on the param: it stayed up to date in every experiment
    expect((await readFile(counter, 'utf8')).trim().split('\n')).toEqual(['prepare'])

    // each experiment is a tracking run with its params and metrics
    const tracking = (await workspace.tracking()) as StoreTrackingClient
    const run = await tracking.getRun(exps[1]?.trackingRunId as string)
    expect(run.info.runName).toBe('depth-2')
    expect(run.data.params['train.depth']).toBe('4')
    expect(run.data.metrics.score?.value).toBe(40)
    expect(run.data.tags['cairn.exp']).toBe('depth-2')
    // and its stage runs are recorded with their pipeline run
    const stageRuns = await new RunRecords((await workspace.metadata()) as never).listStageRuns(
      exps[1]?.runId as string,
    )
    expect(stageRuns.map((s) => [s.stage, s.status, s.cacheHit])).toEqual([['train', 'succeeded', false]])
    expect(stageRuns[0]?.trackingRunId).toBeTruthy()
  })

  it('shows experiments side by side, diffs them, plots them and applies one', async () => {
    const { project, workspace } = await setup()
    await runExperiments({
      workspace,
      overrides: [parseOverride('train.depth=4'), parseOverride('train.lr=0.5')],
      name: 'big',
    })
    const table = await compareExperiments(workspace)
    expect(table.rows.map((r) => r.name)).toEqual(['workspace', 'big'])
    expect(table.paramColumns).toEqual(['train.depth', 'train.lr'])
    expect(table.metricColumns).toEqual(['score'])
    expect(table.rows.map((r) => r.metrics.score)).toEqual([20, 40])

    const [a, b] = await Promise.all([readSnapshot(workspace, 'workspace'), readSnapshot(workspace, 'big')])
    expect(diffParams(a, b)).toEqual([
      { file: 'params.yaml', key: 'train.depth', old: 2, new: 4 },
      { file: 'params.yaml', key: 'train.lr', old: 0.1, new: 0.5 },
    ])
    expect(diffMetrics(a, b)).toEqual([
      { file: 'metrics.json', key: 'score', old: 20, new: 40, change: 20, percent: 100 },
    ])

    const page = await renderPlotsPage(workspace, { refs: ['workspace', 'big'] })
    expect(page.charts).toBe(2)
    expect(page.html).toContain('<svg')
    expect(page.html).toContain('>big</text>')
    expect(page.html).not.toMatch(/<script|src="http|href="http/)

    const applied = await applyExperiment(workspace, 'big')
    expect(
      applied.outputs
        .filter((o) => o.status === 'restored')
        .map((o) => o.path)
        .sort(),
    ).toEqual(['loss.csv', 'metrics.json', 'model.txt'])
    expect(await project.read('params.yaml')).toContain('depth: 4 # tree depth')
    expect(await project.read('params.yaml')).toContain('# training settings')
    expect(JSON.parse(await project.read('metrics.json'))).toEqual({ score: 40 })
    // the applied state is up to date: nothing runs
    const again = await runPipeline({
      project: (await openPipelineWorkspace({ cwd: project.root })).project,
      artifacts: await workspace.artifacts(),
    })
    expect(again.stages.map((s) => s.status)).toEqual(['up-to-date', 'up-to-date'])
  })

  it('queues experiments and runs them later', async () => {
    const { workspace } = await setup()
    const queued = await runExperiments({
      workspace,
      overrides: [parseOverride('train.depth=range(3,5)')],
      queue: true,
    })
    expect(queued.map((q) => q.status)).toEqual(['queued', 'queued'])
    const ran = await runQueuedExperiments({ workspace, jobs: 2 })
    expect(ran.map((r) => r.status)).toEqual(['succeeded', 'succeeded'])
    expect(await runQueuedExperiments({ workspace })).toEqual([])
  })

  it('refuses an override of a param that does not exist', async () => {
    const { workspace } = await setup()
    await expect(
      runExperiments({ workspace, overrides: [parseOverride('train.dpeth=3')] }),
    ).rejects.toMatchObject({
      code: 'CAIRN_PARAM_UNDEFINED',
      message: "-S train.dpeth: params.yaml has no param 'train.dpeth'",
    })
  })
})
