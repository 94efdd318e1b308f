/**
 * Ingest + validate (10 expectations) + profile a generated 5,000,000-row × 20-column CSV:
 * Cairn (DuckDB) against pandas doing the same work, each in its own process, one after the
 * other. Prints rows/s for both, the ratio and each side's peak memory (max RSS).
 *
 *   flock /tmp/cairn-bench.lock npx tsx bench/data/ingest-validate-profile.ts [--rows 5000000] [--keep]
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateCsv } from './generate.js'

interface SideResult {
  rows: number
  columns: number
  malformed: number
  ingestSeconds: number
  validateSeconds: number
  profileSeconds: number
  totalSeconds: number
  failing: Record<string, number>
  profiledColumns: number
  peakRssMb: number
  cpuSeconds: number
}

const args = process.argv.slice(2)
const rows = Number(args[args.indexOf('--rows') + 1] || 0) || 5_000_000
const here = fileURLToPath(new URL('.', import.meta.url))
const root = fileURLToPath(new URL('../../', import.meta.url))

function run(cmd: string, argv: string[]): Promise<SideResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CAIRN_PROGRESS: 'off' },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${cmd} failed (${code}): ${err.slice(-3000)}`))
      else resolve(JSON.parse(out.trim().split('\n').pop() as string) as SideResult)
    })
  })
}

const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-data-'))
try {
  const csv = join(dir, 'bench.csv')
  const g0 = performance.now()
  await generateCsv(csv, rows)
  const size = statSync(csv).size
  console.log(
    `generated ${rows.toLocaleString()} rows × 20 columns, ${(size / 1024 ** 2).toFixed(0)} MiB in ${((performance.now() - g0) / 1000).toFixed(1)} s`,
  )

  const load0 = loadavg()[0] ?? 0
  const cairn = await run(process.execPath, ['--import', 'tsx', join(here, 'cairn-run.ts'), csv])
  const load1 = loadavg()[0] ?? 0
  const pandas = await run('/usr/bin/python3', [join(here, 'pandas_run.py'), csv])
  const load2 = loadavg()[0] ?? 0

  const line = (label: string, c: number, p: number, unit = 's', better: 'lower' | 'higher' = 'lower') =>
    `${label.padEnd(22)} ${c.toFixed(2).padStart(10)} ${p.toFixed(2).padStart(10)} ${unit.padEnd(6)} ${(better === 'lower' ? p / c : c / p).toFixed(2).padStart(7)}x`
  console.log(
    `\n${''.padEnd(22)} ${'cairn'.padStart(10)} ${'pandas'.padStart(10)} ${''.padEnd(6)} ${'cairn vs pandas'.padStart(8)}`,
  )
  console.log(line('ingest', cairn.ingestSeconds, pandas.ingestSeconds))
  console.log(line('validate (10 exp.)', cairn.validateSeconds, pandas.validateSeconds))
  console.log(line('profile (20 cols)', cairn.profileSeconds, pandas.profileSeconds))
  console.log(line('total', cairn.totalSeconds, pandas.totalSeconds))
  const crs = rows / cairn.totalSeconds
  const prs = rows / pandas.totalSeconds
  console.log(line('rows/s (total)', crs / 1000, prs / 1000, 'k/s', 'higher'))
  console.log(line('peak memory', cairn.peakRssMb, pandas.peakRssMb, 'MiB'))
  console.log(line('CPU time', cairn.cpuSeconds, pandas.cpuSeconds, 's'))
  console.log(
    `\nmachine: ${cpus().length} cores; 1-min load average ${load0.toFixed(1)} before cairn, ${load1.toFixed(1)} before pandas, ${load2.toFixed(1)} after (other work was running)`,
  )
  console.log(
    `\nrows read: cairn ${cairn.rows}, pandas ${pandas.rows}; malformed: cairn ${cairn.malformed}, pandas ${pandas.malformed}`,
  )
  const agree = Object.keys(pandas.failing).every((k) => {
    const a = Number(cairn.failing[k])
    const b = Number(pandas.failing[k])
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b))
  })
  console.log(`failing counts agree: ${agree ? 'yes' : 'NO'}`)
  if (!agree) console.log({ cairn: cairn.failing, pandas: pandas.failing })
  console.log(`ratio (pandas total / cairn total): ${(pandas.totalSeconds / cairn.totalSeconds).toFixed(2)}x`)
} finally {
  if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true })
}
