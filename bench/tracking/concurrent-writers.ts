/**
 * 8 writer processes x 10,000 metrics each into one SQLite store at the same time: every metric
 * must be stored, none lost, and no "database is locked" error. Runs twice: one write
 * transaction per metric (80,000 transactions, the worst case), and through the SDK's batches.
 *
 *   flock /tmp/cairn-bench.lock npx tsx bench/tracking/concurrent-writers.ts [--writers 8] [--metrics 10000]
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openMetadataStore } from '../../src/store/index.js'
import { repoRoot } from './support.js'

export interface WritersResult {
  mode: 'single' | 'sdk'
  writers: number
  metricsEach: number
  stored: number
  expected: number
  lockedErrors: number
  otherErrors: number
  wallSeconds: number
  metricsPerSecond: number
}

function writer(args: string[]): Promise<{ locked: number; errors: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', `${repoRoot}bench/tracking/writer.ts`, ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: repoRoot,
      },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`writer failed (${code}): ${err.slice(-2000)}`))
      else resolve(JSON.parse(out.trim().split('\n').pop()!))
    })
  })
}

export async function benchWriters(
  mode: 'single' | 'sdk',
  writers = 8,
  metricsEach = 10_000,
): Promise<WritersResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-writers-'))
  const uri = `sqlite:///${join(dir, 'cairn.db')}`
  try {
    const setup = await openMetadataStore(uri)
    await setup.close()
    const t0 = performance.now()
    const results = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        writer([uri, join(dir, 'artifacts'), 'writers', String(metricsEach), mode, String(i)]),
      ),
    )
    const wallSeconds = (performance.now() - t0) / 1000
    const metadata = await openMetadataStore(uri)
    const row = await metadata.db
      .selectFrom('metrics')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    await metadata.close()
    const stored = Number(row.n)
    const lockedErrors = results.reduce((n, r) => n + r.locked, 0)
    const otherErrors =
      results.reduce((n, r) => n + Object.values(r.errors).reduce((a, b) => a + b, 0), 0) - lockedErrors
    return {
      mode,
      writers,
      metricsEach,
      stored,
      expected: writers * metricsEach,
      lockedErrors,
      otherErrors,
      wallSeconds,
      metricsPerSecond: stored / wallSeconds,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function formatWriters(r: WritersResult): string[] {
  const how = r.mode === 'single' ? 'one write transaction per metric' : "the SDK's buffered batches"
  return [
    `${r.writers} concurrent writer processes x ${r.metricsEach.toLocaleString('en-US')} metrics on one SQLite file, ${how}:`,
    `  stored ${r.stored.toLocaleString('en-US')} of ${r.expected.toLocaleString('en-US')} (${r.stored === r.expected ? 'none lost' : `${r.expected - r.stored} LOST`}), "database is locked" errors: ${r.lockedErrors}, other errors: ${r.otherErrors}`,
    `  wall time ${r.wallSeconds.toFixed(1)} s (${Math.round(r.metricsPerSecond).toLocaleString('en-US')} metrics/s, including process start-up)`,
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (n: string, d: number) => {
    const i = process.argv.indexOf(`--${n}`)
    return i > 0 ? Number(process.argv[i + 1]) : d
  }
  for (const mode of ['single', 'sdk'] as const)
    console.log(formatWriters(await benchWriters(mode, arg('writers', 8), arg('metrics', 10_000))).join('\n'))
}
