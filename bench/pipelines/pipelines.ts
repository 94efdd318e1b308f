/**
 * Pipeline benchmarks against the targets of issue 4 (no DVC or Airflow is installed here, so
 * there is no peer to run side by side; the figures are printed against the targets):
 *
 *  1. no-op `cairn run` on a 50-stage pipeline whose deps total 2 GB, all up to date (< 200 ms)
 *  2. latency from a stage's last instruction to its dependent's first (< 20 ms)
 *  3. a 16-stage fan-out of 1-second stages with --jobs 2 (near 8 s)
 *
 *   flock /tmp/cairn-bench.lock npx tsx bench/pipelines/pipelines.ts [--gb 2] [--stages 50] [--runs 15] [--only noop,latency,fanout]
 */
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadProjectConfig } from '../../src/core/index.js'
import { loadPipelines, runPipeline } from '../../src/pipelines/index.js'
import { openArtifactStore, openMetadataStore } from '../../src/store/index.js'
import { buildCli, fmt, load, median, percentile, timed } from './support.js'

const { values } = parseArgs({
  options: {
    gb: { type: 'string', default: '2' },
    stages: { type: 'string', default: '50' },
    runs: { type: 'string', default: '15' },
    only: { type: 'string', default: 'noop,latency,fanout' },
    keep: { type: 'boolean', default: false },
  },
})
const only = new Set(String(values.only).split(','))
const cli = buildCli()
const node = process.execPath
const lines: string[] = []
const say = (s: string) => {
  lines.push(s)
  process.stdout.write(`${s}\n`)
}

say(`# Cairn pipelines benchmark — ${new Date().toISOString().slice(0, 10)}, load ${load()} at start`)
say(
  'Peer: none. `apt-cache policy dvc` has no candidate and Airflow is not packaged; figures are given against the issue’s targets.',
)

async function noop(): Promise<void> {
  const stages = Number(values.stages)
  const totalBytes = Number(values.gb) * 1024 ** 3
  const per = Math.floor(totalBytes / stages)
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-noop-'))
  try {
    mkdirSync(join(dir, 'data'))
    const block = randomBytes(1 << 20)
    for (let i = 0; i < stages; i++) {
      const fd = openSync(join(dir, 'data', `part-${i}.bin`), 'w')
      for (let w = 0; w < per; w += block.length) {
        block.writeUInt32LE(i, 0)
        block.writeUInt32LE(w, 4)
        writeSync(fd, block, 0, Math.min(block.length, per - w))
      }
      closeSync(fd)
    }
    const yaml = ['stages:']
    for (let i = 0; i < stages; i++) {
      yaml.push(`  s${i}:`)
      yaml.push(
        `    cmd: head -c 64 data/part-${i}.bin | od -An -tx1 > out/${i}.txt${i > 0 ? ` && cat out/${i - 1}.txt >> out/${i}.txt` : ''}`,
      )
      yaml.push(`    deps: [data/part-${i}.bin${i > 0 ? `, out/${i - 1}.txt` : ''}]`)
      yaml.push(`    outs: [out/${i}.txt]`)
    }
    writeFileSync(join(dir, 'cairn.yaml'), `${yaml.join('\n')}\n`)
    const first = await timed(node, [cli, 'run', '--no-progress'], dir)
    if (first.code !== 0) throw new Error(`first run failed: ${first.out}`)
    const cold = await timed(node, [cli, 'run', '--no-progress'], dir)
    if (!/Up to date/.test(cold.out)) throw new Error(`expected nothing to run: ${cold.out}`)
    const runs = Number(values.runs)
    const cliMs: number[] = []
    for (let i = 0; i < runs; i++) {
      const r = await timed(node, [cli, 'run', '--no-progress'], dir)
      if (r.code !== 0 || !/Up to date/.test(r.out)) throw new Error(`no-op run did work: ${r.out}`)
      cliMs.push(r.ms)
    }
    const onlyCli = join(cli, '..', 'pipelines-only.js')
    const onlyMs: number[] = []
    for (let i = 0; i < runs; i++) {
      const r = await timed(node, [onlyCli, 'run', '--no-progress'], dir)
      if (r.code !== 0 || !/Up to date/.test(r.out)) throw new Error(`no-op run did work: ${r.out}`)
      onlyMs.push(r.ms)
    }
    const versionMs: number[] = []
    const nodeMs: number[] = []
    for (let i = 0; i < 5; i++) {
      versionMs.push((await timed(node, [cli, '--version'], dir)).ms)
      nodeMs.push((await timed(node, ['-e', '0'], dir)).ms)
    }
    const inProcess: number[] = []
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now()
      const cfg = await loadProjectConfig({ cwd: dir })
      const project = await loadPipelines({ root: cfg.root, file: cfg.file })
      const r = await runPipeline({ project })
      if (r.stages.some((s) => s.status !== 'up-to-date')) throw new Error('in-process no-op did work')
      inProcess.push(performance.now() - t0)
    }
    const gb = (per * stages) / 1024 ** 3
    say('')
    say(
      `## 1. No-op \`cairn run\`: ${stages} stages, deps ${gb.toFixed(2)} GiB, all up to date (${runs} runs, load ${load()})`,
    )
    say('')
    say('| measure | median | p90 | min |')
    say('|---|---|---|---|')
    say(
      `| \`cairn run\` (whole process, compiled CLI) | ${fmt(median(cliMs))} | ${fmt(percentile(cliMs, 90))} | ${fmt(Math.min(...cliMs))} |`,
    )
    say(
      `| of which: \`cairn --version\` (Node + CLI modules, no work) | ${fmt(median(versionMs))} | ${fmt(percentile(versionMs, 90))} | ${fmt(Math.min(...versionMs))} |`,
    )
    say(
      `| \`cairn run\` with only the pipelines commands registered | ${fmt(median(onlyMs))} | ${fmt(percentile(onlyMs, 90))} | ${fmt(Math.min(...onlyMs))} |`,
    )
    say(
      `| \`cairn run\` minus \`cairn --version\` (medians) | ${fmt(median(cliMs) - median(versionMs))} | | |`,
    )
    say(
      `| of which: \`node -e 0\` | ${fmt(median(nodeMs))} | ${fmt(percentile(nodeMs, 90))} | ${fmt(Math.min(...nodeMs))} |`,
    )
    say(
      `| pipeline work in process (config, load, plan, ${stages * 2 - 1} stats) | ${fmt(median(inProcess))} | ${fmt(percentile(inProcess, 90))} | ${fmt(Math.min(...inProcess))} |`,
    )
    say(`| first run (hashes ${gb.toFixed(2)} GiB, runs ${stages} stages) | ${fmt(first.ms)} | | |`)
    say('')
    say(
      `Target < 200 ms: \`cairn run\` median ${fmt(median(cliMs))} = ${(median(cliMs) / 200).toFixed(2)}× the target (its start-up loads every layer); with only the pipelines commands ${fmt(median(onlyMs))} = ${(median(onlyMs) / 200).toFixed(2)}×; the pipeline work itself ${fmt(median(inProcess))} = ${(median(inProcess) / 200).toFixed(3)}×.`,
    )
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true })
  }
}

async function latency(): Promise<void> {
  const n = 20
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-latency-'))
  const log = join(dir, '..', `${dir.split('/').pop()}.log`)
  try {
    const yaml = ['stages:']
    for (let i = 0; i < n; i++) {
      yaml.push(`  s${i}:`)
      yaml.push(
        `    cmd: echo "$(date +%s%N) start ${i}" >> ${log} && echo ${i} > out/${i}.txt${i > 0 ? ` && cat out/${i - 1}.txt >> out/${i}.txt` : ''} && echo "$(date +%s%N) end ${i}" >> ${log}`,
      )
      if (i > 0) yaml.push(`    deps: [out/${i - 1}.txt]`)
      yaml.push(`    outs: [out/${i}.txt]`)
    }
    writeFileSync(join(dir, 'cairn.yaml'), `${yaml.join('\n')}\n`)
    const readGaps = (into: number[]) => {
      const ev = new Map<string, number>()
      for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
        const [ns, what, i] = line.split(' ')
        ev.set(`${what}${i}`, Number(BigInt(ns as string) / 1000n) / 1000)
      }
      for (let i = 1; i < n; i++)
        into.push((ev.get(`start${i}`) as number) - (ev.get(`end${i - 1}`) as number))
    }
    const gaps: number[] = []
    for (let round = 0; round < 3; round++) {
      rmSync(log, { force: true })
      const r = await timed(node, [cli, 'run', '--no-progress', ...(round > 0 ? ['--force'] : [])], dir)
      if (r.code !== 0) throw new Error(r.out)
      readGaps(gaps)
    }
    const inProcess: number[] = []
    const cfg = await loadProjectConfig({ cwd: dir })
    const project = await loadPipelines({ root: cfg.root, file: cfg.file })
    for (let round = 0; round < 3; round++) {
      rmSync(log, { force: true })
      const r = await runPipeline({
        project,
        force: true,
        artifacts: openArtifactStore(cfg.artifactsUri),
        metadata: () => openMetadataStore(cfg.trackingUri),
      })
      if (!r.ok) throw new Error(String(r.error))
      readGaps(inProcess)
    }
    say('')
    say(
      `## 2. Stage end → dependent start, local executor (${gaps.length} hand-offs in a ${n}-stage chain, load ${load()})`,
    )
    say('')
    say(
      'From the last instruction of a stage to the first instruction of the stage that depends on it: shell exit, hashing the output, moving it into place, checking the dependent, building its sandbox and starting its shell (caching and the lock file are written meanwhile).',
    )
    say('')
    say('| runner | median | p95 | max |')
    say('|---|---|---|---|')
    say(
      `| \`cairn run\` (compiled CLI) | ${fmt(median(gaps))} | ${fmt(percentile(gaps, 95))} | ${fmt(Math.max(...gaps))} |`,
    )
    say(
      `| \`runPipeline()\` in a long-lived process | ${fmt(median(inProcess))} | ${fmt(percentile(inProcess, 95))} | ${fmt(Math.max(...inProcess))} |`,
    )
    say('')
    say(
      `Target < 20 ms: median ${fmt(median(gaps))} = ${(median(gaps) / 20).toFixed(2)}× the target through the CLI, ${fmt(median(inProcess))} = ${(median(inProcess) / 20).toFixed(2)}× in process.`,
    )
  } finally {
    rmSync(log, { force: true })
    if (!values.keep) rmSync(dir, { recursive: true, force: true })
  }
}

async function fanout(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-fanout-'))
  try {
    const yaml = ['stages:']
    for (let i = 0; i < 16; i++)
      yaml.push(`  s${i}:`, `    cmd: sleep 1 && echo ${i} > out/${i}.txt`, `    outs: [out/${i}.txt]`)
    writeFileSync(join(dir, 'cairn.yaml'), `${yaml.join('\n')}\n`)
    const walls: number[] = []
    for (let round = 0; round < 2; round++) {
      const r = await timed(
        node,
        [cli, 'run', '--no-progress', '--jobs', '2', ...(round > 0 ? ['--force'] : [])],
        dir,
      )
      if (r.code !== 0) throw new Error(r.out)
      walls.push(r.ms)
    }
    const startups: number[] = []
    for (let i = 0; i < 3; i++) startups.push((await timed(node, [cli, '--version'], dir)).ms)
    const startup = median(startups)
    const cfg = await loadProjectConfig({ cwd: dir })
    const project = await loadPipelines({ root: cfg.root, file: cfg.file })
    const t0 = performance.now()
    const inProc = await runPipeline({
      project,
      force: true,
      jobs: 2,
      artifacts: openArtifactStore(cfg.artifactsUri),
      metadata: () => openMetadataStore(cfg.trackingUri),
    })
    if (!inProc.ok) throw new Error(String(inProc.error))
    const inProcMs = performance.now() - t0
    const over = (w: number) => `${fmt(w - 8000)} (${((w / 8000 - 1) * 100).toFixed(1)}%)`
    say('')
    say(`## 3. Fan-out: 16 independent 1-second stages, 2 at a time (load ${load()})`)
    say('')
    say('| run | wall | over the ideal 8 s |')
    say('|---|---|---|')
    walls.forEach((w, i) => {
      say(`| \`cairn run --jobs 2\`, round ${i + 1} | ${fmt(w)} | ${over(w)} |`)
    })
    say(
      `| the same minus the CLI's start-up (\`cairn --version\` ${fmt(startup)}) | ${fmt(median(walls) - startup)} | ${over(median(walls) - startup)} |`,
    )
    say(`| \`runPipeline({ jobs: 2 })\` in process | ${fmt(inProcMs)} | ${over(inProcMs)} |`)
    say('')
    say(
      `Target near 8 s: ${fmt(median(walls))} = ${(median(walls) / 8000).toFixed(3)}× the ideal through the CLI, ${fmt(inProcMs)} = ${(inProcMs / 8000).toFixed(3)}× in process.`,
    )
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true })
  }
}

if (only.has('noop')) await noop()
if (only.has('latency')) await latency()
if (only.has('fanout')) await fanout()
mkdirSync(join(import.meta.dirname, '..', '.out'), { recursive: true })
writeFileSync(join(import.meta.dirname, '..', '.out', 'pipelines.md'), `${lines.join('\n')}\n`)
