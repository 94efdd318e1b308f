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
import { computeDrift, computeDriftParallel } from '../../src/monitoring/index.js'

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

const t0 = performance.now()
const report = computeDrift(refFrame, curFrame, { distributions: false })
const cairnSeconds = (performance.now() - t0) / 1000
const t1 = performance.now()
const parallelReport = await computeDriftParallel(refFrame, curFrame, { distributions: false })
const parallelSeconds = (performance.now() - t1) / 1000

const peer = JSON.parse(
  execFileSync(
    '/usr/bin/python3',
    [join(import.meta.dirname, 'scipy_drift.py'), dir, String(rows), String(cols)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  ),
) as { seconds: number; scores: number[]; scipy: string }
rmSync(dir, { recursive: true, force: true })

let maxRel = 0
for (const r of [report, parallelReport]) {
  r.columns.forEach((c, j) => {
    const s = peer.scores[j] as number
    maxRel = Math.max(maxRel, Math.abs((c.score as number) - s) / Math.abs(s))
  })
}
const threads = Math.min(availableParallelism(), 8)
const tests = [...new Set(report.columns.map((c) => c.test))].join(', ')
const lines = [
  `drift, ${rows.toLocaleString()} reference × ${rows.toLocaleString()} current rows × ${cols} numeric columns (auto test: ${tests})`,
  `  scipy ${peer.scipy} wasserstein_distance / np.std, per column   ${peer.seconds.toFixed(2)} s`,
  `  cairn computeDrift, 1 thread                          ${cairnSeconds.toFixed(2)} s   scipy/cairn ${(peer.seconds / cairnSeconds).toFixed(2)}×`,
  `  cairn computeDriftParallel, ${threads} threads                 ${parallelSeconds.toFixed(2)} s   scipy/cairn ${(peer.seconds / parallelSeconds).toFixed(2)}×`,
  `  ${report.drifted} of ${report.evaluated} columns drifted (10 shifted); max relative difference of scores vs SciPy ${maxRel.toExponential(1)}`,
]
process.stdout.write(`${lines.join('\n')}\n`)
