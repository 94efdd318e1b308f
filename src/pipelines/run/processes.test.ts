import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { isAlive as alive } from '../executor/local/sandbox.js'
import { readLockFile } from '../lock/lock-file.js'
import { makeProject, statuses, type TestProject } from '../testing/fixture.js'

const CLI = fileURLToPath(new URL('../../../bin/cairn.js', import.meta.url))

function cairn(
  cwd: string,
  args: string[],
): { child: ChildProcess; done: Promise<{ code: number | null; out: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, CAIRN_FROM_SOURCE: '1', CAIRN_PROGRESS: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d) => (out += d))
  child.stderr?.on('data', (d) => (out += d))
  const done = new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out })),
  )
  return { child, done }
}

async function waitFor(path: string, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now()
  while (!existsSync(path)) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${path}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

let p: TestProject | undefined
afterEach(async () => {
  await p?.dispose()
  p = undefined
})

describe('cairn run processes', () => {
  it('SIGKILL of `cairn run` mid-stage leaves no output; the next run stops the orphan and runs the stage again', async () => {
    const mark = join(tmpdir(), `cairn-started-${process.pid}-${Date.now()}`)
    onTestFinished(() => rm(mark, { force: true }))
    p = await makeProject({
      'cairn.yaml': 'stages:\n  slow:\n    cmd: sh work.sh\n    deps: [work.sh]\n    outs: [out.txt]\n',
      'work.sh': `echo partial > out.txt\nif [ ! -f ${mark} ]; then touch ${mark}; sleep 60; fi\necho done >> out.txt\n`,
    })
    const run = cairn(p.root, ['run', '--no-progress'])
    await waitFor(mark)
    const tmp = join(p.root, '.cairn', 'tmp')
    const noteOf = async () =>
      (await readdir(tmp)).filter((n) => n.endsWith('.json') && !n.endsWith('.job.json'))
    while ((await noteOf()).length === 0) await new Promise((r) => setTimeout(r, 10))
    run.child.kill('SIGKILL')
    await run.done
    expect(existsSync(join(p.root, 'out.txt'))).toBe(false)
    expect(existsSync(join(p.root, 'cairn.lock'))).toBe(false)
    const notes = await noteOf()
    expect(notes).toHaveLength(1)
    const orphan = JSON.parse(await readFile(join(tmp, notes[0] as string), 'utf8')) as { child: number }
    expect(alive(orphan.child)).toBe(true)

    const again = await p.run()
    expect(statuses(again)).toEqual({ slow: 'ran' })
    expect(await p.read('out.txt')).toBe('partial\ndone\n')
    expect(alive(orphan.child)).toBe(false)
    expect(await readdir(tmp)).toEqual([])
  })

  it('two `cairn run` on one project wait for each other instead of failing; each stage runs once', async () => {
    const counter = join(tmpdir(), `cairn-count-${process.pid}-${Date.now()}`)
    onTestFinished(() => rm(counter, { force: true }))
    p = await makeProject({
      'cairn.yaml': `
stages:
  a:
    cmd: echo a >> ${counter} && sleep 0.5 && echo a > a.txt
    outs: [a.txt]
  b:
    cmd: echo b >> ${counter} && sleep 0.5 && echo b > b.txt
    outs: [b.txt]
  c:
    cmd: echo c >> ${counter} && cat a.txt b.txt > c.txt
    deps: [a.txt, b.txt]
    outs: [c.txt]
`,
    })
    const first = cairn(p.root, ['run', '--json'])
    const second = cairn(p.root, ['run', '--json'])
    const [r1, r2] = await Promise.all([first.done, second.done])
    expect(r1.code, r1.out).toBe(0)
    expect(r2.code, r2.out).toBe(0)
    expect((await readFile(counter, 'utf8')).split('\n').filter(Boolean).sort()).toEqual(['a', 'b', 'c'])
    expect(await p.read('c.txt')).toBe('a\nb\n')
    expect([...((await readLockFile(p.root)).get('default')?.keys() ?? [])]).toEqual(['a', 'b', 'c'])
    const ran = [r1.out, r2.out].map(
      (o) => JSON.parse(o.slice(o.indexOf('{'))) as { stages: { id: string; status: string }[] },
    )
    for (const id of ['a', 'b', 'c']) {
      const states = ran.map((r) => r.stages.find((s) => s.id === id)?.status).sort()
      expect(states).toEqual(['ran', 'up-to-date'])
    }
  })

  it('`cairn status` says why stages are stale, `cairn dag --mermaid` draws the graph, a failing run exits non-zero', async () => {
    p = await makeProject({
      'cairn.yaml': `
stages:
  prep:
    cmd: echo \${lr} > prep.txt
    outs: [prep.txt]
  fit:
    cmd: cat prep.txt > fit.txt && exit \${code}
    deps: [prep.txt]
    params: [code]
    outs: [fit.txt]
`,
      'params.yaml': 'lr: 0.1\ncode: 0\n',
    })
    expect((await cairn(p.root, ['run', '--no-progress']).done).code).toBe(0)
    await p.write('params.yaml', 'lr: 0.2\ncode: 7\n')
    const status = await cairn(p.root, ['status', '--json']).done
    const report = JSON.parse(status.out) as { id: string; reasonText: string[] }[]
    expect(report.find((s) => s.id === 'prep')?.reasonText).toEqual([
      'command changed: echo 0.1 > prep.txt → echo 0.2 > prep.txt',
      'param changed: lr 0.1 → 0.2',
    ])
    expect(report.find((s) => s.id === 'fit')?.reasonText).toEqual([
      'command changed: cat prep.txt > fit.txt && exit 0 → cat prep.txt > fit.txt && exit 7',
      'param changed: code 0 → 7',
      'upstream stage prep will run',
    ])
    const dag = await cairn(p.root, ['dag', '--mermaid']).done
    expect(dag.out).toBe('flowchart TD\n  s0["prep"]\n  s1["fit"]\n  s0 --> s1\n')
    const run = await cairn(p.root, ['run', '--no-progress']).done
    expect(run.code).toBe(1)
    expect(run.out).toContain("CAIRN_STAGE_FAILED: Stage 'fit' failed: its command exited with code 7")
  })
})
