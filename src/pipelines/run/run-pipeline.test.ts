import { existsSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { loadProjectConfig } from '../../core/index.js'
import { StageCache } from '../cache/stage-cache.js'
import { loadPipelines } from '../definition/load-pipelines.js'
import { readLockFile } from '../lock/lock-file.js'
import { makeProject, statuses, type TestProject } from '../testing/fixture.js'
import { checkoutOutputs } from './checkout.js'

const THREE_STAGES = `
stages:
  prepare:
    cmd: tr a-z A-Z < data/raw.txt > data/prepared.txt && echo run >> runs.log
    deps: [data/raw.txt]
    params: [prepare.mode]
    outs: [data/prepared.txt]
  train:
    cmd: sh train.sh \${train.depth} && echo run >> runs.log
    deps: [data/prepared.txt, train.sh]
    outs: [model/model.txt]
    metrics: [metrics.json]
  report:
    cmd: cat metrics.json data/prepared.txt > report.txt && echo run >> runs.log
    deps: [metrics.json, data/prepared.txt]
    outs: [report.txt]
`

const TRAIN_SH = `mkdir -p model
wc -c < data/prepared.txt > model/model.txt
echo "depth $1" >> model/model.txt
echo "{\\"rmse\\": $(( 100 / $1 )), \\"depth\\": $1}" > metrics.json
`

let p: TestProject | undefined
afterEach(async () => {
  await p?.dispose()
  p = undefined
})

async function threeStages(): Promise<TestProject> {
  p = await makeProject({
    'cairn.yaml': THREE_STAGES,
    'params.yaml': 'prepare:\n  mode: upper\ntrain:\n  depth: 4\n',
    'data/raw.txt': 'hello world\n',
    'train.sh': TRAIN_SH,
  })
  return p
}

async function runsLogged(project: TestProject): Promise<number> {
  return (await project.read('runs.log').catch(() => '')).split('\n').filter(Boolean).length
}

describe('runPipeline', () => {
  it('runs every stage once, then nothing on a second run of an unchanged pipeline', async () => {
    const project = await threeStages()
    const first = await project.run()
    expect(first.ok).toBe(true)
    expect(statuses(first)).toEqual({ prepare: 'ran', train: 'ran', report: 'ran' })
    expect(await project.read('data/prepared.txt')).toBe('HELLO WORLD\n')
    expect(JSON.parse(await project.read('metrics.json'))).toEqual({ rmse: 25, depth: 4 })
    expect(await runsLogged(project)).toBe(3)

    const second = await project.run()
    expect(statuses(second)).toEqual({ prepare: 'up-to-date', train: 'up-to-date', report: 'up-to-date' })
    expect(await runsLogged(project)).toBe(3)
  })

  it('reruns exactly the stages that depend on a changed param', async () => {
    const project = await threeStages()
    await project.run()
    await project.write('params.yaml', 'prepare:\n  mode: upper\ntrain:\n  depth: 5\n')
    const result = await project.run()
    expect(statuses(result)).toEqual({ prepare: 'up-to-date', train: 'ran', report: 'ran' })
    expect(result.stages.find((s) => s.id === 'train')?.reasons).toContainEqual({
      kind: 'param-changed',
      file: 'params.yaml',
      key: 'train.depth',
      old: 4,
      new: 5,
    })
    expect(JSON.parse(await project.read('metrics.json'))).toEqual({ rmse: 20, depth: 5 })
  })

  it('restores from the cache when a run with the same key was seen, instead of running', async () => {
    const project = await threeStages()
    await project.run()
    const v1 = await project.read('model/model.txt')
    await project.write('params.yaml', 'prepare:\n  mode: upper\ntrain:\n  depth: 5\n')
    await project.run()
    await project.write('params.yaml', 'prepare:\n  mode: upper\ntrain:\n  depth: 4\n')
    const runsBefore = await runsLogged(project)
    const back = await project.run()
    expect(statuses(back)).toEqual({ prepare: 'up-to-date', train: 'restored', report: 'restored' })
    expect(await runsLogged(project)).toBe(runsBefore)
    expect(await project.read('model/model.txt')).toBe(v1)
  })

  it('reproduces byte-identical outputs from a previous lock file and the cache', async () => {
    const project = await threeStages()
    await project.run()
    const lock1 = await project.read('cairn.lock')
    const outs1 = await Promise.all(
      ['data/prepared.txt', 'model/model.txt', 'metrics.json', 'report.txt'].map((f) => project.read(f)),
    )
    await project.write('data/raw.txt', 'something else entirely\n')
    await project.write('params.yaml', 'prepare:\n  mode: upper\ntrain:\n  depth: 2\n')
    await project.run()
    expect(await project.read('report.txt')).not.toBe(outs1[3])

    // go back to the old lock file (as `git checkout HEAD~1 -- cairn.lock` would) and check out
    await writeFile(join(project.root, 'cairn.lock'), lock1)
    const cfg = await loadProjectConfig({ cwd: project.root })
    const entries = await checkoutOutputs({
      project: await loadPipelines({ root: project.root, file: cfg.file }),
      artifacts: project.artifacts,
    })
    expect(
      entries
        .filter((e) => e.status === 'restored')
        .map((e) => e.path)
        .sort(),
    ).toEqual(['data/prepared.txt', 'metrics.json', 'model/model.txt', 'report.txt'])
    const outs2 = await Promise.all(
      ['data/prepared.txt', 'model/model.txt', 'metrics.json', 'report.txt'].map((f) => project.read(f)),
    )
    expect(outs2).toEqual(outs1)
  })

  it('reuses the cache across workspaces sharing an artifact store (another clone, another machine)', async () => {
    const project = await threeStages()
    await project.run()
    const other = await makeProject({
      'cairn.yaml': THREE_STAGES,
      'params.yaml': 'prepare:\n  mode: upper\ntrain:\n  depth: 4\n',
      'data/raw.txt': 'hello world\n',
      'train.sh': TRAIN_SH,
    })
    try {
      const result = await other.run({ artifacts: project.artifacts })
      expect(statuses(result)).toEqual({ prepare: 'restored', train: 'restored', report: 'restored' })
      expect(await other.read('report.txt')).toBe(await project.read('report.txt'))
      expect(await runsLogged(other)).toBe(0)
    } finally {
      await other.dispose()
    }
  })

  it('runs independent stages in parallel up to jobs', async () => {
    const stages = Array.from(
      { length: 4 },
      (_, i) => `  s${i}:\n    cmd: sleep 0.8 && echo ${i} > out${i}.txt\n    outs: [out${i}.txt]\n`,
    ).join('')
    p = await makeProject({ 'cairn.yaml': `stages:\n${stages}` })
    const result = await p.run({ jobs: 4 })
    expect(result.ok).toBe(true)
    // all four were running at one moment: the last to start started before the first to end ended
    const starts = result.stages.map((s) => s.startedAt ?? 0)
    const ends = result.stages.map((s) => s.endedAt ?? 0)
    expect(Math.max(...starts)).toBeLessThan(Math.min(...ends))
  })

  it('with jobs 1 runs one stage at a time', async () => {
    const stages = Array.from(
      { length: 3 },
      (_, i) => `  s${i}:\n    cmd: sleep 0.2 && echo ${i} > out${i}.txt\n    outs: [out${i}.txt]\n`,
    ).join('')
    p = await makeProject({ 'cairn.yaml': `stages:\n${stages}` })
    const result = await p.run({ jobs: 1 })
    const spans = result.stages
      .map((s) => [s.startedAt ?? 0, s.endedAt ?? 0] as const)
      .sort((a, b) => a[0] - b[0])
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]?.[0]).toBeGreaterThanOrEqual(spans[i - 1]?.[1] ?? 0)
  })

  it('a failing stage names the stage and exit code, updates neither lock nor cache, and blocks its dependents', async () => {
    p = await makeProject({
      'cairn.yaml': `
stages:
  good:
    cmd: echo ok > good.txt
    outs: [good.txt]
  bad:
    cmd: echo partial > bad.txt && echo "boom on stderr" >&2 && exit 3
    outs: [bad.txt]
  after:
    cmd: cat bad.txt > after.txt
    deps: [bad.txt]
    outs: [after.txt]
`,
    })
    const result = await p.run({ keepGoing: true })
    expect(result.ok).toBe(false)
    expect(statuses(result)).toEqual({ good: 'ran', bad: 'failed', after: 'blocked' })
    const bad = result.stages.find((s) => s.id === 'bad')
    expect(bad?.error?.code).toBe('CAIRN_STAGE_FAILED')
    expect(bad?.error?.message).toContain("Stage 'bad' failed")
    expect(bad?.error?.message).toContain('exited with code 3')
    expect(bad?.error?.message).toContain('boom on stderr')
    expect(existsSync(join(p.root, 'bad.txt'))).toBe(false)
    const lock = await readLockFile(p.root)
    expect([...(lock.get('default')?.keys() ?? [])]).toEqual(['good'])
    const cache = new StageCache(p.artifacts)
    expect(bad?.key && (await cache.getRun(bad.key))).toBeFalsy()
    expect(await readFile(bad?.logFile as string, 'utf8')).toContain('boom on stderr')
  })

  it('a stage whose process is SIGKILLed mid-way leaves no output and runs again next time', async () => {
    const marker = join(tmpdir(), `cairn-killed-${process.pid}-${Date.now()}`)
    onTestFinished(() => rm(marker, { force: true }))
    p = await makeProject({
      'cairn.yaml': `
stages:
  work:
    cmd: sh work.sh
    deps: [work.sh]
    outs: [result.txt]
`,
      // the marker lives outside the workspace: what a failed stage wrote there is discarded
      'work.sh': `echo half > result.txt\nif [ ! -f ${marker} ]; then touch ${marker}; kill -9 $$; fi\necho done >> result.txt\n`,
    })
    const first = await p.run()
    expect(first.stages[0]?.status).toBe('failed')
    expect(first.stages[0]?.error?.message).toContain('SIGKILL')
    expect(existsSync(join(p.root, 'result.txt'))).toBe(false)
    expect((await readLockFile(p.root)).size).toBe(0)
    const second = await p.run()
    expect(second.stages[0]?.status).toBe('ran')
    expect(await p.read('result.txt')).toBe('half\ndone\n')
  })

  it('retries a failing stage with backoff', async () => {
    // files a failed attempt writes in the workspace are discarded, so the counter lives outside
    const counter = join(tmpdir(), `cairn-tries-${process.pid}-${Date.now()}`)
    onTestFinished(() => rm(counter, { force: true }))
    p = await makeProject({
      'cairn.yaml': `
stages:
  flaky:
    cmd: n=$(cat ${counter} 2>/dev/null || echo 0); echo $((n+1)) > ${counter}; [ $n -ge 2 ] && echo ok > out.txt
    outs: [out.txt]
    retries: 3
    retry_delay: 50ms
`,
    })
    const events: string[] = []
    const result = await p.run({
      onEvent: (e) => e.type === 'stage' && e.state === 'retrying' && events.push(e.detail ?? ''),
    })
    expect(result.ok).toBe(true)
    expect(result.stages[0]?.attempts).toBe(3)
    expect(events).toHaveLength(2)
    expect(events[0]).toMatch(/exited with code 1; retry in \d+ ms/)
  })

  it('times a stage out, kills it and fails it with CAIRN_STAGE_TIMEOUT', async () => {
    p = await makeProject({
      'cairn.yaml':
        'stages:\n  slow:\n    cmd: sleep 30 && echo x > out.txt\n    outs: [out.txt]\n    timeout: 300ms\n',
    })
    const t0 = Date.now()
    const result = await p.run()
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(result.stages[0]?.error?.code).toBe('CAIRN_STAGE_TIMEOUT')
    expect(existsSync(join(p.root, 'out.txt'))).toBe(false)
  })

  it('fails a stage that does not write a declared output', async () => {
    p = await makeProject({
      'cairn.yaml': 'stages:\n  lazy:\n    cmd: echo nothing\n    outs: [missing.txt]\n',
    })
    const result = await p.run()
    expect(result.stages[0]?.error?.message).toBe(
      "Stage 'lazy' succeeded but did not write its output 'missing.txt'",
    )
  })

  it('names the stage and the path of a missing dependency', async () => {
    p = await makeProject({
      'cairn.yaml': 'stages:\n  a:\n    cmd: cat nope.csv > a.txt\n    deps: [nope.csv]\n    outs: [a.txt]\n',
    })
    const result = await p.run()
    expect(result.error?.code).toBe('CAIRN_DEPENDENCY_MISSING')
    expect(result.error?.message).toBe(
      "Stage 'a' depends on 'nope.csv', which does not exist and no stage writes it",
    )
  })

  it('names the stage and key of an undefined param', async () => {
    p = await makeProject({
      'cairn.yaml': 'stages:\n  a:\n    cmd: echo 1 > a.txt\n    params: [train.nope]\n    outs: [a.txt]\n',
      'params.yaml': 'train:\n  lr: 1\n',
    })
    const result = await p.run()
    expect(result.error?.code).toBe('CAIRN_PARAM_UNDEFINED')
    expect(result.error?.message).toBe(
      "Stage 'a' reads param 'train.nope' from params.yaml, which does not define it",
    )
  })

  it('--force reruns up-to-date stages; --dry-run changes nothing and says why', async () => {
    const project = await threeStages()
    await project.run()
    await project.write('params.yaml', 'prepare:\n  mode: lower\ntrain:\n  depth: 4\n')
    const dry = await project.run({ dryRun: true })
    expect(statuses(dry)).toEqual({ prepare: 'would-run', train: 'would-run', report: 'would-run' })
    expect(dry.stages[1]?.reasons).toEqual([{ kind: 'upstream', stage: 'prepare' }])
    expect(await runsLogged(project)).toBe(3)
    const forced = await project.run({ force: true, targets: ['train'], single: true })
    expect(statuses(forced)).toEqual({ train: 'ran' })
  })

  it('runs TypeScript stages: a module export in a child process and a function in process', async () => {
    p = await makeProject({
      'cairn.yaml': `
stages:
  double:
    run: stages/double.ts#double
    params: [factor]
    outs: [doubled.json]
`,
      'params.yaml': 'factor: 3\n',
      'stages/double.ts': `
import { writeFileSync } from 'node:fs'
export async function double(ctx: { params: { factor: number }; path(p: string): string; log(m: string): void }) {
  ctx.log('doubling')
  writeFileSync(ctx.path('doubled.json'), JSON.stringify({ value: 2 * ctx.params.factor }))
}
`,
    })
    const result = await p.run()
    expect(result.error).toBeUndefined()
    expect(JSON.parse(await p.read('doubled.json'))).toEqual({ value: 6 })
    const lock = await readLockFile(p.root)
    expect(
      lock
        .get('default')
        ?.get('double')
        ?.deps.map((d) => ('path' in d ? d.path : d.uri)),
    ).toEqual(['stages/double.ts'])
    // editing the module reruns the stage
    await p.write('stages/double.ts', (await p.read('stages/double.ts')).replace('2 *', '10 *'))
    const again = await p.run()
    expect(statuses(again)).toEqual({ double: 'ran' })
    expect(JSON.parse(await p.read('doubled.json'))).toEqual({ value: 30 })
  })
})

describe('stage options', () => {
  it('frozen stages never run; always_changed stages always do; persist keeps the old output for the stage', async () => {
    p = await makeProject({
      'cairn.yaml': `
stages:
  ice:
    cmd: echo new > ice.txt
    outs: [ice.txt]
    frozen: true
  clock:
    cmd: date +%s%N > clock.txt
    outs: [clock.txt]
    always_changed: true
  journal:
    cmd: echo line >> journal.txt
    deps: [clock.txt]
    outs:
      - journal.txt:
          persist: true
          cache: false
`,
      'ice.txt': 'old\n',
    })
    const first = await p.run()
    expect(statuses(first)).toEqual({ ice: 'frozen', clock: 'ran', journal: 'ran' })
    expect(await p.read('ice.txt')).toBe('old\n')
    const second = await p.run()
    expect(statuses(second)).toEqual({ ice: 'frozen', clock: 'ran', journal: 'ran' })
    expect(second.stages[1]?.reasons).toContainEqual({ kind: 'always-changed' })
    expect(await p.read('journal.txt')).toBe('line\nline\n')
  })

  it('runs commands in wdir with paths written relative to it', async () => {
    p = await makeProject({
      'cairn.yaml': `
stages:
  build:
    wdir: sub/dir
    cmd: cat input.txt ../../top.txt > ../../out/result.txt
    deps: [input.txt, ../../top.txt]
    outs: [../../out/result.txt]
`,
      'sub/dir/input.txt': 'in\n',
      'top.txt': 'top\n',
    })
    const result = await p.run()
    expect(result.error).toBeUndefined()
    expect(await p.read('out/result.txt')).toBe('in\ntop\n')
    const lock = (await readLockFile(p.root)).get('default')?.get('build')
    expect(lock?.wdir).toBe('sub/dir')
    expect(lock?.deps.map((d) => ('path' in d ? d.path : ''))).toEqual(['sub/dir/input.txt', 'top.txt'])
  })

  it('runs foreach stages as separate stages of the graph', async () => {
    p = await makeProject({
      'cairn.yaml': `
stages:
  shard:
    foreach: [a, b, c]
    do:
      cmd: echo \${item} > shard-\${item}.txt
      outs:
        - shard-\${item}.txt
  merge:
    cmd: cat shard-a.txt shard-b.txt shard-c.txt > merged.txt
    deps: [shard-a.txt, shard-b.txt, shard-c.txt]
    outs: [merged.txt]
`,
    })
    const result = await p.run({ targets: ['merge'] })
    expect(statuses(result)).toEqual({ 'shard@a': 'ran', 'shard@b': 'ran', 'shard@c': 'ran', merge: 'ran' })
    expect(await p.read('merged.txt')).toBe('a\nb\nc\n')
  })
})
