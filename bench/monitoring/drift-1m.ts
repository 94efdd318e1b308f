/**
 * Drift on 1,000,000 reference × 1,000,000 current rows × 50 numeric columns with automatic test
 * choice (normalised Wasserstein for large numeric references): Cairn's `computeDrift` against
 * the same statistic computed column by column with SciPy, on the same data, in one run.
 *
 *   flock /tmp/cairn-bench.lock npx tsx bench/monitoring/drift-1m.ts [--rows 1000000] [--columns 50]
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeFrame, numericColumn } from '../../src/data/index.js'
import { Rng } from '../../src/ml/index.js'
import { computeDrift, computeDriftParallel, type DriftReport } from '../../src/monitoring/index.js'

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

const rows = arg('rows', 1_000_000)
const cols = arg('columns', 50)
const dir = join(tmpdir(), `cairn-bench-drift-${process.pid}`)
mkdirSync(dir, { recursive: true })

function generate(seed: number, shifted: boolean): Float64Array[] {
  const rng = new Rng(seed)
  const out: Float64Array[] = []
  for (let j = 0; j < cols; j++) {
    const x = new Float64Array(rows)
    const moved = shifted && j % 5 === 0
    const kind = j % 3
    for (let i = 0; i < rows; i++) {
      const z = rng.normal()
      x[i] =
        kind === 0
          ? z * (1 + j / 10) + j
          : kind === 1
            ? Math.exp(0.5 * z)
            : Math.floor(rng.next() * 1000) / 10
      if (moved) x[i] = (x[i] as number) * 1.2 + 0.3
    }
    out.push(x)
  }
  return out
}

function write(path: string, columns: Float64Array[]): void {
  const buf = Buffer.allocUnsafe(rows * cols * 8)
  columns.forEach((c, j) => {
    Buffer.from(c.buffer, c.byteOffset, c.byteLength).copy(buf, j * rows * 8)
  })
  writeFileSync(path, buf)
}

process.stdout.write(`generating ${rows.toLocaleString()} × ${cols} reference and current columns…\n`)
const ref = generate(1, false)
const cur = generate(2, true)
write(join(dir, 'reference.f64'), ref)
write(join(dir, 'current.f64'), cur)
const refFrame = makeFrame(ref.map((v, j) => numericColumn(`f${j}`, v)))
const curFrame = makeFrame(cur.map((v, j) => numericColumn(`f${j}`, v)))

computeDrift(
  makeFrame(ref.slice(0, 2).map((v, j) => numericColumn(`f${j}`, v.subarray(0, 5000)))),
  makeFrame(cur.slice(0, 2).map((v, j) => numericColumn(`f${j}`, v.subarray(0, 5000)))),
)

function peerRun(test: string): { seconds: number; scores: number[]; scipy: string } {
  return JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      [join(import.meta.dirname, 'scipy_drift.py'), dir, String(rows), String(cols), test],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    ),
  )
}

function maxRelative(reports: DriftReport[], scores: number[]): number {
  let m = 0
  for (const r of reports) {
    r.columns.forEach((c, j) => {
      const s = scores[j] as number
      const d = Math.abs((c.score as number) - s)
      m = Math.max(m, s === 0 ? d : d / Math.abs(s))
    })
  }
  return m
}

const threads = Math.min(availableParallelism(), 8)
const secs = (t: number) => (performance.now() - t) / 1000
const lines: string[] = []
const row = (label: string, s: number, peer?: number) =>
  `  ${label.padEnd(52)} ${s.toFixed(2).padStart(7)} s${peer !== undefined ? `   scipy/cairn ${(peer / s).toFixed(2)}×` : ''}`

// 1. Automatic test choice (what a monitor runs): normalised Wasserstein for these columns.
let t = performance.now()
const auto = computeDrift(refFrame, curFrame, { distributions: false })
const autoSeconds = secs(t)
t = performance.now()
const autoParallel = await computeDriftParallel(refFrame, curFrame, { distributions: false })
const autoParallelSeconds = secs(t)
const wd = peerRun('wasserstein')
const tests = [...new Set(auto.columns.map((c) => c.test))].join(', ')
lines.push(
  `drift, ${rows.toLocaleString()} reference × ${rows.toLocaleString()} current rows × ${cols} numeric columns`,
  `automatic test choice (${tests}); ${auto.drifted} of ${auto.evaluated} columns drifted, ${Math.ceil(cols / 5)} were shifted`,
  row(`scipy ${wd.scipy} wasserstein_distance / np.std`, wd.seconds),
  row('cairn computeDrift, 1 thread', autoSeconds, wd.seconds),
  row(`cairn computeDriftParallel, ${threads} threads`, autoParallelSeconds, wd.seconds),
  `  max relative difference of scores vs SciPy: ${maxRelative([auto, autoParallel], wd.scores).toExponential(1)}`,
)

// 2. The same data with the KS test forced (ks_2samp, asymptotic p-values at this size).
t = performance.now()
const ks = computeDrift(refFrame, curFrame, { distributions: false, test: 'ks' })
const ksSeconds = secs(t)
const ksPeer = peerRun('ks')
lines.push(
  'KS test forced (test: ks)',
  row('scipy ks_2samp', ksPeer.seconds),
  row('cairn computeDrift, 1 thread', ksSeconds, ksPeer.seconds),
  `  max relative difference of p-values vs SciPy: ${maxRelative([ks], ksPeer.scores).toExponential(1)}`,
)
rmSync(dir, { recursive: true, force: true })
process.stdout.write(`${lines.join('\n')}\n`)
