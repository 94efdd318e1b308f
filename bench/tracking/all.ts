/**
 * Run the three tracking benchmarks and write their figures under "## Tracking" in
 * bench/RESULTS.md (replacing that section only).
 *
 *   flock /tmp/cairn-bench.lock npx tsx bench/tracking/all.ts [--print]
 *
 * `--print` prints the section instead of writing it (to paste it while others edit the file).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { benchWriters, formatWriters } from './concurrent-writers.js'
import { benchLogBatch, formatLogBatch } from './log-batch.js'
import { benchSearch, formatSearch } from './search.js'
import { repoRoot } from './support.js'

const started = new Date()
const load = () => loadavg()[0]!.toFixed(1)
const sections: string[][] = []
const loads: string[] = [load()]

const logBatch = await benchLogBatch(200)
sections.push(formatLogBatch(logBatch))
console.log(sections.at(-1)!.join('\n'))
loads.push(load())

const search = await benchSearch(10_000)
sections.push(formatSearch(search))
console.log(sections.at(-1)!.join('\n'))
loads.push(load())

for (const mode of ['sdk', 'single'] as const) {
  const r = await benchWriters(mode, 8, 10_000)
  sections.push(formatWriters(r))
  console.log(sections.at(-1)!.join('\n'))
  loads.push(load())
}

const body = [
  '## Tracking',
  '',
  `Measured ${started.toISOString().slice(0, 10)} on the project machine (2 cores, 24 GiB, Debian 12, Node ${process.versions.node}), shared with other work: 1-minute load average during the runs ${loads.join(' → ')}. Run with \`flock /tmp/cairn-bench.lock npx tsx bench/tracking/all.ts\`.`,
  '',
  'No MLflow Python server can run on this machine (`apt-cache search mlflow` finds nothing; PyPI is unreachable), so the MLflow figures are the ones the issue quotes, labelled "quoted, not measured"; only the Cairn figures are measurements.',
  '',
  '```',
  ...sections.flatMap((s) => [...s, '']),
  '```',
  '',
].join('\n')

if (process.argv.includes('--print')) {
  console.log(`\n${body}`)
  process.exit(0)
}
const path = `${repoRoot}bench/RESULTS.md`
const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n\n'
const start = current.indexOf('## Tracking\n')
let next = start === -1 ? -1 : current.indexOf('\n## ', start + 1)
if (next !== -1) next += 1
const updated =
  start === -1
    ? `${current.trimEnd()}\n\n${body}`
    : `${current.slice(0, start)}${body}${next === -1 ? '' : `\n${current.slice(next)}`}`
writeFileSync(path, updated)
console.log(`\nwrote the Tracking section of ${path}`)
